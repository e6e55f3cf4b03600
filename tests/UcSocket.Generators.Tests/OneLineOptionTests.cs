using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// One entry adds an option: the file's default <c>level:</c> and a <c>value:</c> on the option or cmsg entry, which
/// defines the constant (still generated, and still checked against the headers: see MutatedSpecTests).
/// </summary>
public class OneLineOptionTests
{
    private const string Spec = """
        headers: [netinet/tcp.h]
        level: IPPROTO_FZ
        constants:
          IPPROTO:
            IPPROTO_FZ: 6
        options:
          - { name: FZ_LINGER2, value: 8, type: int }
          - { name: FZ_NEWER, value: 99, since: "6.9", type: bool, doc: "Newer than the headers." }
          - { level: IPPROTO_FZ, name: FZ_EXPLICIT, value: 9, type: uint }
        cmsgs:
          - { type: FZ_CM, value: 36, payload: int }
        """;

    private static string Source(Microsoft.CodeAnalysis.GeneratorDriverRunResult run, string hint) =>
        run.Results.Single().GeneratedSources.Single(s => s.HintName == hint).SourceText.ToString();

    [Fact]
    public void TheEntryDefinesItsConstantAndTakesTheFilesLevel()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("fz.yaml", Spec) }, "Spec.OneLine");

        Assert.Empty(run.Diagnostics);
        var constants = Source(run, "fz.Constants.g.cs");
        Assert.Contains("public const int FZ_LINGER2 = 8;", constants);
        Assert.Contains("/// <summary>Newer than the headers; Linux 6.9 or later.</summary>\n    public const int FZ_NEWER = 99;", constants);
        Assert.Contains("public const int FZ_CM = 36;", constants);
        var options = Source(run, "fz.Options.g.cs");
        Assert.Contains("FzLinger2 = new(\"FZ_LINGER2\", 6, 8, global::UcSocket.Marshalling.ValueCodecs.Int32, global::UcSocket.Marshalling.ValueCodecs.Int32);", options);
        Assert.Contains("FzExplicit = new(\"FZ_EXPLICIT\", 6, 9,", options);
        Assert.Contains("FzCm = new(\"FZ_CM\", 6, 36, global::UcSocket.Marshalling.ValueCodecs.Int32);", Source(run, "fz.Cmsgs.g.cs"));
        Assert.Empty(GeneratorHarness.Compile(run.Results.Single().GeneratedSources));
    }

    [Fact]
    public void AnInlineValueThatIsAlsoUnderConstantsIsADuplicate()
    {
        var yaml = Spec.Replace("    IPPROTO_FZ: 6\n", "    IPPROTO_FZ: 6\n  FZ:\n    FZ_LINGER2: 8\n");
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("fz.yaml", yaml) }, "Spec.OneLine");

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("UCS007", d.Id);
        Assert.Contains("constant FZ_LINGER2 is already defined at fz.yaml:", d.GetMessage());
    }

    [Theory]
    [InlineData("  - { name: FZ_X, type: int }", "the file a default 'level:'")]
    [InlineData("  - { level: IPPROTO_FZ, name: FZ_X, since: \"6.9\", type: int }", "'since' goes with 'value'")]
    [InlineData("  - { level: IPPROTO_FZ, name: FZ_X, value: eight, type: int }", "'value' is the constant's integer value")]
    public void MistakesAreReportedAtTheEntry(string entry, string message)
    {
        var yaml = "constants:\n  IPPROTO:\n    IPPROTO_FZ: 6\noptions:\n" + entry + "\n";
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("fz.yaml", yaml) }, "Spec.OneLine");

        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(("UCS006", 5), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1));
        Assert.Contains(message, d.GetMessage());
    }
}
