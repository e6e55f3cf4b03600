using System;
using System.Globalization;
using System.Text;

namespace UcSocket;

/// <summary>
/// An IPv6 address as C's <c>struct in6_addr</c>: sixteen bytes in network order. Parses and formats exactly as
/// glibc's <c>inet_pton(AF_INET6)</c> and <c>inet_ntop(AF_INET6)</c> do.
/// </summary>
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

    /// <summary>
    /// Parses IPv6 text as <c>inet_pton(AF_INET6)</c> does: up to eight groups of one to four hex digits, one
    /// <c>::</c> standing for at least one zero group, and optionally a dotted quad in the last 32 bits (with
    /// inet_pton's IPv4 rules: four decimal parts up to 255, no leading zeros). No brackets, no scope suffix.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out In6Addr address)
    {
        address = default;
        Span<byte> b = stackalloc byte[16];
        b.Clear();
        int tp = 0, colon = -1, group = 0, i = 0;
        int digits = 0, value = 0;
        if (text.Length > 0 && text[0] == ':' && (text.Length < 2 || text[1] != ':')) return false;
        if (text.Length > 0 && text[0] == ':') i = 1; // the first colon of a leading "::"
        while (i < text.Length)
        {
            char c = text[i++];
            int hex = HexValue(c);
            if (hex >= 0)
            {
                if (++digits > 4) return false;
                value = (value << 4) | hex;
                continue;
            }
            if (c == ':')
            {
                group = i;
                if (digits == 0)
                {
                    if (colon >= 0) return false;
                    colon = tp;
                    continue;
                }
                if (i == text.Length || tp + 2 > 16) return false;
                b[tp++] = (byte)(value >> 8);
                b[tp++] = (byte)value;
                digits = value = 0;
                continue;
            }
            if (c == '.' && tp + 4 <= 16 && InAddr.TryParse(text[group..], out var v4))
            {
                v4.CopyTo(b[tp..]);
                tp += 4;
                digits = 0;
                i = text.Length;
                break;
            }
            return false;
        }
        if (digits > 0)
        {
            if (tp + 2 > 16) return false;
            b[tp++] = (byte)(value >> 8);
            b[tp++] = (byte)value;
        }
        if (colon >= 0)
        {
            if (tp == 16) return false; // "::" must stand for at least one group
            int moved = tp - colon;
            for (int k = 1; k <= moved; k++)
            {
                b[16 - k] = b[colon + moved - k];
                b[colon + moved - k] = 0;
            }
            tp = 16;
        }
        if (tp != 16) return false;
        address = new In6Addr(b);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// The text <c>inet_ntop(AF_INET6)</c> gives: lower-case hex groups, the first longest run of two or more zero
    /// groups as <c>::</c>, and a dotted quad for IPv4-mapped (<c>::ffff:1.2.3.4</c>) and IPv4-compatible
    /// (<c>::1.2.3.4</c>) addresses.
    /// </summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[16];
        CopyTo(b);
        Span<int> words = stackalloc int[8];
        for (int i = 0; i < 8; i++) words[i] = (b[2 * i] << 8) | b[2 * i + 1];

        int bestBase = -1, bestLength = 0, currentBase = -1, currentLength = 0;
        for (int i = 0; i < 8; i++)
        {
            if (words[i] == 0)
            {
                if (currentBase < 0) (currentBase, currentLength) = (i, 1);
                else currentLength++;
            }
            else if (currentBase >= 0)
            {
                if (bestBase < 0 || currentLength > bestLength) (bestBase, bestLength) = (currentBase, currentLength);
                currentBase = -1;
            }
        }
        if (currentBase >= 0 && (bestBase < 0 || currentLength > bestLength)) (bestBase, bestLength) = (currentBase, currentLength);
        if (bestBase >= 0 && bestLength < 2) bestBase = -1;

        var sb = new StringBuilder(46);
        for (int i = 0; i < 8; i++)
        {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLength)
            {
                if (i == bestBase) sb.Append(':');
                continue;
            }
            if (i != 0) sb.Append(':');
            if (i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && words[5] == 0xffff)))
            {
                sb.Append(new InAddr(b[12..]).ToString());
                return sb.ToString();
            }
            sb.Append(words[i].ToString("x", CultureInfo.InvariantCulture));
        }
        if (bestBase >= 0 && bestBase + bestLength == 8) sb.Append(':');
        return sb.ToString();
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
