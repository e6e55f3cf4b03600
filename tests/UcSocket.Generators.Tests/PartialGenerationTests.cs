using System;
using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// A YAML error costs only what it cuts: the entries before it are still generated, so the one real error is what
/// the build shows, not a cascade of missing names.
/// </summary>
public class PartialGenerationTests
{
    private const string Spec = """
        constants:
          SOL:
            SOL_FZ: 300
          FZ:
            FZ_A: 1
            FZ_B: 2
        structs:
          pair:
            fields:
              - { c: a, type: int }
              - { c: b, type: int }
        options:
          - { level: SOL_FZ, name: FZ_A, type: struct pair }
          - { level: SOL_FZ, name: FZ_B, type: int
          - { level: SOL_FZ, name: FZ_C, type: int }
        """;

    [Fact]
    public void EntriesBeforeASyntaxErrorAreStillGenerated()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("partial.yaml", Spec) }, "Spec.Partial");

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("UCS001", d.Id);
        Assert.Equal(15, d.Location.GetLineSpan().StartLinePosition.Line + 1); // where YamlDotNet's scanner stopped
        Assert.Contains("the '{' at line 14, column 5 is not closed", d.GetMessage());
        var sources = run.Results.Single().GeneratedSources;
        var options = sources.Single(s => s.HintName == "partial.Options.g.cs").SourceText.ToString();
        Assert.Contains("FzA = new(\"FZ_A\", 300, 1,", options);
        Assert.DoesNotContain("FZ_B\"", options); // cut short by the error: left out, not guessed
        Assert.Contains("record struct Pair", sources.Single(s => s.HintName == "partial.Structs.g.cs").SourceText.ToString());
        Assert.Contains("public const int FZ_B = 2;", sources.Single(s => s.HintName == "partial.Constants.g.cs").SourceText.ToString());
        Assert.Empty(GeneratorHarness.Compile(sources));
    }

    [Fact]
    public void NamesAfterTheErrorAreNotReportedAsUnknown()
    {
        // FZ_LATE is defined after the error, so the option cannot resolve it; the syntax error explains that.
        var yaml = "options:\n  - { level: SOL_FZ, name: FZ_LATE, type: int }\nconstants:\n  SOL:\n    SOL_FZ: 300\n  FZ: { FZ_LATE: [1\n";
        var run = GeneratorHarness.Run("late.yaml", yaml);

        Assert.Equal(new[] { "UCS001" }, run.Diagnostics.Select(d => d.Id));
    }
}
