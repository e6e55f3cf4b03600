using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static UcSocket.Sockets;

namespace UcSocket.Cli;

/// <summary>Turns the ADDRESS [PORT] arguments into socket addresses.</summary>
internal static class Addresses
{
    /// <summary>
    /// The addresses to try, in order. Numeric addresses, UNIX paths and @abstract names are parsed by the library
    /// (<see cref="Sockets.SockAddr"/>); anything else is a host name resolved with <see cref="Sockets.AddrInfo"/>.
    /// A malformed address is a usage error; a name that does not resolve is a failure (exit code 1).
    /// </summary>
    public static List<SocketAddress> Resolve(Settings s, bool passive)
    {
        string text = s.Address!;
        string what = (passive ? "listen " : "connect ") + Endpoint(s);
        bool isUnix = text.Contains('/') || text[0] is '@' or '\0';
        if (isUnix)
        {
            if (s.Port is not null) throw new UsageException($"{what}: PORT does not apply to a UNIX socket address");
            if (s.Family is not (0 or AF_UNIX)) throw new UsageException($"{what}: a UNIX socket address with -4/-6");
            var unix = SockAddr(text) ?? throw new UsageException($"{what}: {Error()}");
            return [unix];
        }

        bool textHasPort = text.StartsWith('[') ? text.Contains("]:") : text.Count(c => c == ':') == 1;
        if (textHasPort && s.Port is not null) throw new UsageException($"{what}: the port is given twice (ADDRESS:PORT and PORT)");

        var parsed = SockAddr(text);
        if (parsed is not null)
        {
            if (s.Port is int port) parsed.Port = port;
            if (!passive && !textHasPort && s.Port is null)
                throw new UsageException($"{what}: no port: give ADDRESS:PORT or ADDRESS PORT");
            if (s.Family is AF_INET or AF_INET6 && parsed.Family != s.Family)
                throw new UsageException($"{what}: not an {(s.Family == AF_INET ? "IPv4" : "IPv6")} address");
            if (s.Family == AF_UNIX) throw new UsageException($"{what}: --unix needs a path or @name");
            return [parsed];
        }
        string parseError = Error() ?? "Invalid address";

        // host[:port], or [host]:port
        string host = text;
        string? service = s.Port?.ToString(CultureInfo.InvariantCulture);
        if (textHasPort)
        {
            int colon = text.LastIndexOf(':');
            host = text[..colon].Trim('[', ']');
            service = text[(colon + 1)..];
        }
        if (host.Length == 0 || SockAddr(host) is not null || host.Any(c => c is '[' or ']' or '%' or ' '))
            throw new UsageException($"{what}: {parseError}");
        if (service is null && !passive) throw new UsageException($"{what}: no port: give HOST:PORT or HOST PORT");

        var hints = new AddrInfoHints
        {
            Family = s.Family is AF_INET or AF_INET6 ? s.Family : AF_UNSPEC,
            SockType = s.SocketType == SOCK_DGRAM ? SOCK_DGRAM : SOCK_STREAM,
            Flags = passive ? AI_PASSIVE : 0,
        };
        var results = AddrInfo(host, service ?? "0", hints)
            ?? throw new CliException(ExitCodes.Failure, $"{what}: {Error()}");
        var list = new List<SocketAddress>();
        foreach (var r in results)
        {
            if (!list.Any(a => a.Family == r.Addr.Family && a.Address == r.Addr.Address && a.Port == r.Addr.Port)) list.Add(r.Addr);
        }
        if (list.Count == 0) throw new CliException(ExitCodes.Failure, $"{what}: the name has no address");
        return list;
    }

    /// <summary>
    /// The ADDRESS [PORT] arguments as one endpoint text, host and port: <c>127.0.0.1:80</c>, <c>[::1]:80</c>,
    /// <c>localhost:80</c>, or a UNIX path as it is.
    /// </summary>
    public static string Endpoint(Settings s)
    {
        string text = s.Address!;
        if (s.Port is not int port) return text;
        string p = port.ToString(CultureInfo.InvariantCulture);
        return text.Contains(':') && !text.StartsWith('[') ? $"[{text}]:{p}" : $"{text}:{p}";
    }
}
