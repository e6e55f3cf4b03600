using System.IO;
using System.Text.RegularExpressions;
using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>The bounds spec/README.md documents are the ones the generator enforces.</summary>
public class LimitsDocumentationTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(GeneratorHarness.RepoRoot, "spec", "README.md"));

    [Theory]
    [InlineData("characters in a file", Limits.MaxFileChars)]
    [InlineData("nesting of mappings and sequences", Limits.MaxDepth)]
    [InlineData("characters in a value", Limits.MaxScalarChars)]
    [InlineData("characters in a key", Limits.MaxKeyChars)]
    [InlineData("fields of a struct", Limits.MaxFields)]
    [InlineData("`count` of an array, explicit `offset`", Limits.MaxCount)]
    [InlineData("bytes of a struct, trailing fields included", Limits.MaxStructSize)]
    [InlineData("structs nested in structs", Limits.MaxStructNesting)]
    [InlineData("diagnostics reported for one file", Limits.MaxDiagnosticsPerFile)]
    [InlineData("characters of a diagnostic message", Limits.MaxMessageChars)]
    public void TheReadmeStatesTheLimit(string what, int limit)
    {
        var row = Regex.Match(Readme, "^\\| " + Regex.Escape(what) + " \\| ([0-9,]+)", RegexOptions.Multiline);
        Assert.True(row.Success, $"spec/README.md has no Limits row '{what}'");
        Assert.Equal(limit, int.Parse(row.Groups[1].Value.Replace(",", "")));
    }
}
