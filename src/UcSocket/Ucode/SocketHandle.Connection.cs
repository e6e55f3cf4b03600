using System;
using UcSocket.Marshalling;

using static UcSocket.Native.Errno;

namespace UcSocket;

// ucode's sock.bind(), connect(), accept(), peername(), sockname() and peercred(): addresses in the ucode form.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Binds the socket to a local address (ucode's <c>sock.bind(address)</c>). <paramref name="address"/> is
    /// anything <see cref="AddressConversion"/> accepts: <c>"127.0.0.1:8080"</c>, <c>"[::1]:0"</c>, a path
    /// containing <c>/</c>, an abstract name (<c>"@name"</c> or a leading NUL), a 4- or 16-element byte array,
    /// a dictionary with the <see cref="SocketAddress"/> field names, or a <see cref="SocketAddress"/>. Null binds
    /// to the wildcard address and port 0 of the socket's own family, as ucode does (AF_INET and AF_INET6 only,
    /// else EAFNOSUPPORT "Unsupported socket address family").
    /// Returns true, or null on error: a bad address is an EINVAL error in ucode's words ("Invalid port number",
    /// "Unable to parse IP address", "Invalid path value", ...), a failed syscall is <c>"bind(): &lt;strerror&gt;"</c>
    /// (e.g. <c>"bind(): Address already in use"</c>). Unlike ucode, a UNIX path that does not fit
    /// <c>sun_path</c> is an error instead of being truncated.
    /// </summary>
    public bool? Bind(object? address)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        int length;
        if (address is null)
        {
            if (!TryEncodeWildcard(call.Fd, sa, out length)) return null;
        }
        else if (!Sockaddr.TryEncode(address, sa, out length, out var error))
        {
            return Fail(error);
        }
        return BindOn(call, sa[..length]);
    }

    /// <summary>
    /// Connects the socket to a remote address (ucode's <c>sock.connect(address, port)</c>). The address takes
    /// every form <see cref="Bind"/> takes; <paramref name="port"/>, when given, replaces the address's port and is
    /// only valid for IPv4 and IPv6 (else EINVAL "Port argument is only valid for IPv4 and IPv6 addresses"; out of
    /// 0-65535 it is ERANGE "Invalid port number"). The caller's <see cref="SocketAddress"/> is never modified.
    /// Returns true, or null on error, e.g. <c>"connect(): Connection refused"</c>; a null address is EINVAL
    /// "Argument address is required".
    /// </summary>
    /// <remarks>
    /// The connect blocks (unless the socket is non-blocking) until it completes, fails, or runs past the socket's
    /// SO_SNDTIMEO (EINPROGRESS, as the kernel answers); a signal does not cut it short. A connect to a UNIX socket
    /// whose backlog is full waits for room, as a blocking connect does. A close on another thread ends it at once
    /// with ECANCELED, whatever instant it lands: the connect is started non-blocking and awaited in poll, which
    /// sets O_NONBLOCK for the duration of the connect syscall alone.
    /// </remarks>
    public bool? Connect(object? address, int? port = null)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
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
        return ConnectOn(call, sa[..length]);
    }

    /// <summary>
    /// Accepts a pending connection (ucode's <c>sock.accept(address, flags)</c>) and returns the connected socket.
    /// When <paramref name="address"/> is given it is filled with the peer's address, as ucode fills the caller's
    /// dictionary: every field is replaced, so nothing stale from earlier use remains. <paramref name="flags"/> may
    /// hold <c>SOCK_NONBLOCK</c> and <c>SOCK_CLOEXEC</c>; any other bit is EINVAL "Invalid flags argument".
    /// Differences from ucode: the new socket is always close-on-exec (as every descriptor this library creates),
    /// and unknown flag bits are refused before the syscall. Returns null on error, e.g.
    /// <c>"accept4(): Invalid argument"</c> on a socket that is not listening. A blocking accept honours the
    /// socket's SO_RCVTIMEO (EAGAIN when it runs out), also when signals arrive meanwhile.
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

    private SocketHandle? AcceptCore(SocketAddress? address, int flags)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        var handle = AcceptOn(call, flags, sa, out int length);
        if (handle is not null) address?.CopyFrom(DecodeAddress(sa[..length]));
        return handle;
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

    /// <summary>
    /// The credentials of the peer process of a connected UNIX socket (ucode's <c>sock.peercred()</c>), read as
    /// <c>SO_PEERCRED</c> through <see cref="SockOpt.SoPeerCred"/>. Null on error: <c>"getsockopt(): ..."</c>, or
    /// EINVAL "Invalid credentials received" when the kernel returns a structure of another size.
    /// </summary>
    public PeerCredentials? PeerCred()
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        var option = SockOpt.SoPeerCred;
        if (!OptionIO.TryGet(call.Fd, option.Level, option.Option, option.GetCodec, out var cred, out int length, out var error))
            return Errors.Fail<PeerCredentials>(error);
        if (length != option.GetCodec.ReadBufferSize)
            return Errors.Fail<PeerCredentials>(ErrorInfo.Invalid("Invalid credentials received"));
        Errors.Clear();
        return new PeerCredentials(cred.Uid, cred.Gid, cred.Pid);
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
}
