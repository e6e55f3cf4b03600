using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace UcSocket.Native;

/// <summary>
/// The socket syscalls, one attempt each: the only code of the library that calls libc for them. Every method
/// returns the syscall's result (0 or more) or the negated errno, the kernel's own convention, so that callers
/// never read errno themselves. Retrying (EINTR), waiting and timeouts are <see cref="BlockingIo"/>'s business.
/// </summary>
internal static unsafe partial class SocketSyscalls
{
    public const int SHUT_RDWR = 2;
    public const int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800;

    /// <summary>The result of a libc call that returned -1 on failure: the value, or -errno.</summary>
    private static long Result(long rc) => rc >= 0 ? rc : -Marshal.GetLastPInvokeError();

    public static long Socket(int domain, int type, int protocol) => Result(LibC.socket(domain, type, protocol));

    public static long SocketPair(int domain, int type, int protocol, int* fds) => Result(LibC.socketpair(domain, type, protocol, fds));

    public static long Close(int fd) => Result(LibC.close(fd));

    public static long Bind(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
            return Result(LibC.bind(fd, (sockaddr*)p, (uint)address.Length));
    }

    public static long Connect(int fd, ReadOnlySpan<byte> address)
    {
        fixed (byte* p = address)
            return Result(LibC.connect(fd, (sockaddr*)p, (uint)address.Length));
    }

    public static long Listen(int fd, int backlog) => Result(LibC.listen(fd, backlog));

    public static long Shutdown(int fd, int how) => Result(LibC.shutdown(fd, how));

    /// <summary>accept4: the new descriptor, the peer's address in <paramref name="address"/> and its length in <paramref name="addressLength"/>.</summary>
    public static long Accept(int fd, Span<byte> address, out int addressLength, int flags)
    {
        socklen_t length = (uint)address.Length;
        long rc;
        fixed (byte* p = address)
            rc = Result(LibC.accept4(fd, address.IsEmpty ? null : (sockaddr*)p, address.IsEmpty ? null : &length, flags));
        addressLength = rc >= 0 ? (int)Math.Min((uint)length, (uint)address.Length) : 0;
        return rc;
    }

    /// <summary>getsockname or getpeername; <paramref name="addressLength"/> is what the kernel reported, clamped to the buffer.</summary>
    public static long GetName(int fd, bool peer, Span<byte> address, out int addressLength)
    {
        socklen_t length = (uint)address.Length;
        long rc;
        fixed (byte* p = address)
            rc = Result(peer ? LibC.getpeername(fd, (sockaddr*)p, &length) : LibC.getsockname(fd, (sockaddr*)p, &length));
        addressLength = rc >= 0 ? (int)Math.Min((uint)length, (uint)address.Length) : 0;
        return rc;
    }

    /// <summary>getsockopt into <paramref name="value"/>; <paramref name="length"/> is the length the kernel reported (it may exceed the buffer).</summary>
    public static long GetSockOpt(int fd, int level, int option, Span<byte> value, out int length)
    {
        socklen_t len = (uint)value.Length;
        long rc;
        fixed (byte* p = value)
            rc = Result(LibC.getsockopt(fd, level, option, p, &len));
        length = (int)Math.Min((uint)len, int.MaxValue);
        return rc;
    }

    /// <summary>setsockopt; an empty value passes a null pointer.</summary>
    public static long SetSockOpt(int fd, int level, int option, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
            return Result(LibC.setsockopt(fd, level, option, value.IsEmpty ? null : p, (uint)value.Length));
    }

    /// <summary>setsockopt from a buffer that must stay where it is (the caller pinned it, e.g. a sock_fprog pointing into itself).</summary>
    public static long SetSockOpt(int fd, int level, int option, byte* value, int length) =>
        Result(LibC.setsockopt(fd, level, option, length == 0 ? null : value, (uint)length));

    /// <summary>sendto; an empty <paramref name="address"/> sends to the connected peer.</summary>
    public static long SendTo(int fd, byte* data, nint length, int flags, ReadOnlySpan<byte> address)
    {
        fixed (byte* a = address)
            return Result(LibC.sendto(fd, data, (size_t)(nuint)length, flags, address.IsEmpty ? null : (sockaddr*)a, (uint)address.Length));
    }

    /// <summary>recvfrom; with an empty <paramref name="address"/> the sender's address is not asked for (its length is then 0).</summary>
    public static long RecvFrom(int fd, byte* buffer, nint length, int flags, Span<byte> address, out int addressLength)
    {
        socklen_t len = (uint)address.Length;
        long rc;
        fixed (byte* a = address)
            rc = Result(address.IsEmpty
                ? LibC.recvfrom(fd, buffer, (size_t)(nuint)length, flags, null, null)
                : LibC.recvfrom(fd, buffer, (size_t)(nuint)length, flags, (sockaddr*)a, &len));
        addressLength = rc >= 0 && !address.IsEmpty ? (int)Math.Min((uint)len, (uint)address.Length) : 0;
        return rc;
    }

    public static long SendMsg(int fd, MsgHdr* message, int flags) => Result(LibC.sendmsg(fd, (msghdr*)message, flags));

    public static long RecvMsg(int fd, MsgHdr* message, int flags) => Result(LibC.recvmsg(fd, (msghdr*)message, flags));

    public static long SendMmsg(int fd, MMsgHdr* messages, int count, int flags) => Result(sendmmsg(fd, messages, (uint)count, flags));

    public static long RecvMmsg(int fd, MMsgHdr* messages, int count, int flags) => Result(recvmmsg(fd, messages, (uint)count, flags, null));

    public static long Poll(pollfd* fds, int count, int timeoutMs) => Result(poll(fds, (nuint)count, timeoutMs));

    public static long GetStatusFlags(int fd) => Result(LibC.fcntl(fd, F_GETFL));

    public static long SetStatusFlags(int fd, int flags) => Result(LibC.fcntl(fd, F_SETFL, flags));

    public const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>A new close-on-exec descriptor (the lowest free number) for the same open file: fcntl(F_DUPFD_CLOEXEC), as dup(2) but never inherited by exec.</summary>
    public static long DuplicateCloseOnExec(int fd) => Result(LibC.fcntl(fd, F_DUPFD_CLOEXEC, 0));

    public static long EventFd(int flags) => Result(LibC.eventfd(0, flags));

    public const int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x1, EPOLLPRI = 0x2, EPOLLOUT = 0x4, EPOLLERR = 0x8, EPOLLHUP = 0x10, EPOLLRDHUP = 0x2000, EPOLLET = 1u << 31;

    public static long EpollCreate() => Result(LibC.epoll_create1(EPOLL_CLOEXEC));

    /// <summary>epoll_ctl; <paramref name="data"/> comes back with every event of <paramref name="fd"/>.</summary>
    public static long EpollCtl(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = new epoll_event { events = (int)events };
        ev.data.u64 = data;
        return Result(LibC.epoll_ctl(epfd, op, fd, &ev));
    }

    public static long EpollWait(int epfd, epoll_event* events, int count, int timeoutMs) => Result(LibC.epoll_wait(epfd, events, count, timeoutMs));

    /// <summary>Adds one to an eventfd's counter (makes it readable).</summary>
    public static long Signal(int eventFd)
    {
        ulong one = 1;
        return Result(LibC.write(eventFd, &one, sizeof(ulong)));
    }

    // Tmds.LibC 0.5.0 lacks sendmmsg/recvmmsg, and binds poll without SetLastError (its errno would be lost).
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint count, int timeout);
}
