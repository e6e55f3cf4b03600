using System;
using System.Collections;
using System.Collections.Generic;
using System.Dynamic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Generators of what a caller may hand the ucode-style API: numbers of every CLR width and at every C range
/// boundary, numeric and non-numeric strings, bools, bytes, lists, dictionaries (typed, untyped, with non-string
/// keys, nested, self-containing) and objects of the wrong type.
/// </summary>
internal static class UcodeValues
{
    /// <summary>Integers at and around every C range boundary, and a few plain ones.</summary>
    public static readonly long[] Boundaries = BuildBoundaries();

    private static long[] BuildBoundaries()
    {
        var list = new List<long> { 0, 1, -1, 2, 42, 1000, -1000, long.MaxValue, long.MinValue, long.MaxValue - 1, long.MinValue + 1 };
        foreach (int bits in new[] { 1, 2, 3, 4, 5, 7, 8, 15, 16, 24, 31, 32, 48, 62 })
        {
            long p = 1L << bits;
            list.AddRange(new[] { p - 1, p, p + 1, -p, -p - 1, -p + 1 });
        }
        return list.Distinct().ToArray();
    }

    /// <summary>Any 64-bit integer, boundaries weighted in.</summary>
    public static Gen<long> Int64 { get; } = Gen.Frequency(
        (4, Gen.Elements(Boundaries)),
        (2, Gen.Choose(-70000, 70000).Select(i => (long)i)),
        (3, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue)).Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)),
        (1, Gen.Choose(0, 63).Select(bits => 1L << bits)));

    /// <summary>
    /// <paramref name="value"/> boxed as one of the CLR number types that can hold it (or as a numeric string, or
    /// a floating-point value), chosen by <paramref name="how"/>: every width the ucode-style API promises to take.
    /// </summary>
    public static object Box(long value, int how)
    {
        switch (how % 14)
        {
            case 0 when value is >= int.MinValue and <= int.MaxValue: return (int)value;
            case 1 when value is >= 0 and <= uint.MaxValue: return (uint)value;
            case 2 when value is >= short.MinValue and <= short.MaxValue: return (short)value;
            case 3 when value is >= 0 and <= ushort.MaxValue: return (ushort)value;
            case 4 when value is >= 0 and <= byte.MaxValue: return (byte)value;
            case 5 when value is >= sbyte.MinValue and <= sbyte.MaxValue: return (sbyte)value;
            case 6 when value >= 0: return (ulong)value;
            case 7 when value > -(1L << 52) && value < (1L << 52): return (double)value;
            case 8: return (decimal)value;
            case 9: return value.ToString(CultureInfo.InvariantCulture);
            case 10 when value >= 0: return "0x" + value.ToString("x", CultureInfo.InvariantCulture);
            case 11 when value < 0 && value != long.MinValue: return "-0x" + (-value).ToString("X", CultureInfo.InvariantCulture);
            case 12 when value is >= int.MinValue and <= int.MaxValue: return (nint)value;
            case 13 when value > -(1L << 23) && value < (1L << 23): return (float)value;
            default: return value;
        }
    }

    /// <summary>Integers boxed in any of the forms of <see cref="Box"/>.</summary>
    public static Gen<object> BoxedInteger(Gen<long> values) =>
        Gen.Zip(values, Gen.Choose(0, 13)).Select(t => Box(t.Item1, t.Item2));

    /// <summary>Numbers that are no 64-bit integer, or sit just past one: fractions, NaN, infinities, huge values.</summary>
    public static Gen<object> NonIntegralNumber { get; } = Gen.Elements<object>(
        0.5, -0.5, 1.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e19, -1e19, 9.2233720368547758E18,
        double.Epsilon, -0.0, float.NaN, 3.5f, float.MaxValue, 0.1m, decimal.MaxValue, decimal.MinValue,
        ulong.MaxValue, (ulong)long.MaxValue + 1, new BigInteger(ulong.MaxValue) + 1, (nuint)5, Int128.MaxValue, (Half)2, 'x', '7');

    /// <summary>Strings that the number parsers must think about: spacing, signs, hex, exponents, other digits, overflow.</summary>
    public static Gen<object> NumericLookingString { get; } = Gen.Elements<object>(
        "", " ", "0", "-0", "+1", " 42 ", "\t7\n", "0x", "0x10", "0X1f", "-0x10", "0x-1", "1e3", "1.0", "1,000", "١٢", "０",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551615", "18446744073709551616",
        "0xffffffffffffffff", "0x10000000000000000", "4294967295", "4294967296", "-1", "65536", "256", "--1", "0x 1", "1_000");

    /// <summary>Characters that mean something to one of the parsers, plus any UTF-16 unit (lone surrogates included).</summary>
    public static Gen<char> Char { get; } = Gen.Frequency(
        (6, Gen.Elements("0123456789abcdefABCDEF:.[]%/@-x ".ToCharArray())),
        (2, Gen.Choose(32, 126).Select(i => (char)i)),
        (1, Gen.Elements('\0', '\t', '\n', '\u00e9', '\u0660', '\uff10', '\u200b', '\ufffd', '\ud800', '\udc00', '\uffff')),
        (1, Gen.Choose(0, 0xffff).Select(i => (char)i)));

    /// <summary>Any string, mostly short, built from <see cref="Char"/>.</summary>
    public static Gen<string> Text { get; } = Gen.Sized(size =>
        Gen.Choose(0, Math.Max(1, Math.Min(size, 40))).SelectMany(n => Gen.ArrayOf(Char, n)).Select(cs => new string(cs)));

    /// <summary>Random bytes of up to <paramref name="max"/> (sizes near common struct sizes are as likely as others).</summary>
    public static Gen<byte[]> Bytes(int max) =>
        Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    /// <summary>A value of any shape, nested at most <paramref name="depth"/> levels.</summary>
    public static Gen<object?> Any(int depth = 2) => Gen.Frequency(AnyChoices(depth));

    private static IEnumerable<(int, Gen<object?>)> AnyChoices(int depth)
    {
        yield return (2, Gen.Constant<object?>(null));
        yield return (8, BoxedInteger(Int64).Select(o => (object?)o));
        yield return (2, NonIntegralNumber.Select(o => (object?)o));
        yield return (2, Gen.Elements(true, false).Select(b => (object?)b));
        yield return (3, NumericLookingString.Select(o => (object?)o));
        yield return (3, Text.Select(s => (object?)s));
        yield return (2, Bytes(40).Select(b => (object?)b));
        yield return (1, Gen.Elements<object?>(new object(), DayOfWeek.Friday, (AttributeTargets)int.MinValue, ConsoleKey.Z,
            InAddr.FromValue(0x7f000001), In6Addr.Any, new InterfaceId(1), new InterfaceId("lo"), new SocketAddress(Sockets.AF_INET),
            new StringBuilder("12"), Guid.Empty, TimeSpan.Zero, new ReadOnlyMemory<byte>(new byte[] { 1, 2 }), new ArraySegment<byte>(new byte[] { 3 })));
        if (depth <= 0) yield break;
        var inner = Any(depth - 1);
        yield return (2, Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(inner, n)).Select(l => (object?)l.ToList()));
        yield return (1, Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(inner, n)).Select(a => (object?)a));
        yield return (1, Gen.Choose(0, 20).SelectMany(n => Gen.ArrayOf(Int64, n)).Select(a => (object?)a.Select(v => (int)v).ToArray()));
        yield return (1, Gen.Choose(0, 20).SelectMany(n => Gen.ArrayOf(Int64, n)).Select(a => (object?)a.Select(v => unchecked((uint)v)).ToArray()));
        yield return (3, Dictionary(Gen.Elements("a", "b", "family", "address", "port", "level", "type", "data", "len", "filter"), inner, depth)
            .Select(d => (object?)d));
        yield return (1, Gen.Constant<object?>(null).Select(_ => (object?)SelfContaining()));
    }

    /// <summary>A dictionary with keys from <paramref name="keys"/> in one of the dictionary types a caller may use.</summary>
    public static Gen<object> Dictionary(Gen<string> keys, Gen<object?> values, int depth = 1) =>
        Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Gen.Zip(keys, values), n)).SelectMany(pairs =>
            Gen.Choose(0, 6).Select(kind => ToDictionaryOfKind(pairs, kind)));

    /// <summary>The same entries as one of: Dictionary, case-insensitive Dictionary (later keys win), SortedDictionary, ExpandoObject, Hashtable, a read-only wrapper, or with a non-string key.</summary>
    public static object ToDictionaryOfKind(IEnumerable<(string Key, object? Value)> pairs, int kind)
    {
        var d = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in pairs) d[k] = v;
        switch (kind)
        {
            case 1:
                var ignoringCase = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (k, v) in d) ignoringCase[k] = v;
                return ignoringCase;
            case 2: return new SortedDictionary<string, object?>(d, StringComparer.Ordinal);
            case 3:
                IDictionary<string, object?> e = new ExpandoObject();
                foreach (var (k, v) in d) e[k] = v;
                return e;
            case 4: return new Hashtable(d);
            case 5: return new System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>(d);
            case 6:
                var h = new Hashtable(d) { [7] = 1 };
                return h;
            default: return d;
        }
    }

    private static object SelfContaining()
    {
        var d = new Dictionary<string, object?>();
        var l = new List<object?> { 1, d };
        d["a"] = d;
        d["data"] = l;
        d["filter"] = l;
        l.Add(l);
        return d;
    }
}

