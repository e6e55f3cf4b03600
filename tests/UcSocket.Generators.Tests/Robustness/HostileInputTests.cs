using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace UcSocket.Generators.Tests.Robustness;

/// <summary>
/// Inputs that once crashed the compiler, hung it, reported UCS008 or at a wrong place, or were accepted and then
/// generated C# that does not compile. Each now gets a diagnostic at the place of the mistake, or compiles.
/// Every test also holds the input to the whole contract (<see cref="SpecOracle"/>).
/// </summary>
public class HostileInputTests
{
    private const string Path = "/fuzz/input.yaml";

    /// <summary>Constants and structs the entries below lean on.</summary>
    private const string Base = """
        constants:
          SOL:
            SOL_FZ: 400
          FZ:
            FZ_A: 1
            FZ_B: 2
          AF:
            AF_FZ: 250
            AF__FZ: 251
            AF_BIG: 70000

        """;

    private static (GeneratorDriverRunResult Run, Verdict Verdict) Check(string yaml)
    {
        var verdict = SpecOracle.Check(new[] { (Path, yaml) }, TimeSpan.FromSeconds(10));
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text(Path, yaml) }, SpecOracle.Namespace);
        return (run, verdict);
    }

    /// <summary>Asserts the input is refused with <paramref name="id"/> at the 1-based line (and column) given, and returns that diagnostic.</summary>
    private static Diagnostic Refused(string yaml, string id, int line, int? column = null)
    {
        var (run, verdict) = Check(yaml);
        Assert.Equal(Verdict.Rejected, verdict);
        var d = run.Diagnostics.FirstOrDefault(x => x.Id == id);
        Assert.True(d is not null, $"no {id} among: {string.Join("\n", run.Diagnostics)}");
        var at = d!.Location.GetLineSpan().StartLinePosition;
        Assert.Equal(line, at.Line + 1);
        if (column is not null) Assert.Equal(column.Value, at.Character + 1);
        return d;
    }

    /// <summary>As above, at the line of the first occurrence of <paramref name="marker"/>.</summary>
    private static Diagnostic Refused(string yaml, string id, string marker) => Refused(yaml, id, LineOf(yaml, marker));

    private static GeneratorDriverRunResult Compiles(string yaml)
    {
        var (run, verdict) = Check(yaml);
        Assert.Equal(Verdict.Compiled, verdict);
        return run;
    }

    private static int LineOf(string text, string marker) => text[..text.IndexOf(marker, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    // ---- limits before work ----------------------------------------------------------------------------------

    [Fact]
    public void DeeplyNestedFlowMappingsAreRefusedAtTheLimit()
    {
        var yaml = "structs:\n  x: " + string.Concat(Enumerable.Repeat("{a: ", 16000));
        var d = Refused(yaml, "UCS010", 2);
        Assert.Contains("nested 33 levels deep", d.GetMessage());
    }

    [Theory]
    [InlineData(40000)]
    [InlineData(20000)]
    public void DeeplyNestedSequencesAreRefusedQuickly(int depth)
    {
        var watch = Stopwatch.StartNew();
        Refused("constants: " + new string('[', depth), "UCS010", 1, 11 + 32);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void AliasesAreRefusedBeforeTheyGrow()
    {
        var lines = new System.Text.StringBuilder("a0: &a0 [x, x, x]\n");
        for (int i = 1; i <= 14; i++) lines.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        lines.Append("structs: { ? *a14 : 1, ? *a14 : 2 }\n");
        var yaml = lines.ToString();
        var watch = Stopwatch.StartNew();
        var d = Refused(yaml, "UCS011", 2, LineOf(yaml, "*a0") == 2 ? yaml.Split('\n')[1].IndexOf("*a0", StringComparison.Ordinal) + 1 : null);
        Assert.Contains("*a0", d.GetMessage());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void AnOversizedFileIsRefusedWithoutBeingRead()
    {
        var yaml = "constants:\n  FZ:\n" + string.Concat(Enumerable.Range(0, 60000).Select(i => $"    FZ_{i:D6}: {i}\n"));
        Assert.True(yaml.Length > Parsing.Limits.MaxFileChars);
        var d = Refused(yaml, "UCS010", yaml[..Parsing.Limits.MaxFileChars].Count(c => c == '\n') + 1);
        Assert.Contains("characters per file", d.GetMessage());
    }

    [Fact]
    public void AnOversizedScalarIsRefused() =>
        Refused(Base + "options:\n  - { level: SOL_FZ, name: FZ_A, type: int, doc: \"" + new string('x', 5000) + "\" }\n", "UCS010", "name: FZ_A");

    [Fact]
    public void ASecondDocumentIsReported() =>
        Refused(Base + "---\nconstants:\n  FZ:\n    FZ_C: 3\n", "UCS011", "---");

    // ---- YAML errors are UCS001 at YamlDotNet's position ----------------------------------------------------

    [Fact]
    public void AnUnclosedFlowMappingAtTheEndOfAFileWithoutNewlineIsReportedOnItsLastLine() =>
        Refused("      - { c", "UCS001", 1, 12);

    [Fact]
    public void AScannerStateFailureIsUcs001AtTheScannersPosition()
    {
        var d = Refused("      - { c: fam, namcts:\n fz_sa:\n", "UCS001", 2);
        Assert.Contains("'{' at line 1, column 9 is not closed", d.GetMessage());
    }

    [Fact]
    public void AKeyWithoutANameIsUcs001() => Refused("  AF:\n    :\n", "UCS001", 3);

    [Fact]
    public void DuplicateKeysPointAtTheSecondAndTheFirst()
    {
        var yaml = Base.Replace("    FZ_B: 2\n", "    FZ_B: 2\n    FZ_B: 3\n");
        var d = Refused(yaml, "UCS001", LineOf(yaml, "FZ_B: 3"));
        Assert.Equal(LineOf(yaml, "FZ_B: 2"), Assert.Single(d.AdditionalLocations).GetLineSpan().StartLinePosition.Line + 1);
    }

    // ---- text lands escaped, names are checked --------------------------------------------------------------

    [Theory]
    [InlineData("a\\nb")]
    [InlineData("a\\rb")]
    [InlineData("a\\u2028b\\u2029c\\u0085d")]
    [InlineData("nul \\0 and & and <tag> and \\\" and \\\\")]
    public void DocTextOfAnyKindCompiles(string doc)
    {
        var run = Compiles(Base + $"structs:\n  fz_s:\n    doc: \"{doc}\"\n    fields:\n      - {{ c: a, type: int }}\n"
            + $"options:\n  - {{ level: SOL_FZ, name: FZ_A, type: struct fz_s, doc: \"{doc}\" }}\n"
            + $"cmsgs:\n  - {{ level: SOL_FZ, type: FZ_B, payload: int, doc: \"{doc}\" }}\n").Results.Single();
        Assert.NotEmpty(run.GeneratedSources);
    }

    [Fact]
    public void ALineBreakInSinceIsRefused() =>
        Refused(Base.Replace("FZ_A: 1", "FZ_A: { value: 1, since: \"6.5\\n// x\" }"), "UCS006", "FZ_A");

    [Fact]
    public void ALineBreakInACtypeIsWhiteSpace() =>
        Compiles(Base + "structs:\n  fz_s:\n    ctype: \"struct\\nfz_s\"\n    fields:\n      - { c: a, type: int }\n");

    [Fact]
    public void ALineBreakInAGroupNameIsRefused() =>
        Refused("constants:\n  \"FZ\\nX\":\n    FZ_A: 1\n", "UCS006", 2);

    [Fact]
    public void AQuoteInAFieldNameIsRefused() =>
        Refused(Base + "structs:\n  fz_s:\n    fields:\n      - { c: a, name: \"\\\"\", type: int }\n", "UCS006", "c: a");

    [Fact]
    public void AKeywordConstantIsEscaped()
    {
        var run = Compiles("constants:\n  KW:\n    class: 1\n    int: 2\n");
        Assert.Contains("public const int @class = 1;", run.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith("Constants.g.cs")).SourceText.ToString());
    }

    [Theory]
    [InlineData("int")]
    [InlineData("var")]
    [InlineData("required")]
    [InlineData("file")]
    [InlineData("scoped")]
    [InlineData("record")]
    [InlineData("lower")]
    public void KeywordAndLowerCaseStructTypesAreRefused(string type) =>
        Refused(Base + $"structs:\n  fz_s:\n    type: {type}\n    fields:\n      - {{ c: a, type: int }}\n", "UCS006", "    type:");

    [Theory]
    [InlineData("1X")]
    [InlineData("a-b")]
    [InlineData("this")]
    [InlineData("ref")]
    [InlineData("GetType")]
    [InlineData("Equals")]
    public void PropertiesThatAreNoCSharpNamesAreRefused(string property)
    {
        Refused(Base + $"structs:\n  fz_s:\n    fields:\n      - {{ c: a, property: \"{property}\", type: int }}\n", "UCS006", "property:");
        Refused(Base + $"options:\n  - {{ level: SOL_FZ, name: FZ_A, type: int, property: \"{property}\" }}\n", "UCS006", "property:");
    }

    [Fact]
    public void MembersNamedLikeTheirGeneratedClassAreRefused()
    {
        Refused("constants:\n  FZ:\n    Sockets: 113\n", "UCS006", "Sockets");
        Refused(Base + "options:\n  - { level: SOL_FZ, name: FZ_A, type: int, property: SockOpt }\n", "UCS006", "property: SockOpt");
        Refused(Base + "cmsgs:\n  - { level: SOL_FZ, type: FZ_A, payload: int, property: Cmsg }\n", "UCS006", "property: Cmsg");
    }

    [Theory]
    [InlineData("sock_opt")]
    [InlineData("sockets")]
    [InlineData("cmsg")]
    public void StructsNamedLikeTheGeneratedClassesAreRefused(string tag) =>
        Refused(Base + $"structs:\n  {tag}:\n    fields:\n      - {{ c: a, type: int }}\n", "UCS006", $"  {tag}:");

    [Fact]
    public void FamiliesWhoseCSharpNamesMeetAfterCasingAreReportedAtBoth()
    {
        var yaml = Base + "structs:\n  sockaddr_fz:\n    fields:\n      - { c: f, name: family, type: __u16 }\n"
            + "families:\n  - { family: AF_FZ, struct: sockaddr_fz }\n  - { family: AF__FZ, struct: sockaddr_fz }\n";
        var d = Refused(yaml, "UCS007", LineOf(yaml, "family: AF__FZ"));
        Assert.Contains("AfFzFamily", d.GetMessage());
        Assert.Equal(LineOf(yaml, "family: AF_FZ,"), Assert.Single(d.AdditionalLocations).GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void AFieldNamedLikeItsStructIsRefused() =>
        Refused(Base + "structs:\n  data:\n    fields:\n      - { c: data, type: int }\n", "UCS006", "c: data");

    [Fact]
    public void AFieldNamedLikeAGeneratedMemberIsRefused() =>
        Refused(Base + "structs:\n  fz_s:\n    fields:\n      - { c: Read, type: int }\n", "UCS006", "c: Read");

    [Fact]
    public void AnArrayFieldBesideAFieldNamedLikeItsArrayTypeIsReportedAtBoth()
    {
        var yaml = Base + "structs:\n  fz_s:\n    fields:\n      - { c: x, type: int, count: 2 }\n      - { c: x_array, type: int }\n";
        var d = Refused(yaml, "UCS007", LineOf(yaml, "c: x_array"));
        Assert.Equal(LineOf(yaml, "c: x,"), Assert.Single(d.AdditionalLocations).GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void AFieldNamedLikeAnotherStructsTypeCompiles() =>
        Compiles(Base + "structs:\n  inner:\n    fields:\n      - { c: a, type: int }\n  outer:\n    fields:\n"
            + "      - { c: x, type: struct inner }\n      - { c: inner, type: int }\n      - { c: y, type: struct inner, count: 2 }\n"
            + "options:\n  - { level: SOL_FZ, name: FZ_A, type: struct outer }\n");

    // ---- numbers fit where they land ------------------------------------------------------------------------

    [Theory]
    [InlineData("options:\n  - { level: SOL_FZ, name: FZ_WIDE, type: int }\n")]
    [InlineData("options:\n  - { level: FZ_WIDE, name: FZ_A, type: int }\n")]
    [InlineData("cmsgs:\n  - { level: SOL_FZ, type: FZ_WIDE, payload: int }\n")]
    public void ConstantsBeyondIntAreRefusedAsOptionAndCmsgNumbers(string entry)
    {
        var yaml = Base.Replace("    FZ_B: 2\n", "    FZ_B: 2\n    FZ_WIDE: 0x100000000\n") + entry;
        var d = Refused(yaml, "UCS006", LineOf(yaml, entry.Split('\n')[1]));
        Assert.Contains("4294967296", d.GetMessage());
    }

    [Fact]
    public void AFamilyValueThatDoesNotFitItsFieldIsRefused() =>
        Refused(Base + "structs:\n  sockaddr_fz:\n    fields:\n      - { c: f, name: family, type: __u8 }\n"
            + "families:\n  - { family: AF_BIG, struct: sockaddr_fz }\n", "UCS006", "family: AF_BIG");

    [Theory]
    [InlineData("{ c: p, name: port, type: struct in_addr }")]
    [InlineData("{ c: p, name: port, type: __u64 }")]
    [InlineData("{ c: p, name: address, type: int }")]
    [InlineData("{ c: p, name: interface, type: int }")]
    [InlineData("{ c: p, name: path, type: char, count: 4 }")]
    public void FamilyFieldsThatTheCodecCannotConvertAreRefused(string field) =>
        Refused(Base + $"structs:\n  sockaddr_fz:\n    fields:\n      - {{ c: f, name: family, type: __u16 }}\n      - {field}\n"
            + "families:\n  - { family: AF_FZ, struct: sockaddr_fz }\n", "UCS006", "family: AF_FZ");

    [Fact]
    public void AHardwareAddressWithoutALengthMemberCompiles() =>
        Compiles(Base + "structs:\n  sockaddr_fz:\n    fields:\n      - { c: f, name: family, type: __u16 }\n"
            + "      - { c: a, name: address, type: __u8, count: 6, kind: hwaddr }\n"
            + "families:\n  - { family: AF_FZ, struct: sockaddr_fz }\n");

    [Fact]
    public void StructsLargerThanTheLimitAreRefused()
    {
        Refused(Base + "structs:\n  fz_s:\n    fields:\n      - { c: a, type: __u64, count: 65536 }\n", "UCS006", "c: a");
        // Nesting multiplies: 4 GiB, once silently size 0.
        var yaml = Base + "structs:\n  fz_a:\n    fields:\n      - { c: a, type: __u8, count: 65536 }\n"
            + "  fz_b:\n    fields:\n      - { c: b, type: struct fz_a, count: 65536 }\n";
        var d = Refused(yaml, "UCS006", LineOf(yaml, "c: b,"));
        Assert.Contains("bytes", d.GetMessage());
    }

    [Fact]
    public void StructsContainingThemselvesAreReportedEachAtTheMemberThatClosesTheCycle()
    {
        var ring = string.Concat(Enumerable.Range(0, 50).Select(i => $"  s{i}:\n    fields:\n      - {{ c: x{i}, type: struct s{(i + 1) % 50} }}\n"));
        var yaml = "headers: [x.h]\nstructs:\n" + ring + "  self:\n    fields:\n      - { c: me, type: struct self }\n";
        var run = Check(yaml).Run;
        var lines = run.Diagnostics.Where(d => d.Id == "UCS006").Select(d => d.Location.GetLineSpan().StartLinePosition.Line + 1).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => LineOf(yaml, $"c: x{i},")).Append(LineOf(yaml, "c: me")).Order(), lines);
    }

    [Fact]
    public void ALongChainOfStructsIsLaidOutWithoutRecursion()
    {
        // Deeper than any stack would allow one frame per struct; refused by the nesting limit, quickly.
        var chain = string.Concat(Enumerable.Range(0, 20000).Select(i => $"  s{i}:\n    fields:\n      - {{ c: x, type: {(i == 19999 ? "int" : $"struct s{i + 1}")} }}\n"));
        var watch = Stopwatch.StartNew();
        var run = Check("headers: [x.h]\nstructs:\n" + chain).Run;
        Assert.Contains(run.Diagnostics, d => d.Id == "UCS010");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }

    [Fact]
    public void DeeplyNestedStructsAreRefusedAtTheNestingLimit()
    {
        var chain = string.Concat(Enumerable.Range(0, 40).Select(i => $"  s{i}:\n    fields:\n      - {{ c: x, type: {(i == 39 ? "int" : $"struct s{i + 1}")} }}\n"));
        var run = Check("headers: [x.h]\nstructs:\n" + chain).Run;
        Assert.Contains(run.Diagnostics, d => d.Id == "UCS010" && d.GetMessage().Contains("17 levels deep"));
    }

    // ---- empty files ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("headers: [sys/socket.h]\n")]
    public void AFileThatDefinesNothingIsAWarning(string yaml)
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text(Path, yaml) }, SpecOracle.Namespace);
        var d = Assert.Single(run.Diagnostics);
        Assert.Equal(("UCS009", DiagnosticSeverity.Warning), (d.Id, d.Severity));
        Assert.Equal(0, d.Location.GetLineSpan().StartLinePosition.Line);
    }
}
