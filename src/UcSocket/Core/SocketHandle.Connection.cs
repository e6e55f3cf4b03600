using System;
using UcSocket.Native;
using UcSocket.Marshalling;

namespace UcSocket;

// Connection set-up on encoded addresses: the core of ucode's sock.bind(), connect(), listen(), accept(),
// shutdown(), peername() and sockname().
public sealed partial class SocketHandle
{
    /// <summary>
    /// Marks the socket as accepting connections (ucode's <c>sock.listen(backlog)</c>); the backlog defaults to 128
    /// as in ucode. Returns true, or null on error, e.g. <c>"listen(): Operation not supported"</c> on a datagram socket.
    /// </summary>
    public bool? Listen(int backlog = 128)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        long rc = SocketSyscalls.Listen(call.Fd, backlog);
        if (rc < 0) return Fail(rc, "listen()");
        Errors.Clear();
        return true;
    }

    /// <summary>
    /// Shuts down part of a full-duplex connection (ucode's <c>sock.shutdown(how)</c>): <c>SHUT_RD</c>,
    /// <c>SHUT_WR</c> or <c>SHUT_RDWR</c>. After <c>SHUT_WR</c> the peer's receive returns an empty array. Unlike
    /// <see cref="Close"/>, this acts on the socket itself, for every descriptor that refers to it.
    /// Returns true, or null on error, e.g. <c>"shutdown(): Transport endpoint is not connected"</c>.
    /// </summary>
    public bool? Shutdown(int how)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        long rc = SocketSyscalls.Shutdown(call.Fd, how);
        if (rc < 0) return Fail(rc, "shutdown()");
        Errors.Clear();
        return true;
    }

    /// <summary>bind(2) to an encoded address; records the outcome.</summary>
    private static bool? BindOn(in HandleCall call, ReadOnlySpan<byte> address)
    {
        long rc = SocketSyscalls.Bind(call.Fd, address);
        if (rc < 0) return Fail(rc, "bind()");
        Errors.Clear();
        return true;
    }

    /// <summary>connect(2) to an encoded address, as a blocking call that a close wakes (see <see cref="BlockingIo.Connect"/>); records the outcome.</summary>
    private static bool? ConnectOn(in HandleCall call, ReadOnlySpan<byte> address)
    {
        long rc = BlockingIo.Connect(call.Owner, call.Fd, address);
        if (rc < 0) return Fail(rc, "connect()");
        Errors.Clear();
        return true;
    }

    /// <summary>
    /// accept4(2) with SOCK_CLOEXEC; the peer's address lands in <paramref name="address"/>. The new descriptor is
    /// owned by a handle whose owner object exists before the syscall, so nothing can fail between its arrival and
    /// its owning. Null with the error recorded on failure.
    /// </summary>
    private static unsafe SocketHandle? AcceptOn(in HandleCall call, int flags, Span<byte> address, out int addressLength)
    {
        addressLength = 0;
        if ((flags & ~(Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC)) != 0)
            return Errors.Fail<SocketHandle>(ErrorInfo.Invalid("Invalid flags argument"));
        var owner = new SafeSocketFd();
        var handle = new SocketHandle(owner);
        long rc;
        fixed (byte* p = address)
        {
            var op = new AcceptOperation { Address = p, AddressCapacity = address.Length, Flags = flags };
            rc = BlockingIo.Run(call.Owner, call.Fd, ref op, 0);
            if (rc >= 0) owner.Adopt((int)rc, call.Owner.Family, call.Owner.Type, (flags & Sockets.SOCK_NONBLOCK) != 0);
            addressLength = op.AddressLength;
        }
        if (rc < 0)
        {
            owner.Dispose();
            return Errors.Fail<SocketHandle>(new ErrorInfo((int)-rc, "accept4()"));
        }
        Errors.Clear();
        return handle;
    }

    /// <summary>getsockname(2)/getpeername(2), decoded; null with the error recorded on failure.</summary>
    private SocketAddress? GetName(bool peer)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        long rc = SocketSyscalls.GetName(call.Fd, peer, sa, out int length);
        if (rc < 0) return Errors.Fail<SocketAddress>(new ErrorInfo((int)-rc, peer ? "getpeername()" : "getsockname()"));
        var address = DecodeAddress(sa[..length]);
        Errors.Clear();
        return address;
    }
}