/// <summary>What number a caller meant by a value, worked out independently of the library's converters.</summary>
internal static class IntendedNumber
{
    /// <summary>
    /// The integer <paramref name="value"/> stands for: any CLR integer or enum, an integral floating-point value, a bool
    /// (0 or 1), or a decimal or <c>0x</c> hex string with an optional minus sign and surrounding white space.
    /// False for anything else (fractions, NaN, text, objects).
    /// </summary>
    public static bool TryGet(object? value, out Int128 number)
    {
        number = 0;
        switch (value)
        {
            case sbyte v: number = v; return true;
            case byte v: number = v; return true;
            case short v: number = v; return true;
            case ushort v: number = v; return true;
            case int v: number = v; return true;
            case uint v: number = v; return true;
            case long v: number = v; return true;
            case ulong v: number = v; return true;
            case nint v: number = v; return true;
            case nuint v: number = v; return true;
            case Int128 v: number = v; return true;
            case bool v: number = v ? 1 : 0; return true;
            case BigInteger v when v >= (BigInteger)Int128.MinValue && v <= (BigInteger)Int128.MaxValue: number = (Int128)v; return true;
            case double d when double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 1e30: number = (Int128)new BigInteger(d); return true;
            case float f when float.IsFinite(f) && MathF.Floor(f) == f && Math.Abs(f) < 1e30f: number = (Int128)new BigInteger(f); return true;
            case decimal m when decimal.Truncate(m) == m: number = (Int128)new BigInteger(m); return true;
            case Enum e: return TryGet(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), out number);
            case string s: return TryParse(s.Trim(), out number);
            default: return false;
        }
    }

    private static bool TryParse(string text, out Int128 number)
    {
        number = 0;
        bool negative = text.StartsWith('-');
        var digits = negative ? text[1..] : text;
        BigInteger n;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var hex = digits[2..];
            if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit)) return false;
            n = BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        }
        else
        {
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit)) return false;
            n = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        if (negative) n = -n;
        if (n < (BigInteger)Int128.MinValue || n > (BigInteger)Int128.MaxValue) n = n.Sign * (BigInteger)Int128.MaxValue;
        number = (Int128)n;
        return true;
    }
}
