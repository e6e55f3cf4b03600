using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// Turns what a ucode user may pass as an address into a <see cref="SocketAddress"/>: strings
/// (<c>"1.2.3.4"</c>, <c>"1.2.3.4:80"</c>, <c>"[::1]:80"</c>, <c>"fe80::1%lo"</c>, paths containing <c>/</c>,
/// abstract names starting with <c>@</c> or NUL), 4- and 16-element byte arrays, dictionaries with ucode's
/// field names (family inferred from <c>path</c>, <c>cid</c> (AF_VSOCK), <c>groups</c> or <c>port_id</c> (AF_NETLINK)
/// or a <c>:</c> in <c>address</c>), or a SocketAddress itself.
/// Error texts are ucode's.
/// </summary>
internal static class AddressConversion
{
    private const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17, AF_VSOCK = 40;

    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal)
        { "family", "address", "port", "flowinfo", "interface", "path", "protocol", "hardware_type", "packet_type", "port_id", "groups", "cid" };

    /// <summary>Converts <paramref name="value"/>; on failure <paramref name="error"/> says why in ucode's words.</summary>
    public static bool TryConvert(object? value, out SocketAddress? address, out ErrorInfo error)
    {
        address = null;
        error = default;
        switch (value)
        {
            case SocketAddress a:
                address = a;
                return true;
            case string s:
                return TryParseString(s, out address, out error);
            case byte[] bytes:
                return TryFromArray(ToObjects(bytes), out address, out error);
            case var _ when UcodeValue.TryAsFields(value, out var fields, out var keyError):
                return TryFromDictionary(fields, out address, out error);
            case IDictionary:
                return Fail("Invalid address object", out error);
            case IEnumerable list:
                return TryFromArray(list, out address, out error);
            default:
                error = ErrorInfo.Invalid("Invalid address value");
                return false;
        }
    }

    /// <summary>Parses an address string as ucode does, plus Linux abstract UNIX names (<c>@name</c> or a leading NUL).</summary>
    public static bool TryParseString(string s, out SocketAddress? address, out ErrorInfo error)
    {
        address = null;
        error = default;
        if (s.Contains('/') || (s.Length > 0 && (s[0] == '@' || s[0] == '\0' || s[0] == SpecFields.EscapedLeadingAt)))
        {
            address = new SocketAddress(AF_UNIX) { Path = s[0] == '\0' ? "@" + s[1..] : s };
            return true;
        }
        if (s.Length == 0)
            return Fail("Invalid IP address", out error);

        string host;
        string? port = null;
        int family = 0;
        if (s[0] == '[')
        {
            int close = s.IndexOf(']');
            if (close < 0) return Fail("Invalid IPv6 address", out error);
            host = s[1..close];
            family = AF_INET6;
            var rest = s[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':') return Fail("Invalid port number", out error);
                port = rest[1..];
            }
        }
        else
        {
            int colon = s.IndexOf(':');
            if (colon >= 0 && s.IndexOf(':', colon + 1) < 0)
            {
                host = s[..colon];
                port = s[(colon + 1)..];
                family = AF_INET;
            }
            else
            {
                host = s;
            }
        }

        if (!TryParseHost(host, family, out address, out error)) return false;
        if (port is not null)
        {
            if (port.Length == 0 || !IsDigits(port) || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p > 65535)
                return Fail("Invalid port number", out error);
            address!.Port = p;
        }
        else
        {
            address!.Port = 0;
        }
        return true;
    }

    /// <summary>parse_addr: an IPv6 address with optional %scope, or an IPv4 address; <paramref name="family"/> 0 allows both.</summary>
    private static bool TryParseHost(string host, int family, out SocketAddress? address, out ErrorInfo error)
    {
        address = null;
        error = default;
        bool v6 = family is 0 or AF_INET6, v4 = family is 0 or AF_INET;
        int pct = host.IndexOf('%');
        if (v6 && pct >= 0)
        {
            var scope = host[(pct + 1)..];
            InterfaceId iface;
            if (scope.Length > 0 && IsDigits(scope) && uint.TryParse(scope, NumberStyles.None, CultureInfo.InvariantCulture, out uint idx))
            {
                iface = new InterfaceId(unchecked((int)idx));
            }
            else
            {
                if (InterfaceNames.NameToIndex(scope) == 0)
                {
                    error = new ErrorInfo(Errno.ENODEV, "Unable to resolve interface " + scope);
                    return false;
                }
                iface = new InterfaceId(scope);
            }
            if (!In6Addr.TryParse(host.AsSpan(0, pct), out var a6)) return Fail("Invalid IPv6 address", out error);
            address = new SocketAddress(AF_INET6) { Address = a6.ToString(), Interface = iface };
            return true;
        }
        if (v6 && In6Addr.TryParse(host, out var b6))
        {
            address = new SocketAddress(AF_INET6) { Address = b6.ToString() };
            return true;
        }
        if (v4 && InAddr.TryParse(host, out var a4))
        {
            address = new SocketAddress(AF_INET) { Address = a4.ToString() };
            return true;
        }
        return Fail("Unable to parse IP address", out error);
    }

    private static bool TryFromArray(IEnumerable items, out SocketAddress? address, out ErrorInfo error)
    {
        address = null;
        error = default;
        var bytes = new List<byte>();
        foreach (var item in items)
        {
            if (item is string || !UcodeValue.TryToRange(item, 0, 255, out long b) || bytes.Count == 16)
                return Fail("Invalid IP address array", out error);
            bytes.Add((byte)b);
        }
        if (bytes.Count == 4)
        {
            address = new SocketAddress(AF_INET) { Address = new InAddr(bytes.ToArray()).ToString(), Port = 0 };
            return true;
        }
        if (bytes.Count == 16)
        {
            address = new SocketAddress(AF_INET6) { Address = new In6Addr(bytes.ToArray()).ToString(), Port = 0 };
            return true;
        }
        return Fail("Invalid IP address array", out error);
    }

    private static bool TryFromDictionary(IReadOnlyDictionary<string, object?> d, out SocketAddress? address, out ErrorInfo error)
    {
        address = null;
        error = default;
        foreach (var key in d.Keys)
            if (!Keys.Contains(key)) return Fail($"Invalid address object (unknown field '{key}')", out error);

        int family = 0;
        if (d.TryGetValue("family", out var f) && f is not null)
        {
            if (!UcodeValue.TryToRange(f, 0, ushort.MaxValue, out long fam)) return Fail("Invalid address object (bad family)", out error);
            family = (int)fam;
        }
        if (family == 0)
        {
            if (d.TryGetValue("path", out var p) && p is string) family = AF_UNIX;
            else if (Get(d, "cid") is not null) family = AF_VSOCK;
            else if (Get(d, "groups") is not null || Get(d, "port_id") is not null) family = AF_NETLINK;
            else family = d.TryGetValue("address", out var a) && a is string s && s.Contains(':') ? AF_INET6 : AF_INET;
        }

        // A field of another family is a mistake to report, not a value to drop (AF_INET has no path).
        if (SpecRegistry.TryGetFamily(family, out var codec))
        {
            foreach (var (key, value) in d)
            {
                // A port on a family with port_id gets the codec's own, more helpful error ("... take port_id").
                if (key == "port" && Contains(codec.FieldNames, "port_id")) continue;
                if (value is not null && key != "family" && !Contains(codec.FieldNames, key))
                    return Fail($"Invalid address object (field '{key}' does not belong to {codec.Name}, whose fields are {string.Join(", ", codec.FieldNames)})", out error);
            }
        }

        var result = new SocketAddress(family);
        if (Get(d, "address") is { } addr)
        {
            if (addr is not string text) return Fail(family == AF_PACKET ? "Invalid hardware address" : "Invalid IP address", out error);
            if (family is AF_INET or AF_INET6)
            {
                if (text.Length > 0)
                {
                    if (!TryParseHost(text, family, out var parsed, out error)) return false;
                    result.Address = parsed!.Address;
                    result.Interface = parsed.Interface;
                }
            }
            else result.Address = text;
        }
        if (Get(d, "port") is { } port)
        {
            if (!UcodeValue.TryToRange(port, 0, 65535, out long pn)) return Fail("Invalid port number", out error);
            result.Port = (int)pn;
        }
        else if (family is AF_INET or AF_INET6) result.Port = 0;
        if (Get(d, "flowinfo") is { } flow)
        {
            if (!UcodeValue.TryToRange(flow, 0, uint.MaxValue, out long fl)) return Fail("Invalid flow information", out error);
            result.FlowInfo = (uint)fl;
        }
        if (Get(d, "interface") is { } iface)
        {
            if (iface is string name && !UcodeValue.TryToInt64(name, out _))
            {
                if (InterfaceNames.NameToIndex(name) == 0)
                {
                    error = new ErrorInfo(Errno.ENODEV, "Unable to resolve interface " + name);
                    return false;
                }
                result.Interface = new InterfaceId(name);
            }
            // The C ranges: sin6_scope_id is a __u32 (kept in InterfaceId.Index as the same 32 bits), sll_ifindex an int.
            // An InterfaceId stands for the number it holds, and is refused where that number is.
            else if (family == AF_INET6)
            {
                if (iface is InterfaceId { Name: null, Index: < 0 }) return Fail("Invalid scope ID", out error);
                if (iface is InterfaceId id) result.Interface = id;
                else if (UcodeValue.TryToRange(iface, 0, uint.MaxValue, out long scope)) result.Interface = new InterfaceId(unchecked((int)scope));
                else return Fail("Invalid scope ID", out error);
            }
            else if (iface is InterfaceId id) result.Interface = id;
            else if (UcodeValue.TryToRange(iface, int.MinValue, int.MaxValue, out long ix)) result.Interface = new InterfaceId((int)ix);
            else return Fail("Unable to convert interface to integer", out error);
        }
        if (Get(d, "path") is { } path)
        {
            if (path is not string ps || ps.Length == 0) return Fail("Invalid path value", out error);
            result.Path = ps[0] == '\0' ? "@" + ps[1..] : ps;
        }
        if (!Small(d, "protocol", 65535, "Invalid protocol number", v => result.Protocol = v, out error)) return false;
        if (!Small(d, "hardware_type", 65535, "Invalid hardware type", v => result.HardwareType = v, out error)) return false;
        if (!Small(d, "packet_type", 255, "Invalid packet type", v => result.PacketType = v, out error)) return false;
        if (!Word(d, "port_id", "Invalid port ID", v => result.PortId = v, out error)) return false;
        if (!Word(d, "groups", "Invalid multicast group mask", v => result.Groups = v, out error)) return false;
        if (!Word(d, "cid", "Invalid context ID", v => result.Cid = v, out error)) return false;
        if (family == AF_UNIX && result.Path is null) return Fail("Invalid path value", out error);
        address = result;
        return true;
    }

    private static bool Small(IReadOnlyDictionary<string, object?> d, string key, int max, string message, Action<int> set, out ErrorInfo error)
    {
        error = default;
        if (Get(d, key) is not { } v) return true;
        if (!UcodeValue.TryToRange(v, 0, max, out long n)) return Fail(message, out error);
        set((int)n);
        return true;
    }

    private static bool Word(IReadOnlyDictionary<string, object?> d, string key, string message, Action<uint> set, out ErrorInfo error)
    {
        error = default;
        if (Get(d, key) is not { } v) return true;
        if (!UcodeValue.TryToRange(v, 0, uint.MaxValue, out long n)) return Fail(message, out error);
        set((uint)n);
        return true;
    }

    private static object? Get(IReadOnlyDictionary<string, object?> d, string key) => d.TryGetValue(key, out var v) ? v : null;

    private static bool Contains(IReadOnlyList<string> names, string key)
    {
        foreach (var n in names)
            if (n == key) return true;
        return false;
    }

    private static bool IsDigits(string s)
    {
        foreach (char c in s)
            if (c < '0' || c > '9') return false;
        return true;
    }

    private static IEnumerable ToObjects(byte[] bytes)
    {
        foreach (var b in bytes) yield return b;
    }

    private static bool Fail(string context, out ErrorInfo error)
    {
        error = ErrorInfo.Invalid(context);
        return false;
    }
}
