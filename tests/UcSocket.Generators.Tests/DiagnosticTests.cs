using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// A broken spec is a compiler error at the file and line of the broken entry, never a generator exception.
/// Expected lines are found in the YAML text by a marker, so they follow the text, not the implementation.
/// </summary>
public class DiagnosticTests
{
    private const string Path1 = "/spec/one.yaml";
    private const string Path2 = "/spec/two.yaml";

    private const string Base = """
        constants:
          SOL:
            SOL_SOCKET: 1
          SO:
            SO_A: 10
            SO_B: 11
            SO_ALIAS: 10
          SCM:
            SCM_A: 1
          AF:
            AF_X: 99
        structs:
          point:
            fields:
              - { c: x, type: int }
          pair:
            fields:
              - { c: first, type: int }
              - { c: second, type: int }

        """;

    [Fact]
    public void UCS001_YamlSyntaxError()
    {
        var yaml = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int }\n  - level: SOL_SOCKET\n    name: SO_B: int\n";

        AssertOne(Run(yaml), "UCS001", Path1, LineOf(yaml, "name: SO_B: int"));
    }

    [Fact]
    public void UCS001_UnterminatedFlowMapping()
    {
        var yaml = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int\n";

        var d = AssertOne(Run(yaml), "UCS001", Path1, null);
        Assert.InRange(Line(d), LineOf(yaml, "name: SO_A"), LineOf(yaml, "name: SO_A") + 1);
    }

    [Fact]
    public void UCS001_TabIndentation()
    {
        var yaml = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int }\n\t- { level: SOL_SOCKET, name: SO_B, type: int }\n";

        var d = AssertOne(Run(yaml), "UCS001", Path1, LineOf(yaml, "name: SO_B"));
        Assert.Equal(0, d.Location.GetLineSpan().StartLinePosition.Character);
    }

    [Fact]
    public void UCS001_DuplicateKey()
    {
        var yaml = Base.Replace("    SO_B: 11\n", "    SO_B: 11\n    SO_B: 12\n");

        AssertOne(Run(yaml), "UCS001", Path1, LineOf(yaml, "SO_B: 12"));
    }

    [Theory]
    [InlineData("  - { c: third, type: struct nosuch }", "struct nosuch")]
    [InlineData("  - { c: third, type: float }", "type: float")]
    public void UCS002_UnknownFieldType(string field, string marker)
    {
        var yaml = Base.Replace("      - { c: second, type: int }\n", "      - { c: second, type: int }\n    " + field + "\n");

        var d = AssertOne(Run(yaml), "UCS002", Path1, LineOf(yaml, marker));
        Assert.Contains("third", d.GetMessage());
    }

    [Theory]
    [InlineData("type: float", "float")]
    [InlineData("type: struct nosuch", "struct nosuch")]
    [InlineData("get: int, set: struct nosuch", "struct nosuch")]
    public void UCS002_UnknownOptionKind(string kind, string named)
    {
        var yaml = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int }\n  - { level: SOL_SOCKET, name: SO_B, " + kind + " }\n";

        var d = AssertOne(Run(yaml), "UCS002", Path1, LineOf(yaml, "name: SO_B"));
        Assert.Contains(named, d.GetMessage());
    }

    [Fact]
    public void UCS002_UnknownCmsgPayloadStruct()
    {
        var yaml = Base + "cmsgs:\n  - { level: SOL_SOCKET, type: SCM_A, payload: struct nosuch }\n";

        AssertOne(Run(yaml), "UCS002", Path1, LineOf(yaml, "payload: struct nosuch"));
    }

    [Theory]
    [InlineData("options:\n  - { level: SOL_NOPE, name: SO_A, type: int }\n", "SOL_NOPE")]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_NOPE, type: int }\n", "SO_NOPE")]
    [InlineData("cmsgs:\n  - { level: SOL_SOCKET, type: SCM_NOPE, payload: int }\n", "SCM_NOPE")]
    [InlineData("families:\n  - { family: AF_NOPE, struct: pair }\n", "AF_NOPE")]
    public void UCS003_UnknownConstant(string entries, string name)
    {
        var yaml = Base + entries;

        var d = AssertOne(Run(yaml), "UCS003", Path1, LineOf(yaml, name));
        Assert.Contains("'" + name + "'", d.GetMessage());
    }

    [Theory]
    [InlineData("SO_A")]
    [InlineData("SO_ALIAS")] // same number as SO_A: the kernel sees the same option
    public void UCS004_DuplicateOption(string second)
    {
        var yaml = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int }\n  - { level: SOL_SOCKET, name: " + second + ", type: bool, property: Again }\n";

        AssertOne(Run(yaml), "UCS004", Path1, LineOf(yaml, "property: Again"));
    }

    [Fact]
    public void UCS004_DuplicateOptionAcrossFiles()
    {
        var one = Base + "options:\n  - { level: SOL_SOCKET, name: SO_A, type: int }\n";
        var two = "options:\n  - { level: SOL_SOCKET, name: SO_B, type: int }\n  - { level: SOL_SOCKET, name: SO_A, type: bool, property: Again }\n";

        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text(Path2, two), GeneratorHarness.Text(Path1, one) });

        var d = AssertOne(run, "UCS004", Path2, LineOf(two, "property: Again"));
        Assert.Contains("one.yaml:" + LineOf(one, "name: SO_A"), d.GetMessage());
    }

    [Fact]
    public void UCS005_FieldWithoutType()
    {
        var yaml = Base.Replace("{ c: second, type: int }", "{ c: second, name: other }");

        var d = AssertOne(Run(yaml), "UCS005", Path1, LineOf(yaml, "c: second"));
        Assert.Contains("second", d.GetMessage());
    }

    [Theory]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_A, type: int, colour: red }\n", "colour")]
    [InlineData("options:\n  - { level: SOL_SOCKET, type: int }\n", "level: SOL_SOCKET, type: int")]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_A, type: int, access: sometimes }\n", "sometimes")]
    [InlineData("colours: [red]\n", "colours")]
    public void UCS006_InvalidEntry(string entries, string marker)
    {
        var yaml = Base + entries;

        AssertOne(Run(yaml), "UCS006", Path1, LineOf(yaml, marker));
    }

    [Theory]
    [InlineData("  - { c: many, type: struct point, count: 2, kind: ipv4 }")]
    [InlineData("  - { c: many, type: struct pair }")]
    [InlineData("  - { c: many, type: struct in_addr, offset: 0 }")]
    [InlineData("  - { c: many, type: int, offset: 2 }")]
    [InlineData("  - { c: many, type: __u8, bits: 3, offset: 0 }")]
    [InlineData("  - { c: many, type: int, trailing: maybe }")]
    [InlineData("  - { c: many, type: int, count: 2, length: first }")]
    [InlineData("  - { c: many, type: __u8, bits: 9 }")]
    [InlineData("  - { c: many, type: int, kind: ipv4 }")]
    [InlineData("  - { c: many, type: int, kind: bytes }")]
    [InlineData("  - { c: many, type: __u8, count: 4, kind: path, length: first }")]
    [InlineData("  - { c: many, type: __u8, count: 4, kind: hwaddr, length: nowhere }")]
    [InlineData("  - { c: many, type: int, order: little }")]
    public void UCS006_InvalidField(string field)
    {
        var yaml = Base.Replace("      - { c: second, type: int }\n", "      - { c: second, type: int }\n    " + field + "\n");

        AssertOne(Run(yaml), "UCS006", Path1, LineOf(yaml, "c: many"));
    }

    [Fact]
    public void UCS006_MemberAfterATrailingField()
    {
        var yaml = Base.Replace("      - { c: second, type: int }\n",
            "      - { c: second, type: int }\n      - { c: tail, type: int, trailing: true }\n      - { c: many, type: int }\n");

        AssertOne(Run(yaml), "UCS006", Path1, LineOf(yaml, "c: many"));
    }

    [Fact]
    public void UCS006_ConstantThatIsNotANumber()
    {
        var yaml = Base.Replace("SO_B: 11", "SO_B: eleven");

        AssertOne(Run(yaml), "UCS006", Path1, LineOf(yaml, "SO_B: eleven"));
    }

    [Theory]
    [InlineData("constants:\n  SO:\n    SO_A: 10\n", "SO_A")]
    [InlineData("structs:\n  pair:\n    fields:\n      - { c: only, type: int }\n", "pair:")]
    public void UCS007_DuplicateDefinitionAcrossFiles(string two, string marker)
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text(Path1, Base), GeneratorHarness.Text(Path2, two) });

        var d = AssertOne(run, "UCS007", Path2, LineOf(two, marker));
        Assert.Contains("one.yaml:" + LineOf(Base, marker), d.GetMessage());
    }

    [Fact]
    public void UCS007_DuplicateField()
    {
        var yaml = Base.Replace("{ c: second, type: int }", "{ c: first, property: Second, type: int }");

        AssertOne(Run(yaml), "UCS007", Path1, LineOf(yaml, "property: Second"));
    }

    [Fact]
    public void TheRealSpecHasNoDiagnostics()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.RealSpec());

        AssertNoGeneratorFailure(run);
        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void TheRealSpecWithoutTheTypeOfALingerFieldReportsUCS005There()
    {
        var texts = GeneratorHarness.RealSpec();
        var socket = texts.Single(t => Path.GetFileName(t.Path) == "socket.yaml");
        var text = socket.GetText()!.ToString();
        var line = LineOf(text, "c: l_onoff");
        var lines = text.Split('\n');
        Assert.Contains(", type: int", lines[line - 1]);
        Assert.Contains("linger:", lines[line - 4]); // the first field of struct linger, under its doc and fields keys
        lines[line - 1] = lines[line - 1].Replace(", type: int", "");
        var broken = texts.Replace(socket, new GeneratorHarness.SpecText(socket.Path, string.Join('\n', lines)));

        var run = GeneratorHarness.Run(broken);

        var d = AssertOne(run, "UCS005", socket.Path, line);
        Assert.Contains("l_onoff", d.GetMessage());
    }

    private static GeneratorDriverRunResult Run(string yaml) => GeneratorHarness.Run(new[] { GeneratorHarness.Text(Path1, yaml) });

    /// <summary>Asserts that the run reported exactly one diagnostic, an error with this id, file and 1-based line.</summary>
    private static Diagnostic AssertOne(GeneratorDriverRunResult run, string id, string path, int? line)
    {
        AssertNoGeneratorFailure(run);
        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(id, d.Id);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(path, d.Location.GetLineSpan().Path);
        if (line is not null) Assert.Equal(line.Value, Line(d));
        Assert.False(string.IsNullOrWhiteSpace(d.GetMessage()));
        return d;
    }

    private static void AssertNoGeneratorFailure(GeneratorDriverRunResult run)
    {
        var result = Assert.Single(run.Results);
        Assert.Null(result.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id is "UCS008" or "CS8785");
    }

    private static int Line(Diagnostic d) => d.Location.GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The 1-based line of the first line of <paramref name="text"/> that contains <paramref name="marker"/>.</summary>
    private static int LineOf(string text, string marker)
    {
        var lines = text.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{marker}' is not in the spec text");
        return index + 1;
    }
}
