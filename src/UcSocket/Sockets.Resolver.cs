using System;
using System.Collections.Generic;
using System.Globalization;
using UcSocket.Marshalling;
using UcSocket.Native;
using static UcSocket.Native.Errno;

namespace UcSocket;

public static partial class Sockets
{
    /// <summary>
    /// Resolves a host name and service into socket addresses (ucode's <c>socket.addrinfo</c>, getaddrinfo(3)).
    /// </summary>
    /// <param name="hostname">
    /// A host name or numeric address; an IPv6 address may be enclosed in brackets (<c>"[::1]"</c>). Null asks
    /// for no host, as getaddrinfo allows: the loopback address, or with AI_PASSIVE the wildcard address
    /// (ucode requires a string here).
    /// </param>
    /// <param name="service">
    /// A service name (<c>"http"</c>) or a port number, as a number (<c>80</c>) or text (<c>"80"</c>), or null for none
    /// (port 0). A port outside 0 to 65535 is ERANGE <c>"Invalid port number"</c> before the resolver is asked
    /// (getaddrinfo would silently keep its low 16 bits).
    /// </param>
    /// <param name="hints">
    /// The wanted family, socket type, protocol and AI_* flags: an <see cref="AddrInfoHints"/>, or ucode's dictionary
    /// with the keys <c>family</c>, <c>socktype</c>, <c>protocol</c> and <c>flags</c> (each optional; an unknown key is
    /// an EINVAL error naming it, where ucode ignores it). When null, no hints are passed to getaddrinfo, which then
    /// applies AI_V4MAPPED | AI_ADDRCONFIG as ucode does.
    /// </param>
    /// <returns>
    /// Every result in the resolver's order, or null on error. A resolver failure records the negative EAI_* code
    /// (<c>Error(true)</c> is -2, EAI_NONAME, for an unknown name) and the message
    /// <c>"getaddrinfo(): &lt;gai_strerror text&gt;"</c>; EAI_SYSTEM records the errno instead, as ucode does.
    /// A hostname or service containing a NUL character is an EINVAL error (C would silently cut the text).
    /// </returns>
    public static IReadOnlyList<AddressInfo>? AddrInfo(string? hostname, object? service = null, object? hints = null)
    {
        if (!AddrInfoHints.TryFrom(hints, out var typed, out var error)
            || !TryResolve(hostname, service, typed, out var results, out error))
            return Errors.Fail<IReadOnlyList<AddressInfo>>(error);
        Errors.Clear();
        return results;
    }

