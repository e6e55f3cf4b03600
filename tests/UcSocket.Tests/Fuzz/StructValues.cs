using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Generators of ucode-style struct dictionaries from the spec: each field gets values of its kind (integers in and
/// just out of its C range, address text, nested dictionaries, lists for arrays, names for interfaces), now and
/// then a value of any other shape, and now and then a key the struct does not have.
/// </summary>
internal static class StructValues
{
    /// <summary>An integer boxed in one of the ways a caller may give it, wider values as ulong, decimal or text.</summary>
    public static object BoxWide(Int128 value, int how)
    {
        if (value >= long.MinValue && value <= long.MaxValue) return UcodeValues.Box((long)value, how);
        return (how % 4) switch
        {
            0 when value >= 0 && value <= ulong.MaxValue => (ulong)value,
            1 => (decimal)value,
            2 when value >= 0 => "0x" + value.ToString("x", CultureInfo.InvariantCulture),
            _ => value.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static Gen<Int128> Random128 { get; } =
        Gens.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(t => ((Int128)(uint)t.Item1 << 64) | ((Int128)(uint)t.Item2 << 32) | (uint)t.Item3);

    /// <summary>A number in [min, max], boundaries weighted in.</summary>
    public static Gen<Int128> InRange(Int128 min, Int128 max) => Gen.Frequency(
        (2, Gen.Elements(min, max, Int128.Clamp(0, min, max), Int128.Clamp(1, min, max), Int128.Clamp(-1, min, max), min + (max - min) / 2)),
        (3, Random128.Select(r => min + (r % (max - min + 1)))),
        (2, Gen.Choose(0, 300).Select(i => Int128.Clamp(i, min, max))));

    /// <summary>A number just outside [min, max], or far outside (up to the 128-bit range).</summary>
    public static Gen<Int128> OutOfRange(Int128 min, Int128 max) => Gen.Frequency(
        (3, Gen.Elements(min - 1, max + 1)),
        (1, Random128.Select(r => max + 1 + r % ((Int128)1 << 70))),
        (1, Random128.Select(r => min - 1 - r % ((Int128)1 << 70))),
        (1, Gen.Elements(min - 2, max + 2, max * 2 + 1, (Int128)ulong.MaxValue + 1, (Int128)long.MinValue - 1).Where(v => v < min || v > max)));

    /// <summary>An integer for a field of range <paramref name="range"/>: mostly inside, sometimes just outside.</summary>
    public static Gen<object?> Integer((Int128 Min, Int128 Max) range) =>
        Gen.Zip(Gen.Frequency((5, InRange(range.Min, range.Max)), (1, OutOfRange(range.Min, range.Max))), Gen.Choose(0, 13))
            .Select(t => (object?)BoxWide(t.Item1, t.Item2));

    private static Gen<object?> ListOf(Gen<object?> item, int count) =>
        Gen.Frequency((6, Gen.Choose(0, count)), (1, Gen.Constant(count + 1))).SelectMany(n => Gen.ListOf(item, n))
            .SelectMany(items => Gen.Choose(0, 2).Select(kind => kind switch
            {
                0 => (object?)items.ToArray(),
                _ => (object?)items.ToList(),
            }));

    /// <summary>A value for <paramref name="field"/>; nested structs go <paramref name="depth"/> levels deep.</summary>
    public static Gen<object?> FieldValue(SpecField field, int depth)
    {
        Gen<object?> one = field.EffectiveKind switch
        {
            "int" when field.Range is { } r => Integer(r),
            "ifindex" when field.Range is { } r => Gen.Frequency((4, Integer(r)), (1, Gen.Elements<object?>("lo", "nonexistent0", "1", new InterfaceId(1), new InterfaceId("lo")))),
            "ipv4" => Gen.Frequency((4, AddressText.Ipv4.Select(s => (object?)s)), (1, Gen.Constant<object?>(InAddr.FromValue(0x7f000001)))),
            "ipv6" => Gen.Frequency((4, AddressText.Ipv6.Select(s => (object?)s)), (1, Gen.Constant<object?>(In6Addr.Any))),
            "struct" when depth > 0 && SpecStructs.ByCType.TryGetValue(field.Type, out var nested) => Dictionary(nested, depth - 1).Select(d => (object?)d),
            "sockaddr" => Gen.Frequency((3, AddressText.Any.Select(s => (object?)s)),
                (1, Gen.Elements<object?>(new Dictionary<string, object?> { ["address"] = "::1", ["port"] = 5 }, new SocketAddress(Sockets.AF_INET) { Address = "1.2.3.4", Port = 1 }, new byte[] { 1, 2, 3, 4 }))),
            "hwaddr" => Gen.Frequency((3, Gen.Choose(0, 10).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255), n)).Select(b => (object?)string.Join(":", b.Select(x => x.ToString("x2", CultureInfo.InvariantCulture))))),
                (1, UcodeValues.Bytes(10).Select(b => (object?)b)), (1, Gen.Elements<object?>("0:1:2", "00-11-22", "001122", "00:11:", "zz", ""))),
            "bytes" => Gen.Frequency((3, UcodeValues.Bytes((field.Count ?? 8) + 2).Select(b => (object?)b)), (1, UcodeValues.Text.Select(s => (object?)s))),
            "path" => Gen.OneOf(AddressText.Path, AddressText.Abstract, UcodeValues.Text).Select(s => (object?)s),
            _ => UcodeValues.Any(1),
        };
        if (field.Count is int count && field.EffectiveKind is not ("bytes" or "hwaddr" or "path"))
            one = ListOf(one, count);
        return Gen.Frequency((12, one), (1, UcodeValues.Any(1)), (1, Gen.Constant<object?>(null)));
    }

    private static readonly string[] StrangeKeys = { "", "x", "Family", " family", "zero ", "\u0000", "data" };

    /// <summary>A dictionary for <paramref name="spec"/>: some of its fields, sometimes a key it does not have.</summary>
    public static Gen<Dictionary<string, object?>> Dictionary(SpecStruct spec, int depth)
    {
        var fields = spec.Fields.ToArray();
        var own = Gen.SubListOf(fields).SelectMany(chosen => Gen.CollectToList(chosen.Select(f => FieldValue(f, depth).Select(v => (f.Name, v)))));
        var extra = Gen.Frequency((10, Gen.Constant(new List<(string, object?)>())),
            (1, Gen.Zip(Gen.Elements(StrangeKeys.Where(k => spec.Field(k) is null).ToArray()), UcodeValues.Any(0)).Select(t => new List<(string, object?)> { (t.Item1, t.Item2) })));
        return Gen.Zip(own, extra).Select(t =>
        {
            var d = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (k, v) in t.Item1.Concat(t.Item2)) d[k] = v;
            return d;
        });
    }
}
