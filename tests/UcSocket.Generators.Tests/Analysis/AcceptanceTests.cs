using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using UcSocket.Generators.Analysis;
using UcSocket.Generators.Model;
using UcSocket.Marshalling;
using Xunit;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// The analyzer's model of what each value kind accepts (<see cref="KnownTypes"/>) against the library's codecs
/// themselves: for values of many types, a type whose value the codec converts must be one the analyzer lets
/// through (else a correct call would be reported), and a type none of whose values converts must be one it reports.
/// Each type comes with the value most likely to convert (numbers as 1, text that is a number, an address, a name).
/// </summary>
public sealed class AcceptanceTests
{
    private static readonly object?[] Samples =
    {
        1, 1L, -1L, (short)1, (sbyte)1, (byte)1, (ushort)1, 1u, 1UL, (nint)1, (nuint)1, true, 1.0, 1.0f, 1m, 'a', DayOfWeek.Monday,
        "1", "1.2.3.4", "::1", "lo", new byte[] { 1 }, new int[] { 1 }, new uint[] { 1 }, new List<int> { 1 },
        new Dictionary<string, object?>(), new Dictionary<string, int>(), new InAddr(new byte[] { 1, 2, 3, 4 }),
        new In6Addr(new byte[16]), new InterfaceId(1), new Linger(OnOff: 1), new Timeval(Seconds: 1), new object(),
        new DateTime(2000, 1, 1), Guid.Empty, new Version(1, 0), new ReadOnlyMemory<byte>(new byte[] { 1 }), new[] { "1" },
    };

    public static TheoryData<string> Kinds => new() { "int", "uint", "u16", "u64", "be32", "bool", "ipv4", "ipv6", "ifname", "uints", "fds", "struct linger" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheAnalyzerLetsThroughExactlyTheTypesTheCodecConverts(string kind)
    {
        var (compilation, types, tables) = Setup();
        var (resolved, convert) = Codec(kind);
        var acceptance = types.ForKind(resolved, tables);
        foreach (var group in Samples.GroupBy(s => s!.GetType()))
        {
            var symbol = Symbol(compilation, group.Key);
            bool converts = group.Any(convert);
            bool holds = acceptance.CanHold(compilation, symbol);
            // A class that is not sealed may have a subclass the codec takes (a dictionary, a list): it may go either way.
            bool exact = symbol.IsValueType || symbol.IsSealed || symbol.TypeKind == TypeKind.Array;
            Assert.True(converts ? holds : !holds || !exact,
                $"{kind}: {group.Key.Name}: the codec {(converts ? "converts" : "refuses")} {string.Join(", ", group)}, the analyzer {(holds ? "lets it through" : "reports it")}");
        }
        Assert.Equal(convert(null), acceptance.CanHold(compilation, null));
    }

    [Fact]
    public void UnknownStaticTypesAreNeverReported()
    {
        var (compilation, types, tables) = Setup();
        foreach (var kind in Kinds)
        {
            var acceptance = types.ForKind(Codec(kind).Kind, tables);
            foreach (var open in new[] { typeof(object), typeof(IComparable), typeof(ValueType), typeof(System.Collections.IEnumerable) })
                if (kind != "struct linger" || open != typeof(ValueType) && open != typeof(IComparable))
                    Assert.True(acceptance.CanHold(compilation, Symbol(compilation, open)), $"{kind}: {open.Name} was reported");
        }
    }

    private static (ResolvedKind Kind, Func<object?, bool> Convert) Codec(string kind)
    {
        static Func<object?, bool> Of<T>(ValueCodec<T> codec) => v => codec.TryFromUcode(v, out _, out _);
        static ResolvedKind K(ValueKindId id) => new(id, null, null);
        return kind switch
        {
            "int" => (K(ValueKindId.Int), Of(ValueCodecs.Int32)),
            "uint" => (K(ValueKindId.UInt), Of(ValueCodecs.UInt32)),
            "u16" => (K(ValueKindId.U16), Of(ValueCodecs.UInt16)),
            "u64" => (K(ValueKindId.U64), Of(ValueCodecs.UInt64)),
            "be32" => (K(ValueKindId.Be32), Of(ValueCodecs.BigEndianUInt32)),
            "bool" => (K(ValueKindId.Bool), Of(ValueCodecs.Bool)),
            "ipv4" => (K(ValueKindId.Ipv4), Of(ValueCodecs.Ipv4)),
            "ipv6" => (K(ValueKindId.Ipv6), Of(ValueCodecs.Ipv6)),
            "ifname" => (K(ValueKindId.IfName), Of(ValueCodecs.InterfaceName)),
            "uints" => (K(ValueKindId.UInts), Of(ValueCodecs.UInt32Array)),
            "fds" => (K(ValueKindId.Fds), Of(ValueCodecs.FileDescriptors)),
            "struct linger" => (new ResolvedKind(ValueKindId.Struct, "linger", "Linger", "UcSocket"), Of(StructCodec<Linger>.Instance)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static (Compilation, KnownTypes, SpecTables) Setup()
    {
        var compilation = CSharpCompilation.Create("Acceptance", references: GeneratorHarness.LibraryReferences);
        var options = new AnalyzerOptions(GeneratorHarness.RealSpec(), GeneratorHarness.Options(null));
        return (compilation, new KnownTypes(compilation), SpecTables.For(options, default));
    }

    private static ITypeSymbol Symbol(Compilation compilation, Type type)
    {
        if (type.IsArray) return compilation.CreateArrayTypeSymbol(Symbol(compilation, type.GetElementType()!));
        if (type.IsGenericType)
        {
            var definition = compilation.GetTypeByMetadataName(type.GetGenericTypeDefinition().FullName!)!;
            return definition.Construct(type.GetGenericArguments().Select(a => Symbol(compilation, a)).ToArray());
        }
        return compilation.GetTypeByMetadataName(type.FullName!) ?? throw new InvalidOperationException($"no symbol for {type}");
    }
}
