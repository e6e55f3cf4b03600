using System;
using System.Net;
using System.Net.Sockets;

namespace UcSocket;

/// <summary>An IPv6 address as C's <c>struct in6_addr</c>: sixteen bytes in network order.</summary>
public readonly struct In6Addr : IEquatable<In6Addr>
{
    private readonly ulong _high; // bytes 0..7 as in memory
    private readonly ulong _low;  // bytes 8..15 as in memory

    /// <summary>Reads the first sixteen bytes of <paramref name="bytes"/>.</summary>
    public In6Addr(ReadOnlySpan<byte> bytes)
    {
        _high = BitConverter.ToUInt64(bytes.Slice(0, 8));
        _low = BitConverter.ToUInt64(bytes.Slice(8, 8));
    }

    /// <summary>:: (in6addr_any).</summary>
    public static In6Addr Any => default;

    /// <summary>Writes the sixteen bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BitConverter.TryWriteBytes(destination.Slice(0, 8), _high);
        BitConverter.TryWriteBytes(destination.Slice(8, 8), _low);
    }

    /// <summary>Parses IPv6 text as <c>inet_pton(AF_INET6)</c> does: no brackets, no scope suffix.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out In6Addr address)
    {
        address = default;
        if (text.IndexOfAny('%', '[', '/') >= 0 || text.IndexOf(':') < 0) return false;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6) return false;
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out _);
        address = new In6Addr(b);
        return true;
    }

    /// <summary>RFC 5952 text, e.g. <c>::1</c> or <c>::ffff:1.2.3.4</c>.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[16];
        CopyTo(b);
        return new IPAddress(b).ToString();
    }

    /// <inheritdoc/>
    public bool Equals(In6Addr other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is In6Addr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(In6Addr left, In6Addr right) => left.Equals(right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(In6Addr left, In6Addr right) => !left.Equals(right);
}
