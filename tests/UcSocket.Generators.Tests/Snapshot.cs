using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.Renderer;
using Microsoft.CodeAnalysis;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Compares a generator run with the checked-in snapshots in <c>Snapshots/</c>, named as Verify.SourceGenerators
/// names them: <c>{TestClass}.{Test}#{HintName without .cs}.verified.cs</c> per generated source and
/// <c>{TestClass}.{Test}.diagnostics.verified.txt</c> when the run reported diagnostics.
/// A mismatch writes <c>*.received.*</c> beside the verified file and fails with a unified diff; a verified file
/// with no generated twin fails as stale. With <c>UPDATE_SNAPSHOTS=1</c> the verified files are rewritten (and
/// stale ones deleted) instead. A run in which the generator failed never matches.
/// </summary>
internal static class Snapshot
{
    public const string UpdateVariable = "UPDATE_SNAPSHOTS";

    public static string Directory => Path.Combine(GeneratorHarness.RepoRoot, "tests", "UcSocket.Generators.Tests", "Snapshots");

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static void Verify<TTest>(GeneratorDriverRunResult run, [CallerMemberName] string test = "") =>
        Verify(run, typeof(TTest).Name + "." + test, Directory, Updating);

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
            actual[$"{prefix}#{hint}.verified.cs"] = Normalize(source.SourceText.ToString());
        }
        if (!run.Diagnostics.IsEmpty)
            actual[$"{prefix}.diagnostics.verified.txt"] = FormatDiagnostics(run.Diagnostics);

        System.IO.Directory.CreateDirectory(directory);
        foreach (var (name, text) in actual)
        {
            var verifiedPath = Path.Combine(directory, name);
            var receivedPath = Received(verifiedPath);
            var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (verified == text)
            {
                File.Delete(receivedPath);
                continue;
            }
            if (update)
            {
                Write(verifiedPath, text);
                File.Delete(receivedPath);
                continue;
            }
            Write(receivedPath, text);
            failures.Add(verified is null
                ? $"{name}: no verified snapshot; the output is in {Path.GetFileName(receivedPath)}"
                : $"{name} differs from the output (written to {Path.GetFileName(receivedPath)}):\n" +
                  UnidiffRenderer.GenerateUnidiff(verified, text, "verified/" + name, "received/" + name, false, false, 3));
        }

        foreach (var path in System.IO.Directory.GetFiles(directory, prefix + "*"))
        {
            var name = Path.GetFileName(path);
            bool ours = (name.StartsWith(prefix + "#", StringComparison.Ordinal) && name.EndsWith(".cs", StringComparison.Ordinal))
                || name.StartsWith(prefix + ".diagnostics.", StringComparison.Ordinal);
            if (!ours) continue;
            bool received = name.Contains(".received.", StringComparison.Ordinal);
            var verifiedName = received ? name.Replace(".received.", ".verified.", StringComparison.Ordinal) : name;
            if (actual.ContainsKey(verifiedName)) continue;
            if (received || update)
                File.Delete(path);
            else
                failures.Add($"{name}: stale snapshot, the generator no longer produces it (delete it, or run with {UpdateVariable}=1)");
        }

        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} snapshot problem(s) in {directory}; review, then accept with {UpdateVariable}=1:\n\n" + string.Join("\n\n", failures));
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
            sb.Append(": ").Append(Normalize(d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string Received(string verifiedPath)
    {
        var name = Path.GetFileName(verifiedPath);
        int at = name.LastIndexOf(".verified.", StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(verifiedPath)!, name[..at] + ".received." + name[(at + ".verified.".Length)..]);
    }

    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
}
