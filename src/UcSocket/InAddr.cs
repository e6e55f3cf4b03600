using System;
using System.Buffers.Binary;
using System.Globalization;

namespace UcSocket;

/// <summary>An IPv4 address as C's <c>struct in_addr</c>: four bytes in network order. Parses and formats as <c>inet_pton</c>/<c>inet_ntop</c> do.</summary>
public readonly struct InAddr : IEquatable<InAddr>
{
    private readonly uint _networkOrder; // the four bytes exactly as in memory

    /// <summary>Reads the first four bytes of <paramref name="bytes"/>.</summary>
    public InAddr(ReadOnlySpan<byte> bytes) => _networkOrder = BitConverter.ToUInt32(bytes.Slice(0, 4));

    /// <summary>0.0.0.0 (INADDR_ANY).</summary>
    public static InAddr Any => default;

    /// <summary>The address as a host-order number (127.0.0.1 is 0x7F000001).</summary>
    public uint Value => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(_networkOrder) : _networkOrder;

    /// <summary>Creates the address from a host-order number.</summary>
    public static InAddr FromValue(uint hostOrder)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, hostOrder);
        return new InAddr(b);
    }

    /// <summary>Writes the four bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => BitConverter.TryWriteBytes(destination, _networkOrder);

    /// <summary>Parses dotted-quad notation exactly as <c>inet_pton(AF_INET)</c>: four decimal parts 0-255, no leading zeros.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out InAddr address)
    {
        address = default;
        Span<byte> b = stackalloc byte[4];
        int part = 0, digits = 0, value = 0;
        foreach (char c in text)
        {
            if (c >= '0' && c <= '9')
            {
                if (digits > 0 && value == 0) return false; // leading zero
                value = value * 10 + (c - '0');
                if (value > 255) return false;
                digits++;
            }
            else if (c == '.')
            {
                if (digits == 0 || part == 3) return false;
                b[part++] = (byte)value;
                digits = value = 0;
            }
            else return false;
        }
        if (digits == 0 || part != 3) return false;
        b[3] = (byte)value;
        address = new InAddr(b);
        return true;
    }

    /// <summary>Dotted-quad text, e.g. <c>127.0.0.1</c>.</summary>
    public override string ToString()
    {
        Span<byte> b = stackalloc byte[4];
        CopyTo(b);
        return string.Create(CultureInfo.InvariantCulture, $"{b[0]}.{b[1]}.{b[2]}.{b[3]}");
    }

    /// <inheritdoc/>
    public bool Equals(InAddr other) => _networkOrder == other._networkOrder;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is InAddr other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => (int)_networkOrder;

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(InAddr left, InAddr right) => left.Equals(right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(InAddr left, InAddr right) => !left.Equals(right);
}
