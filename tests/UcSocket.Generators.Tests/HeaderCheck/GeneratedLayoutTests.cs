using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UcSocket.Generators.Model;
using Xunit;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>
/// The structs generated into the built library have the C compiler's layout: each type's managed size is the C
/// <c>sizeof</c>, and each member's private storage field sits at the C <c>offsetof</c> with the C member's size
/// (bitfields: their storage unit holds the bits the C compiler gave them). The C side is the header check's program.
/// </summary>
public class GeneratedLayoutTests : IClassFixture<RepoHeaderCheck>
{
    private readonly RepoHeaderCheck _check;

    public GeneratedLayoutTests(RepoHeaderCheck check) => _check = check;

    /// <summary>Every generated spec struct in UcSocket.dll, by its C type name.</summary>
    private static Dictionary<string, Type> GeneratedTypes() =>
        typeof(ISpecStruct<>).Assembly.GetTypes()
            .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISpecStruct<>)))
            .ToDictionary(t => (string)t.GetProperty("CTypeName", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, StringComparer.Ordinal);

    private static int ManagedSize(Type t) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(t).Invoke(null, null)!;

    private static FieldInfo Storage(Type t, string name) =>
        t.GetField(name, BindingFlags.NonPublic | BindingFlags.Instance) ?? throw new InvalidOperationException($"{t.Name} has no storage field {name}");

    [Fact]
    public void EverySpecStructIsGenerated()
    {
        var types = GeneratedTypes();
        var missing = _check.Index.Structs.Select(s => s.CTypeName).Where(c => !types.ContainsKey(c)).ToList();
        Assert.True(missing.Count == 0, "no generated type for:\n" + string.Join("\n", missing));
        Assert.True(types.Count >= 50, $"only {types.Count} generated structs found");
    }

    [Fact]
    public void ManagedSizeIsTheCSize()
    {
        var types = GeneratedTypes();
        var wrong = new List<string>();
        foreach (var s in _check.Index.Structs)
        {
            var size = ManagedSize(types[s.CTypeName]);
            var c = _check.Result.Facts[$"{s.CTypeName} size"];
            // Members the headers lack (since) and members stored after the C struct (trailing) make the value longer
            // than the headers' struct: by exactly those members, which the header check places beyond it.
            bool extended = s.Fields.Any(f => f.Field.Trailing || f.Field.Since is not null);
            if (extended ? size != s.Size || size < c : size != c)
                wrong.Add($"{s.CTypeName}: managed {size}, C {c}{(extended ? $", spec with its later members {s.Size}" : "")}");
        }
        Assert.True(wrong.Count == 0, "sizes differ:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void StorageFieldsSitAtTheCOffsets()
    {
        var types = GeneratedTypes();
        var facts = _check.Result.Facts;
        var wrong = new List<string>();
        int compared = 0;
        foreach (var s in _check.Index.Structs)
        {
            var t = types[s.CTypeName];
            foreach (var f in s.Fields.Where(f => !f.Field.Trailing && f.Field.Since is null))
            {
                var entry = $"{s.CTypeName}.{f.Field.CName}";
                if (f.Bits > 0)
                {
                    var unit = Storage(t, $"__bits{f.Offset}_{f.Size * 8}");
                    int unitOffset = (int)Marshal.OffsetOf(t, unit.Name);
                    int unitBits = ManagedSize(unit.FieldType) * 8;
                    long position = facts[$"{entry} bit position"], width = facts[$"{entry} bit width"];
                    if (position < unitOffset * 8L || position + width > unitOffset * 8L + unitBits)
                        wrong.Add($"{entry}: bits {position}..{position + width - 1} outside the storage unit at byte {unitOffset} ({unitBits} bits)");
                }
                else
                {
                    var field = Storage(t, "__" + f.Field.Property);
                    int offset = (int)Marshal.OffsetOf(t, field.Name), size = ManagedSize(field.FieldType);
                    if (offset != facts[$"{entry} offset"] || size != facts[$"{entry} size"])
                        wrong.Add($"{entry}: managed offset {offset} size {size}, C offset {facts[$"{entry} offset"]} size {facts[$"{entry} size"]}");
                }
                compared++;
            }
        }
        Assert.True(wrong.Count == 0, "storage differs from the C layout:\n" + string.Join("\n", wrong));
        Assert.True(compared >= 200, $"only {compared} members compared");
    }
}
