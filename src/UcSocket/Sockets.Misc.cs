using System;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

public static partial class Sockets
{
    /// <summary>
    /// Wraps an existing socket descriptor in a <see cref="SocketHandle"/> (ucode's <c>socket.open</c>), e.g. one
    /// inherited from a parent process or received with SCM_RIGHTS.
    /// </summary>
    /// <param name="fd">The descriptor number.</param>
    /// <returns>
    /// The handle, which from then on owns the descriptor and closes it when closed or disposed; or null on error,
    /// leaving the descriptor alone. Unlike ucode, which wraps any number, the descriptor is checked to be a
    /// socket (by reading SO_TYPE): a negative number is EBADF <c>"Invalid file descriptor number"</c>, a closed
    /// descriptor EBADF and a file, pipe or other non-socket ENOTSOCK (<c>"getsockopt(): Socket operation on
    /// non-socket"</c>). The descriptor's flags (close-on-exec, non-blocking) are left as they are. Wrap a
    /// descriptor that another object owns only after duplicating it, or both will close it; a descriptor received
    /// with SCM_RIGHTS is taken in one call with <c>TakeSocket</c> (on the <see cref="ReceivedMessage"/>, the
    /// <see cref="ControlBuffer"/> or the <see cref="FileDescriptors"/>), which moves its ownership instead.
    /// </returns>
    public static SocketHandle? Open(int fd)
    {
        if (fd < 0) return Errors.Fail<SocketHandle>(new ErrorInfo(Errno.EBADF, "Invalid file descriptor number"));
        if (!TryInspectSocket(fd, out int family, out int type, out bool nonBlocking, out var error))
            return Errors.Fail<SocketHandle>(error);
        Errors.Clear();
        return new SocketHandle(fd, family, type, nonBlocking);
    }

    /// <summary>
    /// Checks that <paramref name="fd"/> is a socket and reads what a handle needs to know about it: SO_DOMAIN,
    /// SO_TYPE and whether its file description is non-blocking. Touches nothing; the one check behind
    /// <see cref="Open"/> and <see cref="FileDescriptors.TakeSocket"/>.
    /// </summary>
    internal static bool TryInspectSocket(int fd, out int family, out int type, out bool nonBlocking, out ErrorInfo error)
    {
        family = type = -1;
        nonBlocking = false;
        var soType = SockOpt.SoType;
        if (!OptionIO.TryGet(fd, soType.Level, soType.Option, soType.GetCodec, out type, out error)) return false;
        var soDomain = SockOpt.SoDomain;
        if (!OptionIO.TryGet(fd, soDomain.Level, soDomain.Option, soDomain.GetCodec, out family, out error)) return false;
        long status = SocketSyscalls.GetStatusFlags(fd);
        if (status < 0)
        {
            error = new ErrorInfo((int)-status, "fcntl()");
            return false;
        }
        nonBlocking = (status & SocketSyscalls.O_NONBLOCK) != 0;
        return true;
    }

    /// <summary>
    /// Converts and validates an address (ucode's <c>socket.sockaddr</c>): the value is converted as every address
    /// argument is (see <see cref="AddressConversion"/>), encoded into its family's sockaddr and decoded back, so
    /// the result is exactly what a call with this address would hand to the kernel.
    /// </summary>
    /// <param name="value">
    /// An address string (<c>"192.168.0.1:8080"</c>, <c>"[fe80::1%lo]:80"</c>, <c>"fe80::1%2"</c>, a path containing
    /// <c>/</c>, <c>"@abstract"</c>), a 4- or 16-byte array, a dictionary with the <see cref="SocketAddress"/> field
    /// names (family inferred when absent from <c>path</c>, <c>cid</c>, <c>groups</c> or <c>port_id</c>, or a <c>:</c> in
    /// <c>address</c>), or a SocketAddress.
    /// </param>
    /// <returns>
    /// The normalised address (the port is 0 when none was given; an IPv6 scope or AF_PACKET interface carries its
    /// index and, when the system knows it, its name, which <c>ToDictionary()</c> gives as ucode does), or
    /// null on error with ucode's message, e.g. <c>"Invalid port number: Invalid argument"</c>.
    /// </returns>
    public static SocketAddress? SockAddr(object? value)
    {
        Span<byte> sockaddr = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(value, sockaddr, out int length, out var error)) return Errors.Fail<SocketAddress>(error);
        var decoded = Sockaddr.Decode(sockaddr[..length]);
        if (decoded is null)
            return Errors.Fail<SocketAddress>(new ErrorInfo(Errno.EAFNOSUPPORT, "Unsupported socket address family"));
        Errors.Clear();
        return decoded;
    }

    /// <summary>
    /// Creates a connected pair of UNIX sockets (<c>socket.pair</c>), close-on-exec; <paramref name="type"/> may
    /// or-in SOCK_NONBLOCK. Null on error.
    /// </summary>
    /// <returns>The pair: <c>p[0]</c> and <c>p[1]</c>, or <c>var (a, b) = Pair()!;</c>; disposing it closes both.</returns>
    public static unsafe SocketPair? Pair(int type = SOCK_STREAM)
    {
        int* fds = stackalloc int[2];
        long rc = SocketSyscalls.SocketPair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds);
        if (rc < 0)
        {
            Errors.Set(new ErrorInfo((int)-rc, "socketpair()"));
            return null;
        }
        Errors.Clear();
        bool nonBlocking = (type & SOCK_NONBLOCK) != 0;
        return new SocketPair(new SocketHandle(fds[0], AF_UNIX, type, nonBlocking), new SocketHandle(fds[1], AF_UNIX, type, nonBlocking));
    }
}
