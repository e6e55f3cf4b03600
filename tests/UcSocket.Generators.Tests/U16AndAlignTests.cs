using System.Linq;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>The <c>u16</c> payload kind and the struct key <c>align</c>.</summary>
public class U16AndAlignTests
{
    private const string Spec = """
        headers: [stdint.h]
        constants:
          SOL:
            SOL_TEST: 300
          CM:
            CM_U16: 8
        structs:
          storage:
            align: 8
            fields:
              - { c: family, type: __u16 }
              - { c: data, type: char, count: 126 }
          after:
            fields:
              - { c: s, type: struct storage, kind: sockaddr }
              - { c: flags, type: __u8 }
        cmsgs:
          - { level: SOL_TEST, type: CM_U16, payload: u16 }
        """;

    [Fact]
    public void AlignRaisesTheAlignmentAndRoundsTheSize()
    {
        var index = IndexBuilder.Build(new[] { SpecParser.Parse("/spec/t.yaml", Spec) });
        Assert.Empty(index.Diagnostics);
        var storage = index.Structs.Single(s => s.Tag == "storage");
        // The members alone give 128 bytes aligned to 2; align: 8 makes it 8 (as the kernel's union with a pointer does).
        Assert.Equal(128, storage.Size);
        Assert.Equal(8, storage.Align);
        var after = index.Structs.Single(s => s.Tag == "after");
        Assert.Equal(128, after.Fields.Single(f => f.Field.CName == "flags").Offset);
        Assert.Equal(136, after.Size); // 129 bytes rounded up to the nested struct's alignment of 8
        Assert.Equal(8, after.Align);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData("128")]
    [InlineData("eight")]
    public void AlignMustBeAPowerOfTwoUpTo64(string align)
    {
        var file = SpecParser.Parse("/spec/t.yaml", Spec.Replace("align: 8", "align: " + align, System.StringComparison.Ordinal));
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal("UCS006", d.Id);
        Assert.Contains("align must be a power of two", d.Message, System.StringComparison.Ordinal);
        Assert.DoesNotContain(file.Structs, s => s.Tag == "storage");
    }

    [Fact]
    public void U16PayloadUsesTheUInt16CodecAndCompiles()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("t.yaml", Spec) }, "Spec.U16AndAlign");
        Assert.Empty(run.Diagnostics);
        var cmsgs = run.Results.Single().GeneratedSources.Single(s => s.HintName == "t.Cmsgs.g.cs").SourceText.ToString();
        Assert.Contains("global::UcSocket.ControlMessageType<ushort> CmU16 = new(\"CM_U16\", 300, 8, global::UcSocket.Marshalling.ValueCodecs.UInt16);", cmsgs, System.StringComparison.Ordinal);
        var problems = GeneratorHarness.Compile(run.Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, string.Join("\n", problems));
    }
}
