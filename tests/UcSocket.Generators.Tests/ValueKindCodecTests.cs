using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Option and payload value kinds map to the C# types and codecs spec/README.md documents (<c>u64</c>, <c>uints</c>,
/// <c>fds</c> and <c>bpf</c> options, <c>u16</c>, <c>u64</c> and <c>uints</c> payloads), arrays of structs are laid
/// out after their alignment, and the generated code compiles cleanly against the library.
/// </summary>
public class ValueKindCodecTests
{
    private const string Spec = """
        headers: [stdint.h]
        constants:
          SOL:
            SOL_K: 400
          K:
            K_U64: 1
            K_UINTS: 2
            K_FDS: 3
            K_BPF: 4
            K_STRUCTS: 5
            K_U16: 6
        structs:
          pair_s:
            fields:
              - { c: a, type: __s64 }
              - { c: b, type: long long }
          pairs:
            fields:
              - { c: count, type: __u8 }
              - { c: items, type: struct pair_s, count: 3 }
        options:
          - { level: SOL_K, name: K_U64, type: u64 }
          - { level: SOL_K, name: K_UINTS, type: uints, access: read }
          - { level: SOL_K, name: K_FDS, type: fds, access: read }
          - { level: SOL_K, name: K_BPF, type: bpf, access: write }
          - { level: SOL_K, name: K_STRUCTS, type: struct pairs }
        cmsgs:
          - { level: SOL_K, type: K_U64, payload: u64 }
          - { level: SOL_K, type: K_UINTS, payload: uints }
          - { level: SOL_K, type: K_STRUCTS, payload: struct pairs }
          - { level: SOL_K, type: K_U16, payload: u16 }
        """;

    private static Microsoft.CodeAnalysis.GeneratorDriverRunResult Run() =>
        GeneratorHarness.Run(new[] { GeneratorHarness.Text("k.yaml", Spec) }, "Spec.ValueKinds");

    private static string Source(string hint) => Run().Results.Single().GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();

    [Fact]
    public void TheKindsParseWithoutDiagnostics() => Assert.Empty(Run().Diagnostics);

    [Theory]
    [InlineData("SocketOption<ulong, ulong> KU64 = new(\"K_U64\", 400, 1, global::UcSocket.Marshalling.ValueCodecs.UInt64, global::UcSocket.Marshalling.ValueCodecs.UInt64)")]
    [InlineData("ReadOnlySocketOption<uint[]> KUints = new(\"K_UINTS\", 400, 2, global::UcSocket.Marshalling.ValueCodecs.UInt32Array)")]
    [InlineData("ReadOnlySocketOption<global::UcSocket.FileDescriptors> KFds = new(\"K_FDS\", 400, 3, global::UcSocket.Marshalling.ValueCodecs.FileDescriptors)")]
    [InlineData("WriteOnlySocketOption<global::UcSocket.SockFilter[]> KBpf = new(\"K_BPF\", 400, 4, global::UcSocket.Marshalling.ValueCodecs.BpfProgram)")]
    public void OptionKindsMapToTheirTypesAndCodecs(string declaration) =>
        Assert.Contains(declaration, Source("k.Options.g.cs"), System.StringComparison.Ordinal);

    [Theory]
    [InlineData("ControlMessageType<ulong> KU64 = new(\"K_U64\", 400, 1, global::UcSocket.Marshalling.ValueCodecs.UInt64)")]
    [InlineData("ControlMessageType<uint[]> KUints = new(\"K_UINTS\", 400, 2, global::UcSocket.Marshalling.ValueCodecs.UInt32Array)")]
    [InlineData("ControlMessageType<ushort> KU16 = new(\"K_U16\", 400, 6, global::UcSocket.Marshalling.ValueCodecs.UInt16)")]
    public void PayloadKindsMapToTheirTypesAndCodecs(string declaration) =>
        Assert.Contains(declaration, Source("k.Cmsgs.g.cs"), System.StringComparison.Ordinal);

    [Fact]
    public void AStructArrayIsLaidOutAfterItsAlignment()
    {
        var structs = Source("k.Structs.g.cs");
        Assert.Contains("public static int NativeSize => 56;", structs, System.StringComparison.Ordinal);
        Assert.Contains("[global::System.Runtime.CompilerServices.InlineArray(3)]", structs, System.StringComparison.Ordinal);
        Assert.Contains("array[i] = PairS.Read(s.Slice(8 + i * 16).Slice(0, 16));", structs, System.StringComparison.Ordinal);
        Assert.Contains("SpecFields.TryStructs<PairS>(values, \"items\"", structs, System.StringComparison.Ordinal);
    }

    [Fact]
    public void TheGeneratedCodeCompilesAgainstTheLibrary()
    {
        var problems = GeneratorHarness.Compile(Run().Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, "the generated code does not compile cleanly:\n" + string.Join("\n", problems));
    }
}
