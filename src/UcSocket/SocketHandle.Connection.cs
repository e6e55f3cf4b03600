using System;
using Tmds.Linux;
using UcSocket.Marshalling;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

// Connection set-up and introspection: ucode's sock.bind(), connect(), listen(), accept(), shutdown(),
// peername(), sockname() and peercred().
public sealed partial class SocketHandle
{

    /// <summary>
    /// Binds the socket to a local address (ucode's <c>sock.bind(address)</c>). <paramref name="address"/> is
    /// anything <see cref="AddressConversion"/> accepts: <c>"127.0.0.1:8080"</c>, <c>"[::1]:0"</c>, a path
    /// containing <c>/</c>, an abstract name (<c>"@name"</c> or a leading NUL), a 4- or 16-element byte array,
    /// a dictionary with the seed's field names, or a <see cref="SocketAddress"/>. Null binds to the wildcard
    /// address and port 0 of the socket's own family, as ucode does (AF_INET and AF_INET6 only, else
    /// EAFNOSUPPORT "Unsupported socket address family").
    /// Returns true, or null on error: a bad address is an EINVAL error in ucode's words ("Invalid port number",
    /// "Unable to parse IP address", "Invalid path value", ...), a failed syscall is <c>"bind(): &lt;strerror&gt;"</c>
    /// (e.g. <c>"bind(): Address already in use"</c>). Unlike ucode, a UNIX path that does not fit
    /// <c>sun_path</c> is an error instead of being truncated.
    /// </summary>
    public unsafe bool? Bind(object? address)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
            int length;
            if (address is null)
            {
                if (!TryEncodeWildcard(fd, sa, out length)) return null;
            }
            else if (!Sockaddr.TryEncode(address, sa, out length, out var error))
            {
                return Fail(error);
            }

