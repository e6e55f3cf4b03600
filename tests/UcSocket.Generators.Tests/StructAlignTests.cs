using System.Linq;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>The struct key <c>align</c>: a minimum alignment the members do not show.</summary>
public class StructAlignTests
{
    private const string Spec = """
        headers: [stdint.h]
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
        """;

    [Fact]
    public void AlignRaisesTheAlignmentAndRoundsTheSize()
    {
        var index = IndexBuilder.Build(new[] { SpecParser.Parse("/spec/t.yaml", Spec).File });
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
        var parsed = SpecParser.Parse("/spec/t.yaml", Spec.Replace("align: 8", "align: " + align, System.StringComparison.Ordinal));
        var d = Assert.Single(parsed.Diagnostics);
        Assert.Equal("UCS006", d.Id);
        Assert.Contains("align must be a power of two", string.Join(" ", d.Args), System.StringComparison.Ordinal);
        Assert.True(parsed.File.Structs.Single(s => s.Tag == "storage").Broken);
        Assert.DoesNotContain(IndexBuilder.Build(new[] { parsed.File }).Structs, s => s.Tag == "storage");
    }

    [Fact]
    public void AlignedStructsCompile()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("t.yaml", Spec) }, "Spec.StructAlign");
        Assert.Empty(run.Diagnostics);
        var problems = GeneratorHarness.Compile(run.Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, string.Join("\n", problems));
    }
}
