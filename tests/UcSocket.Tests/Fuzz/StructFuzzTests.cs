using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static UcSocket.Tests.Fuzz.AddressChecks;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Property-based tests of the ucode-style dictionary marshallers of every generated spec struct (those the
/// registered options and control messages use, and the structs nested in them): random dictionaries never make
/// them throw; a value outside a field's C range (taken from the C type in the spec, not from the generated code)
/// is an error naming the field, never a truncated value; what is accepted is what the kernel gets; and
/// <c>TryFromDictionary(ToDictionary(x))</c> gives x back for random struct values. No socket is opened.
/// </summary>
public class StructFuzzTests
{
    private static Gen<ISpecStructOps> AnyStruct => Gen.Elements(SpecStructCatalog.All.ToArray());

    [Fact]
    public void EveryRegisteredStructIsFuzzed()
    {
        var fuzzed = SpecStructCatalog.All.Select(o => o.Type).ToHashSet();
        var used = SpecRegistry.Options.SelectMany(o => o.GetType().GetGenericArguments())
            .Concat(SpecRegistry.ControlMessages.SelectMany(c => c.GetType().GetGenericArguments()))
            .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISpecStruct<>)))
            .ToHashSet();
        Assert.NotEmpty(used);
        Assert.Empty(used.Except(fuzzed).Select(t => t.Name));
        // Every struct is described in the spec, and every integer field has a C type whose range is known here.
        foreach (var ops in SpecStructCatalog.All)
            foreach (var f in ops.Spec.Fields.Where(f => f.EffectiveKind is "int" or "ifindex"))
                Assert.True(f.Range is not null, $"{ops.CTypeName}.{f.Name}: C type {f.Type} has no range in SpecField.CIntegerTypes");
    }

    [Fact]
    public void RandomDictionaries() => FuzzRun.Check("structs.dictionaries", 4000,
        AnyStruct.SelectMany(ops => StructValues.Dictionary(ops.Spec, 2).SelectMany(d => Gen.Choose(0, 6).Select(kind => (ops, d, kind)))),
        t => CheckDictionary(t.ops, t.d, t.kind));

    [Fact]
    public void OneFieldInOrOutOfRange() => FuzzRun.Check("structs.ranges", 4000,
        AnyStruct.SelectMany(ops => Gen.Elements(IntegerFields(ops).DefaultIfEmpty().ToArray()).Select(f => (ops, f))).Where(t => t.f is not null)
            .SelectMany(t => Gens.Zip(Gen.Frequency((1, StructValues.InRange(t.f!.Range!.Value.Min, t.f.Range.Value.Max)), (1, StructValues.OutOfRange(t.f.Range.Value.Min, t.f.Range.Value.Max))),
                Gen.Choose(0, 13), Gen.Choose(0, 3)).Select(v => (t.ops, t.f, v.Item1, v.Item2, v.Item3))),
        t => CheckOneField(t.ops, t.f!, t.Item3, t.Item4, t.Item5));

    [Fact]
    public void RandomStructValuesRoundTrip() => FuzzRun.Check("structs.roundtrip", 4000,
        AnyStruct.SelectMany(ops => Gen.Frequency((6, Gen.Constant(ops.NativeSize)), (1, Gen.Choose(0, ops.NativeSize + 8)))
            .SelectMany(n => Gen.ArrayOf(Gen.Frequency((3, Gen.Choose(0, 255)), (1, Gen.Elements(0, 0xff, 1, 0x80))).Select(b => (byte)b), n)).Select(b => (ops, b))),
        t => CheckRoundTrip(t.ops, t.b));

    [Fact]
    public void StructValuesCompareAndPrint() => FuzzRun.Check("structs.equality", 2000,
        AnyStruct.SelectMany(ops => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), ops.NativeSize).Select(b => (ops, b))),
        t => CheckEquality(t.ops, t.b));

    private static IEnumerable<SpecField> IntegerFields(ISpecStructOps ops) =>
        ops.Spec.Fields.Where(f => f.Range is not null && !f.Trailing);

    // ---- random dictionaries ----

    private static void CheckDictionary(ISpecStructOps ops, Dictionary<string, object?> given, int kind)
    {
        object value = UcodeValues.ToDictionaryOfKind(given.Select(e => (e.Key, e.Value)), kind);
        bool ok = ops.TryFromUcode(value, out var result, out var error);
        if (kind == 0)
        {
            bool direct = ops.TryFromDictionary(given, out _, out var directError);
            Expect.That(direct == ok && directError == error, () => $"{ops.CTypeName}: TryFromDictionary and the codec disagree on {Show(given)}: {directError} / {error}");
        }
        if (!ok)
        {
            FuzzStats.Note("refused");
            Expect.That(!string.IsNullOrWhiteSpace(error), () => $"{ops.CTypeName}: {Show(value)} refused without a message");
            var unknown = given.Keys.Where(k => ops.Spec.Field(k) is null).ToList();
            if (kind is not (1 or 6) && unknown.Count > 0)
                Expect.That(unknown.Any(k => error!.Contains($"'{k}'", StringComparison.Ordinal)), () => $"{ops.CTypeName}: {Show(value)} refused as \"{error}\", naming none of {Show(unknown)}");
            return;
        }
        Expect.That(kind != 6, () => $"{ops.CTypeName}: a dictionary with a non-string key was taken: {Show(value)}");
        if (kind == 1) return; // case-insensitive keys: a later key may have replaced an earlier one
        Expect.That(given.Keys.All(k => ops.Spec.Field(k) is not null), () => $"{ops.CTypeName}: {Show(value)} accepted with an unknown field");
        var kernel = KernelView(ops, result!, out var writeError);
        if (kernel is null)
        {
            // Refused when written (a nested address of a family that does not fit the field, say): still an error naming a field.
            FuzzStats.Note("refused when written");
            Expect.That(given.Keys.Any(k => writeError!.Contains(k, StringComparison.Ordinal)), () => $"{ops.CTypeName}: {Show(value)} does not write, and \"{writeError}\" names no field");
            return;
        }
        FuzzStats.Note("converted");
        CheckAccepted(ops.Spec, given, kernel, ops.CTypeName);
    }

    /// <summary>What the kernel would be given, read back: written, read, and turned into a dictionary again (null when it does not write).</summary>
    private static Dictionary<string, object?>? KernelView(ISpecStructOps ops, object value, out string? error) =>
        ops.Write(value, out error) is { } bytes ? ops.ToDictionary(ops.Read(bytes)) : null;

    /// <summary>
    /// Every integer that was accepted is within its field's C range and reaches the kernel unchanged, in nested
    /// structs and arrays too.
    /// </summary>
    private static void CheckAccepted(SpecStruct spec, IReadOnlyDictionary<string, object?> given, Dictionary<string, object?> kernel, string where)
    {
        foreach (var (key, value) in given)
        {
            var field = spec.Field(key)!;
            if (value is null) continue;
            string at = where + "." + key;
            switch (field.EffectiveKind)
            {
                case "int" or "ifindex" when field.Count is null:
                    if (value is string or InterfaceId && field.EffectiveKind == "ifindex" && !IntendedNumber.TryGet(value, out _)) break;
                    if (!IntendedNumber.TryGet(value, out var n)) break;
                    CheckNumber(field, n, value, at);
                    if (!field.IsUnionMember && !IsLengthOfGivenArray(spec, field, given))
                        Expect.That(IntendedNumber.TryGet(kernel[key], out var k) && k == n, () => $"{at}: {Show(value)} reached the kernel as {Show(kernel[key])}");
                    break;
                case "int" when field.Count is not null && value is IEnumerable items and not string:
                    var sent = items.Cast<object?>().ToList();
                    var got = ((IEnumerable)kernel[key]!).Cast<object?>().ToList();
                    for (int i = 0; i < sent.Count; i++)
                    {
                        if (!IntendedNumber.TryGet(sent[i], out var item)) continue;
                        CheckNumber(field, item, sent[i], $"{at}[{i}]");
                        Expect.That(i < got.Count && IntendedNumber.TryGet(got[i], out var k) && k == item, () => $"{at}[{i}]: {Show(sent[i])} reached the kernel as {Show(got.ElementAtOrDefault(i))}");
                    }
                    break;
                case "struct" when field.Count is null && value is Dictionary<string, object?> nested:
                    CheckAccepted(SpecStructs.ByCType[field.Type], nested, (Dictionary<string, object?>)kernel[key]!, at);
                    break;
                case "struct" when field.Count is not null && value is IEnumerable list and not string and not IDictionary:
                    var kernelItems = ((IEnumerable)kernel[key]!).Cast<object?>().ToList();
                    int index = 0;
                    foreach (var item in list)
                    {
                        if (item is Dictionary<string, object?> d)
                            CheckAccepted(SpecStructs.ByCType[field.Type], d, (Dictionary<string, object?>)kernelItems[index]!, $"{at}[{index}]");
                        index++;
                    }
                    break;
            }
        }
    }

    private static void CheckNumber(SpecField field, Int128 n, object? value, string at)
    {
        var (min, max) = field.Range!.Value;
        Expect.That(n >= min && n <= max, () => $"{at}: {Show(value)} accepted, out of the C range [{min}, {max}] of {field.Type}{(field.Bits is int b ? $":{b}" : "")}");
    }

    private static bool IsLengthField(SpecStruct spec, SpecField field) => spec.Fields.Any(f => f.Length == field.C);

    /// <summary>A length member set from its array (e.g. halen from address) is not compared when both are given.</summary>
    private static bool IsLengthOfGivenArray(SpecStruct spec, SpecField field, IReadOnlyDictionary<string, object?> given) =>
        spec.Fields.Any(f => f.Length == field.C && given.ContainsKey(f.Name));

    // ---- one field ----

    private static void CheckOneField(ISpecStructOps ops, SpecField field, Int128 number, int how, int shape)
    {
        object boxed = StructValues.BoxWide(number, how);
        object given = field.Count is int count
            ? (shape switch { 0 => new object?[] { 0, boxed }, 1 => new List<object?> { boxed }, _ => Enumerable.Repeat<object?>(boxed, count).ToList() })
            : boxed;
        var values = new Dictionary<string, object?> { [field.Name] = given };
        bool ok = ops.TryFromDictionary(values, out var result, out var error);
        var (min, max) = field.Range!.Value;
        if (number < min || number > max)
        {
            FuzzStats.Note("out of range");
            Expect.That(!ok, () => $"{ops.CTypeName}.{field.Name} = {Show(given)} accepted, out of the C range [{min}, {max}] of {field.Type}{(field.Bits is int b ? $":{b}" : "")}; the kernel gets {Show(KernelView(ops, result!, out _)?[field.Name])}");
            Expect.That(error!.Contains(field.Name, StringComparison.Ordinal), () => $"{ops.CTypeName}.{field.Name} = {Show(given)} refused as \"{error}\", which does not name the field");
            return;
        }
        FuzzStats.Note("in range");
        if (!ok && IsLengthField(ops.Spec, field))
        {
            // A length member cannot count more items than its array holds: an error, naming it.
            Expect.That(error!.Contains(field.Name, StringComparison.Ordinal), () => $"{ops.CTypeName}.{field.Name} = {Show(given)} refused as \"{error}\", which does not name the field");
            return;
        }
        Expect.That(ok, () => $"{ops.CTypeName}.{field.Name} = {Show(given)} refused: {error}");
        var kernel = KernelView(ops, result!, out var writeError);
        Expect.That(kernel is not null, () => $"{ops.CTypeName}.{field.Name} = {Show(given)} accepted but does not write: {writeError}");
        CheckAccepted(ops.Spec, values, kernel!, ops.CTypeName);
    }

    // ---- equality ----

    /// <summary>Generated structs are record structs: Equals, == and GetHashCode give value equality and never throw; ToString never throws.</summary>
    private static void CheckEquality(ISpecStructOps ops, byte[] bytes)
    {
        object x = ops.Read(bytes), y = ops.Read(bytes);
        _ = x.ToString();
        Expect.That(x.Equals(y) && x.GetHashCode() == y.GetHashCode(), () => $"{ops.CTypeName}: two reads of {Show(bytes)} are not equal");
        FuzzStats.Note("compared");
    }

    // ---- round trip ----

    /// <summary>The name of a length member whose value is more than its array holds, or null.</summary>
    private static string? LengthBeyondArray(SpecStruct spec, Dictionary<string, object?> d) =>
        spec.Fields.Where(f => f.Length is not null && f.Count is not null)
            .Select(array => (array, length: spec.Fields.First(f => f.C == array.Length)))
            .Where(p => IntendedNumber.TryGet(d[p.length.Name], out var n) && n > p.array.Count!.Value)
            .Select(p => p.length.Name).FirstOrDefault();

    private static void CheckRoundTrip(ISpecStructOps ops, byte[] bytes)
    {
        var x = ops.Read(bytes);
        var d = ops.ToDictionary(x);
        bool ok = ops.TryFromDictionary(d, out var y, out var error);
        if (!ok && LengthBeyondArray(ops.Spec, d) is { } length)
        {
            // A random length member may count more items than its array holds: no valid value, nothing to round-trip.
            FuzzStats.Note("length beyond its array: " + length);
            return;
        }
        Expect.That(ok, () => $"{ops.CTypeName}: the dictionary of {Show(bytes)}, {Show(d)}, does not convert back: {error}");
        var again = ops.ToDictionary(y!);
        Expect.That(Show(again) == Show(d), () => $"{ops.CTypeName}: {Show(d)} came back as {Show(again)} (bytes {Show(bytes)})");
        FuzzStats.Note("round trip");
    }
}
