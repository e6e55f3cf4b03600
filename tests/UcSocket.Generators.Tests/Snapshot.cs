using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.CodeAnalysis;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Compares a generator run with the checked-in snapshots in <c>Snapshots/</c>, named as Verify.SourceGenerators
/// names them: <c>{TestClass}.{Test}#{HintName without .cs}.verified.cs</c> per generated source and
/// <c>{TestClass}.{Test}.diagnostics.verified.txt</c> when the run reported diagnostics. The comparison itself
/// (received files, diffs, stale files, <c>UPDATE_SNAPSHOTS=1</c>) is <see cref="SnapshotFiles"/>'s. A run in which
/// the generator failed never matches.
/// </summary>
internal static class Snapshot
{
    public static string Directory => Path.Combine(GeneratorHarness.RepoRoot, "tests", "UcSocket.Generators.Tests", "Snapshots");

    public static void Verify<TTest>(GeneratorDriverRunResult run, [CallerMemberName] string test = "") =>
        Verify(run, typeof(TTest).Name + "." + test, Directory, SnapshotFiles.Updating);

    /// <summary>Compares <paramref name="run"/> with the snapshots named <c>{prefix}#...</c> in <paramref name="directory"/>.</summary>
    public static void Verify(GeneratorDriverRunResult run, string prefix, string directory, bool update)
    {
        var failures = new List<string>();
        foreach (var result in run.Results.Where(r => r.Exception is not null))
            failures.Add($"the generator threw: {result.Exception}");
        foreach (var d in run.Diagnostics.Where(d => d.Id is "CS8785" or "UCS008"))
            failures.Add($"the generator failed: {d}");
        if (failures.Count > 0) Assert.Fail(string.Join("\n", failures));

        var actual = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in run.Results.SelectMany(r => r.GeneratedSources))
        {
            var hint = source.HintName.EndsWith(".cs", StringComparison.Ordinal) ? source.HintName[..^3] : source.HintName;
            actual[$"{prefix}#{hint}.verified.cs"] = source.SourceText.ToString();
        }
        if (!run.Diagnostics.IsEmpty)
            actual[$"{prefix}.diagnostics.verified.txt"] = FormatDiagnostics(run.Diagnostics);

        SnapshotFiles.Verify(actual, directory, update, name =>
            (name.StartsWith(prefix + "#", StringComparison.Ordinal) && name.EndsWith(".cs", StringComparison.Ordinal))
            || name.StartsWith(prefix + ".diagnostics.", StringComparison.Ordinal));
    }

    /// <summary>One line per diagnostic, ordered by place: <c>UCS005 Error socket.yaml(72,9): message</c>.</summary>
    public static string FormatDiagnostics(IEnumerable<Diagnostic> diagnostics)
    {
        var sb = new StringBuilder();
        foreach (var (d, span) in diagnostics.Select(d => (d, d.Location.GetLineSpan()))
                     .OrderBy(x => Path.GetFileName(x.Item2.Path), StringComparer.Ordinal)
                     .ThenBy(x => x.Item2.StartLinePosition)
                     .ThenBy(x => x.d.Id, StringComparer.Ordinal))
        {
            sb.Append(d.Id).Append(' ').Append(d.Severity);
            if (d.Location != Location.None)
                sb.Append(' ').Append(Path.GetFileName(span.Path))
                  .Append('(').Append(span.StartLinePosition.Line + 1).Append(',').Append(span.StartLinePosition.Character + 1).Append(')');
            sb.Append(": ").Append(SnapshotFiles.Normalize(d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }
}
