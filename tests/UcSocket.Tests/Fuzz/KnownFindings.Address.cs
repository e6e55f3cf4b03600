using System;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>A lone UTF-16 surrogate (no UTF-8 form) in a UNIX path becomes U+FFFD (FindingsAddress.LoneSurrogateInPath).</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    /// <summary>The empty abstract name (<c>"@"</c>) comes back as path <c>""</c>, which does not convert (FindingsAddress.EmptyAbstractName).</summary>
    public static bool IsEmptyAbstractName(SocketAddress a) => a.Family == Sockets.AF_UNIX && a.Path == "";

    /// <summary>
    /// A scope ID of 2^31 or more (text <c>%2147483648</c> to <c>%4294967295</c>, or an <see cref="InterfaceId"/> with a
    /// negative index) comes back as a negative index, which does not convert (FindingsAddress.ScopeIdAboveIntMax).
    /// </summary>
    public static bool HasNegativeScope(SocketAddress a) => a.Interface is { Name: null, Index: < 0 };

    /// <summary>Integer types the converters refuse although they hold a number in range (FindingsStructs.IntegerForms).</summary>
    public static bool IsUnsupportedIntegerType(object? value) => value is nuint or Int128 or UInt128 or System.Numerics.BigInteger;

    /// <summary>
    /// Integers the converters refuse although they are in the field's range (FindingsStructs.IntegerForms): the types of
    /// <see cref="IsUnsupportedIntegerType"/>, a decimal or floating-point value above long.MaxValue for a 64-bit
    /// unsigned field, and long.MinValue written as text.
    /// </summary>
    public static bool IsRefusedIntegerForm(object? value) =>
        IsUnsupportedIntegerType(value)
        || (value is decimal or double or float && IntendedNumber.TryGet(value, out var n) && n > long.MaxValue)
        || (value is string && IntendedNumber.TryGet(value, out var m) && m == long.MinValue);

    /// <summary>SocketAddress.ToString of an IPv6 address with a scope leaves the scope out (FindingsAddress.ToStringKeepsTheScope).</summary>
    public static bool ToStringDropsTheScope(SocketAddress a) => a.Interface is not null;

    /// <summary>An address dictionary's field that its family does not have is dropped without an error (FindingsAddress.FieldOfAnotherFamily).</summary>
    public const bool FieldOfAnotherFamilyIsDropped = true;

    /// <summary>In6Addr.TryParse takes a dotted quad with a leading zero, which inet_pton refuses (FindingsAddress.DottedQuadWithLeadingZero).</summary>
    public static bool In6AcceptsWhatGlibcRefuses(string text) =>
        text.Split(':').Last().Split('.') is { Length: 4 } parts && parts.Any(p => p.Length > 1 && p[0] == '0');

    /// <summary>
    /// In6Addr writes the last 32 bits in dotted form where inet_ntop writes hex, and the other way round
    /// (FindingsAddress.Ipv6TextAsInetNtop): <c>::ffff:0:a.b.c.d</c> (SIIT) and <c>x:x:x:x:0:5efe:a.b.c.d</c>
    /// (ISATAP) it writes dotted, <c>::ffff:0.0.x.y</c> in hex.
    /// </summary>
    public static bool Ipv6TextDiffersFromGlibc(byte[] bytes)
    {
        int Word(int i) => bytes[2 * i] << 8 | bytes[2 * i + 1];
        bool zeroPrefix = Word(0) == 0 && Word(1) == 0 && Word(2) == 0 && Word(3) == 0;
        return (zeroPrefix && Word(4) == 0 && Word(5) == 0xffff && Word(6) == 0)
            || (zeroPrefix && Word(4) == 0xffff && Word(5) == 0 && Word(6) != 0)
            || (Word(4) == 0 && Word(5) == 0x5efe);
    }
}

internal static partial class KnownFindings
{
    /// <summary>
    /// sockaddr bytes the kernel may report whose decoded form does not encode back to them: a UNIX path that is not
    /// UTF-8 (NonUtf8Path), a filesystem path starting with '@' (FilesystemPathStartingWithAt), a path filling all 108
    /// bytes (FullLengthPath), the empty abstract name (EmptyAbstractName), an IPv6 scope of 2^31 or more
    /// (ScopeIdAboveIntMax), a negative packet interface index (NegativePacketInterface), vsock flags (VsockFlags).
    /// </summary>
    public static bool SockaddrDoesNotRoundTrip(byte[] bytes, SocketAddress decoded)
    {
        if (decoded.Family == Sockets.AF_UNIX && bytes.Length > 2)
        {
            var path = bytes.AsSpan(2);
            bool isAbstract = path[0] == 0;
            var name = isAbstract ? path[1..] : path.IndexOf((byte)0) is int end and >= 0 ? path[..end] : path;
            bool notUtf8 = !IsUtf8(name);
            return notUtf8 || (!isAbstract && name.Length > 0 && name[0] == (byte)'@') || (!isAbstract && path.Length == 108 && path.IndexOf((byte)0) < 0)
                || (isAbstract && name.Length == 0);
        }
        if (decoded.Family == Sockets.AF_VSOCK) return bytes[12] != 0;
        return decoded.Interface is { Name: null, Index: < 0 };
    }

    private static bool IsUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }
}
