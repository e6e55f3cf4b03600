using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>One spec file as text: its path and its YAML.</summary>
public sealed record SpecText(string Path, string Text);

/// <summary>Reads the repository's spec files and runs them through the generator's parser and index builder.</summary>
public static class RepoSpec
{
    /// <summary>The directory holding UcSocket.Gen.sln, found by walking up from the test assembly.</summary>
    public static string FindRepoRoot() => UcSocket.Testing.RepoPaths.Root;

    /// <summary>Every spec file the library's build hands to the generator (spec/**/*.yaml and *.yml), in path order.</summary>
    public static IReadOnlyList<SpecText> ReadAll()
    {
        var dir = Path.Combine(FindRepoRoot(), "spec");
        return Directory.EnumerateFiles(dir, "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new SpecText(p, File.ReadAllText(p)))
            .ToList();
    }

    /// <summary>Parses each text as the generator does.</summary>
    public static IReadOnlyList<ParsedSpec> Parse(IEnumerable<SpecText> texts) =>
        texts.Select(t => SpecParser.Parse(t.Path, t.Text)).ToList();

    /// <summary>All diagnostics of the parsed files, the index built from them and each file resolved against it, as "file:line: id message".</summary>
    public static IReadOnlyList<string> Diagnostics(IReadOnlyList<ParsedSpec> parsed, SpecIndex index) =>
        DiagnosticReporter.Place(parsed.ToImmutableArray(), index.Diagnostics,
                parsed.Select(p => Resolver.Resolve(p.File, index).Diagnostics).ToImmutableArray(), default)
            .Select(d => $"{Path.GetFileName(d.Path)}:{(d.Pos?.StartLine ?? 0) + 1}: {d.Id} {DiagnosticReporter.Message(d)}")
            .ToList();
}