            int rc, errno = 0;
            fixed (byte* p = sa)
            {
                do rc = LibC.bind(fd, (sockaddr*)p, length);
                while (rc != 0 && (errno = LibC.errno) == EINTR);
            }
            if (rc != 0) return Fail(new ErrorInfo(errno, "bind()"));
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Connects the socket to a remote address (ucode's <c>sock.connect(address, port)</c>). The address takes
    /// every form <see cref="Bind"/> takes; <paramref name="port"/>, when given, replaces the address's port and is
    /// only valid for IPv4 and IPv6 (else EINVAL "Port argument is only valid for IPv4 and IPv6 addresses"; out of
    /// 0-65535 it is ERANGE "Invalid port number"). The caller's <see cref="SocketAddress"/> is never modified.
    /// Returns true, or null on error, e.g. <c>"connect(): Connection refused"</c>. A connect interrupted by a
    /// signal is not restarted (which would fail with EALREADY) but waited for until it completes, and its real
    /// outcome is reported.
    /// </summary>
    public unsafe bool? Connect(object address, int? port = null)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (address is null) return Fail(ErrorInfo.Invalid("Argument address is required"));
            if (!AddressConversion.TryConvert(address, out var converted, out var error)) return Fail(error);
            if (port is { } p)
            {
                if (converted!.Family is not (Sockets.AF_INET or Sockets.AF_INET6))
                    return Fail(ErrorInfo.Invalid("Port argument is only valid for IPv4 and IPv6 addresses"));
                if (p < 0 || p > 65535) return Fail(new ErrorInfo(ERANGE, "Invalid port number"));
                converted = converted.Clone();
                converted.Port = p;
            }

            Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
            if (!Sockaddr.TryEncode(converted!, sa, out int length, out error)) return Fail(error);
            int rc;
            fixed (byte* ptr = sa)
                rc = LibC.connect(fd, (sockaddr*)ptr, length);
            if (rc != 0)
            {
                int errno = LibC.errno;
                if (errno == EINTR) errno = AwaitInterruptedConnect(fd);
                if (errno != 0) return Fail(new ErrorInfo(errno, "connect()"));
            }
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Marks the socket as accepting connections (ucode's <c>sock.listen(backlog)</c>); the backlog defaults to 128
    /// as in ucode. Returns true, or null on error, e.g. <c>"listen(): Operation not supported"</c> on a datagram socket.
    /// </summary>
    public bool? Listen(int backlog = 128)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            int rc, errno = 0;
            do rc = LibC.listen(fd, backlog);
            while (rc != 0 && (errno = LibC.errno) == EINTR);
            if (rc != 0) return Fail(new ErrorInfo(errno, "listen()"));
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Accepts a pending connection (ucode's <c>sock.accept(address, flags)</c>) and returns the connected socket.
    /// When <paramref name="address"/> is given it is filled with the peer's address, as ucode fills the caller's
    /// dictionary: every field is replaced, so nothing stale from earlier use remains. <paramref name="flags"/> may
    /// hold <c>SOCK_NONBLOCK</c> and <c>SOCK_CLOEXEC</c>; any other bit is EINVAL "Invalid flags argument".
    /// Differences from ucode: the new socket is always close-on-exec (as every descriptor this library creates),
    /// and unknown flag bits are refused before the syscall. Returns null on error, e.g.
    /// <c>"accept4(): Invalid argument"</c> on a socket that is not listening.
    /// </summary>
    public SocketHandle? Accept(SocketAddress? address = null, int flags = 0) => AcceptCore(address, flags);

    /// <summary>
    /// Accepts a pending connection (ucode's <c>sock.accept(address, flags)</c>) and returns the peer's address in
    /// <paramref name="peer"/> (null on error). See <see cref="Accept(SocketAddress?, int)"/> for flags and errors.
    /// </summary>
    public SocketHandle? Accept(out SocketAddress? peer, int flags = 0)
    {
        var filled = new SocketAddress();
        var handle = AcceptCore(filled, flags);
        peer = handle is null ? null : filled;
        return handle;
    }

    private unsafe SocketHandle? AcceptCore(SocketAddress? address, int flags)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            if ((flags & ~(Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC)) != 0)
                return Errors.Fail<SocketHandle>(ErrorInfo.Invalid("Invalid flags argument"));

            Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
            int peer, errno = 0;
            socklen_t length;
            fixed (byte* p = sa)
            {
                do
                {
                    length = (uint)Sockaddr.StorageSize;
                    peer = LibC.accept4(fd, (sockaddr*)p, &length, flags | Sockets.SOCK_CLOEXEC);
                }
                while (peer < 0 && (errno = LibC.errno) == EINTR);
            }
            if (peer < 0) return Errors.Fail<SocketHandle>(new ErrorInfo(errno, "accept4()"));

            var handle = new SocketHandle(peer);
            address?.CopyFrom(DecodeAddress(sa, length));
            Errors.Clear();
            return handle;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Shuts down part of a full-duplex connection (ucode's <c>sock.shutdown(how)</c>): <c>SHUT_RD</c>,
    /// <c>SHUT_WR</c> or <c>SHUT_RDWR</c>. After <c>SHUT_WR</c> the peer's receive returns an empty array.
    /// Returns true, or null on error, e.g. <c>"shutdown(): Transport endpoint is not connected"</c>.
    /// </summary>
    public bool? Shutdown(int how)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            int rc, errno = 0;
            do rc = LibC.shutdown(fd, how);
            while (rc != 0 && (errno = LibC.errno) == EINTR);
            if (rc != 0) return Fail(new ErrorInfo(errno, "shutdown()"));
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The address of the connected peer (ucode's <c>sock.peername()</c>), decoded through the family codecs; an
    /// address of a family no codec knows has only <see cref="SocketAddress.Family"/> set. Null on error, e.g.
    /// <c>"getpeername(): Transport endpoint is not connected"</c>.
    /// </summary>
    public SocketAddress? PeerName() => GetName(peer: true);

    /// <summary>
    /// The socket's local address (ucode's <c>sock.sockname()</c>), e.g. the port the kernel chose for a bind to
    /// port 0. An unbound UNIX socket has an empty <see cref="SocketAddress.Path"/>. Null on error
    /// (<c>"getsockname(): ..."</c>).
    /// </summary>
    public SocketAddress? SockName() => GetName(peer: false);

    private unsafe SocketAddress? GetName(bool peer)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
            int rc, errno = 0;
            socklen_t length;
            fixed (byte* p = sa)
            {
                do
                {
                    length = (uint)Sockaddr.StorageSize;
                    rc = peer ? LibC.getpeername(fd, (sockaddr*)p, &length) : LibC.getsockname(fd, (sockaddr*)p, &length);
                }
                while (rc != 0 && (errno = LibC.errno) == EINTR);
            }
            if (rc != 0) return Errors.Fail<SocketAddress>(new ErrorInfo(errno, peer ? "getpeername()" : "getsockname()"));
            var address = DecodeAddress(sa, length);
            Errors.Clear();
            return address;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The credentials of the peer process of a connected UNIX socket (ucode's <c>sock.peercred()</c>), read as
    /// <c>SO_PEERCRED</c> through <see cref="SockOpt.SoPeercred"/>. Null on error: <c>"getsockopt(): ..."</c>, or
    /// EINVAL "Invalid credentials received" when the kernel returns a structure of another size.
    /// </summary>
    public PeerCredentials? PeerCred()
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            var option = SockOpt.SoPeercred;
            if (!OptionIO.TryGet(fd, option.Level, option.Option, option.GetCodec, out var cred, out int length, out var error))
                return Errors.Fail<PeerCredentials>(error);
            if (length != option.GetCodec.ReadBufferSize)
                return Errors.Fail<PeerCredentials>(ErrorInfo.Invalid("Invalid credentials received"));
            Errors.Clear();
            return new PeerCredentials(cred.Uid, cred.Gid, cred.Pid);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Encodes the wildcard address (any address, port 0) of the socket's own family, for a bind without an
    /// address; records the error and returns false when the family has none.
    /// </summary>
    private static bool TryEncodeWildcard(int fd, Span<byte> destination, out int length)
    {
        length = 0;
        var domain = SockOpt.SoDomain;
        if (!OptionIO.TryGet(fd, domain.Level, domain.Option, domain.GetCodec, out int family, out var error))
        {
            Errors.Set(error);
            return false;
        }
        if (family is not (Sockets.AF_INET or Sockets.AF_INET6))
        {
            Errors.Set(new ErrorInfo(EAFNOSUPPORT, "Unsupported socket address family"));
            return false;
        }
        if (!Sockaddr.TryEncode(new SocketAddress(family) { Port = 0 }, destination, out length, out error))
        {
            Errors.Set(error);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Waits for a connect that a signal interrupted: the kernel keeps connecting, so the outcome is read from
    /// SO_ERROR once the socket becomes writable. Returns 0 or the errno.
    /// </summary>
    private static unsafe int AwaitInterruptedConnect(int fd)
    {
        var pfd = new pollfd { fd = fd, events = LibC.POLLOUT };
        while (LibC.poll(&pfd, 1, -1) < 0)
        {
            int errno = LibC.errno;
            if (errno != EINTR) return errno;
        }
        var soError = SockOpt.SoError;
        if (!OptionIO.TryGet(fd, soError.Level, soError.Option, soError.GetCodec, out int pending, out var error))
            return error.Code;
        return pending;
    }

    /// <summary>Decodes what the kernel wrote; an address of a family no codec knows keeps only its family.</summary>
    private static SocketAddress DecodeAddress(ReadOnlySpan<byte> storage, socklen_t length)
    {
        var raw = storage[..Math.Min((int)(uint)length, storage.Length)];
        return Sockaddr.Decode(raw) ?? new SocketAddress(raw.Length >= 2 ? BitConverter.ToUInt16(raw) : 0);
    }
}