    /// <summary>
    /// Resolves a socket address into a host name and service name (ucode's <c>socket.nameinfo</c>, getnameinfo(3)).
    /// </summary>
    /// <param name="address">
    /// The address in any form <see cref="AddressConversion"/> accepts: <c>"127.0.0.1:80"</c>, <c>"[::1]:443"</c>,
    /// a dictionary with <c>address</c> and <c>port</c>, a <see cref="SocketAddress"/>, ...
    /// </param>
    /// <param name="flags">NI_* flags, or-ed together.</param>
    /// <returns>
    /// The names, or null on error: an address that does not convert records ucode's EINVAL message (e.g.
    /// <c>"Unable to parse IP address"</c>); a resolver failure the negative EAI_* code and
    /// <c>"getnameinfo(): &lt;gai_strerror text&gt;"</c> (EAI_SYSTEM: the errno).
    /// </returns>
    public static NameInfoResult? NameInfo(object? address, int flags = 0)
    {
        Span<byte> sockaddr = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(address, sockaddr, out int length, out var error)) return Errors.Fail<NameInfoResult>(error);
        int rc = Resolver.GetNameInfo(sockaddr[..length], flags, out var host, out var service, out int errno);
        if (rc != 0) return Errors.Fail<NameInfoResult>(ResolverError(rc, errno, "getnameinfo()"));
        Errors.Clear();
        return new NameInfoResult(host, service);
    }

    /// <summary>getaddrinfo without touching the error record: the core of <c>AddrInfo</c>, for other module functions too.</summary>
    internal static unsafe bool TryResolve(string? hostname, object? service, AddrInfoHints? hints, out List<AddressInfo> results, out ErrorInfo error)
    {
        results = [];
        if (hostname is not null && hostname.Contains('\0'))
        {
            error = ErrorInfo.Invalid("Invalid hostname (contains a NUL character)");
            return false;
        }
        if (!TryServiceText(service, out var serviceText, out error)) return false;
        if (hostname is { Length: > 2 } && hostname[0] == '[' && hostname[^1] == ']')
            hostname = hostname[1..^1];

        NativeAddrInfo native = default;
        if (hints is not null)
        {
            native.Flags = hints.Flags;
            native.Family = hints.Family;
            native.SockType = hints.SockType;
            native.Protocol = hints.Protocol;
        }

        int rc = Resolver.GetAddrInfo(hostname, serviceText, hints is null ? null : &native, out var list, out int errno);
        if (rc != 0)
        {
            error = ResolverError(rc, errno, "getaddrinfo()");
            return false;
        }
        try
        {
            for (var ai = list; ai is not null; ai = ai->Next)
            {
                var raw = ai->Addr is null ? default : new ReadOnlySpan<byte>(ai->Addr, (int)Math.Min(ai->AddrLen, (uint)Sockaddr.StorageSize));
                var addr = Sockaddr.Decode(raw) ?? new SocketAddress(ai->Family);
                string? canon = ai->CanonName is null ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)ai->CanonName);
                results.Add(new AddressInfo(addr, canon, ai->Family, ai->Flags, ai->Protocol, ai->SockType));
            }
        }
        finally
        {
            Resolver.Free(list);
        }
        return true;
    }

    /// <summary>
    /// The service as getaddrinfo takes it: null, a name, or a port number (a number, or text that is one, as strtoul
    /// reads it: blanks, a sign, digits). A port outside 0 to 65535 is ERANGE "Invalid port number" (getaddrinfo keeps
    /// the low 16 bits of whatever number it reads); a value that is no name or integer is EINVAL.
    /// </summary>
    private static bool TryServiceText(object? service, out string? text, out ErrorInfo error)
    {
        text = null;
        error = default;
        switch (service)
        {
            case null:
                return true;
            case string s:
                if (s.Contains('\0'))
                {
                    error = ErrorInfo.Invalid("Invalid service (contains a NUL character)");
                    return false;
                }
                var digits = s.AsSpan().TrimStart(" \t\n\v\f\r");
                bool negative = digits.StartsWith("-");
                if (digits.Length > 0 && digits[0] is '+' or '-') digits = digits[1..];
                if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9')
                    && (negative && digits.ContainsAnyExcept('0') || digits.TrimStart('0').Length > 5 || int.Parse(digits, CultureInfo.InvariantCulture) > 65535))
                {
                    error = new ErrorInfo(ERANGE, "Invalid port number");
                    return false;
                }
                text = s;
                return true;
            case bool or char:
                break;
            default:
                if (!UcodeValue.TryToInt64(service, out long port)) break;
                if (port is < 0 or > 65535)
                {
                    error = new ErrorInfo(ERANGE, "Invalid port number");
                    return false;
                }
                text = port.ToString(CultureInfo.InvariantCulture);
                return true;
        }
        error = ErrorInfo.Invalid($"Invalid service (expected a name or a port number, got {UcodeValue.Describe(service)})");
        return false;
    }

    /// <summary>The record of a failed getaddrinfo/getnameinfo: the EAI_* code, or errno for EAI_SYSTEM (as ucode).</summary>
    private static ErrorInfo ResolverError(int rc, int errno, string context) =>
        new(rc == Resolver.EaiSystem && errno > 0 ? errno : rc, context);
}
