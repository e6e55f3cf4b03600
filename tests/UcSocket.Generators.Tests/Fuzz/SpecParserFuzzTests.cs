using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis.Text;
using UcSocket.Generators.Emit;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;
using UcSocket.Testing.Fuzz;
using Xunit;

namespace UcSocket.Generators.Tests.Fuzz;

/// <summary>
/// Mutation fuzzing of the YAML spec parser and of the pipeline the generator runs after it (index, resolve, emit): the repository's own
/// spec files with lines deleted, repeated, moved or re-indented, scalars and keys replaced, characters changed, and
/// random text. Whatever the input, no stage throws, and every problem is one of the documented diagnostics with its
/// file and a line inside the text, never UCS008 (the generator's report of an exception). No socket is opened.
/// </summary>
public class SpecParserFuzzTests
{
    private static readonly (string Path, string Text)[] Files = Directory.GetFiles(Path.Combine(GeneratorHarness.RepoRoot, "spec"), "*.yaml")
        .OrderBy(p => p, StringComparer.Ordinal).Select(p => ("/spec/" + Path.GetFileName(p), File.ReadAllText(p))).ToArray();

    private static readonly SpecFile[] Parsed = Files.Select(f => SpecParser.Parse(f.Path, f.Text)).ToArray();

    private static readonly HashSet<string> DocumentedIds = Diagnostics.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>Scalars and keys the spec grammar gives meaning to, and values at its edges.</summary>
    private static readonly string[] Tokens =
    {
        "", " ", "~", "null", "true", "-1", "0", "0x", "0xffffffffffffffff", "99999999999999999999", "-9223372036854775809", "1.5", "1e3",
        "int", "uint", "u64", "bool", "fds", "bpf", "none", "sockaddr", "struct", "struct linger", "struct nosuch", "struct in_addr",
        "unsigned char", "__be16", "SOL_SOCKET", "SO_LINGER", "AF_INET", "NOSUCH_CONSTANT", "read", "write", "host", "big", "ipv4", "ifindex",
        "hwaddr", "path", "bytes", "[", "]", "{", "}", "[]", "{}", "[1, 2]", "{ a: 1 }", "&a", "*a", "!!binary", "!!int x", "|", ">", "'", "\"",
        "- x", ": x", "#", "\t", "é", "\u0000", "\ufeff", "type", "name", "c", "count", "bits", "offset", "since", "trailing", "length", "kind",
        "fields", "structs", "options", "cmsgs", "families", "constants", "headers", "level", "payload", "get", "set", "access", "align", "packed",
        "65536", "65537", "64", "128", "0", "-0", "7", "3",
    };

    private static Gen<string> Token { get; } = Gen.Frequency((6, Gen.Elements(Tokens)), (1, Gen.Choose(0, 12).SelectMany(n =>
        Gen.ArrayOf(Gen.Frequency((8, Gen.Choose(0x20, 0x7e)), (1, Gen.Elements(0x09, 0x0a, 0xe9, 0x2028, 0xd800))).Select(c => (char)c), n)).Select(cs => new string(cs))));

    private static Gen<Func<string[], string[]>> LineEdit { get; } = Gen.Frequency(
        (3, Gen.Choose(0, 100000).Select<int, Func<string[], string[]>>(at => l => l.Length == 0 ? l : l.Where((_, i) => i != at % l.Length).ToArray())),
        (2, Gen.Choose(0, 100000).Select<int, Func<string[], string[]>>(at => l => l.Length == 0 ? l : l.Take(at % l.Length + 1).Append(l[at % l.Length]).Concat(l.Skip(at % l.Length + 1)).ToArray())),
        (2, Gen.Zip(Gen.Choose(0, 100000), Gen.Choose(0, 100000)).Select<(int, int), Func<string[], string[]>>(p => l =>
        {
            if (l.Length == 0) return l;
            var c = (string[])l.Clone();
            (c[p.Item1 % c.Length], c[p.Item2 % c.Length]) = (c[p.Item2 % c.Length], c[p.Item1 % c.Length]);
            return c;
        })),
        (2, Gen.Zip(Gen.Choose(0, 100000), Gen.Elements("  ", "    ", "\t", "- ", "")).Select<(int, string), Func<string[], string[]>>(p => l =>
        {
            if (l.Length == 0) return l;
            var c = (string[])l.Clone();
            int i = p.Item1 % c.Length;
            c[i] = p.Item2.Length == 0 ? c[i].TrimStart() : p.Item2 + c[i];
            return c;
        })),
        (6, Gens.Zip(Gen.Choose(0, 100000), Gen.Choose(0, 100000), Token).Select<(int, int, string), Func<string[], string[]>>(p => l =>
        {
            // Replace one scalar or key of a line: the text between two of ':', ',', '{', '}', '[', ']'.
            if (l.Length == 0) return l;
            var c = (string[])l.Clone();
            int i = p.Item1 % c.Length;
            var bounds = c[i].Select((ch, k) => (ch, k)).Where(t => t.ch is ':' or ',' or '{' or '}' or '[' or ']').Select(t => t.k).Prepend(-1).Append(c[i].Length).ToArray();
            int b = p.Item2 % (bounds.Length - 1);
            c[i] = c[i][..(bounds[b] + 1)] + " " + p.Item3 + c[i][bounds[b + 1]..];
            return c;
        })),
        (2, Gens.Zip(Gen.Choose(0, 100000), Gen.Choose(0, 100000), YamlChar).Select<(int, int, char), Func<string[], string[]>>(p => l =>
        {
            if (l.Length == 0) return l;
            var c = (string[])l.Clone();
            int i = p.Item1 % c.Length;
            int at = c[i].Length == 0 ? 0 : p.Item2 % c[i].Length;
            c[i] = c[i].Length == 0 ? p.Item3.ToString() : c[i].Remove(at, 1).Insert(at, p.Item3.ToString());
            return c;
        })));

    private static Gen<char> YamlChar => Gen.Elements<char>(':', ' ', '-', '{', '}', '[', ']', ',', '#', '\'', '"', '\t', '&', '*', '!', '|', '>', '0', 'x', '\u00e9');

    /// <summary>A spec file (by index) and a text: mostly one of the repository's files with a few edits.</summary>
    private static Gen<(int File, string Text)> Inputs { get; } = Gen.Choose(0, Files.Length - 1).SelectMany(f => Gen.Frequency(
        (12, Gen.Choose(1, 4).SelectMany(n => Gen.ListOf(LineEdit, n)).Select(edits =>
            string.Join('\n', edits.Aggregate(Files[f].Text.Split('\n'), (lines, edit) => edit(lines))))),
        (1, Gen.Zip(Gen.Choose(0, 30).SelectMany(n => Gen.ListOf(Token, n)), Gen.Elements(" ", "\n", ": ", "\n  - "))
            .Select(t => string.Join(t.Item2, t.Item1))))
        .Select(text => (f, text)));

    [Fact]
    public void BrokenSpecFilesParseToDiagnostics() => FuzzRun.Check("spec.parse", 2000, Inputs, input =>
    {
        var (path, original) = Files[input.File];
        var file = SpecParser.Parse(path, input.Text);
        CheckDiagnostics(path, original, input.Text, file.Diagnostics);
    });

    /// <summary>The whole pipeline (index, resolve, emit) on the mutated file with the others; slower, so a campaign runs fewer inputs.</summary>
    [Fact]
    public void BrokenSpecFilesGoThroughThePipeline() => FuzzRun.Check("spec.pipeline", 300, Inputs, input => CheckPipeline(input.File, input.Text),
        campaignLimit: 100_000);

    private static void CheckPipeline(int index, string text)
    {
        var (path, original) = Files[index];
        var file = SpecParser.Parse(path, text);
        var files = Parsed.Select((p, i) => i == index ? file : p).ToArray();
        var specIndex = IndexBuilder.Build(files);
        var resolved = Resolver.Resolve(file, specIndex);
        var sources = FileEmitter.Emit(resolved, "UcSocket");
        FileEmitter.EmitClasses(new SpecClasses(true, true, true), "UcSocket");

        var diagnostics = file.Diagnostics.Concat(specIndex.Diagnostics).Concat(resolved.Diagnostics).ToList();
        CheckDiagnostics(path, original, text, diagnostics);
        if (diagnostics.Count == 0)
            Expect.That(sources.Count > 0 || resolved.Constants.Count + resolved.Structs.Count + resolved.Options.Count + resolved.Cmsgs.Count + resolved.Families.Count == 0,
                () => $"{path}: a valid file emitted nothing");
    }

    /// <summary>Every diagnostic is a documented one with a message and, in the file it names, a line inside the text; none is UCS008.</summary>
    private static void CheckDiagnostics(string path, string original, string text, IReadOnlyCollection<DiagnosticInfo> diagnostics)
    {
        int lines = SourceText.From(text).Lines.Count; // lines as the compiler counts them (\r, \n, \u2028, ... all end one)
        foreach (var d in diagnostics)
        {
            // FindingsSpec.OtherExceptionsFromYamlDotNet: YamlDotNet's other exceptions become UCS008 without a line.
            if (FuzzStats.CoveredByKnownFinding(d.Id == Diagnostics.InternalError.Id
                    && (d.Message.StartsWith("InvalidOperationException", StringComparison.Ordinal) || d.Message.StartsWith("ArgumentException", StringComparison.Ordinal))))
                continue;
            Expect.That(d.Id != Diagnostics.InternalError.Id, () => $"{path}: {d.Id} {d.Message} (the generator failed) for:\n{Excerpt(original, text)}");
            Expect.That(DocumentedIds.Contains(d.Id), () => $"{path}: undocumented diagnostic {d.Id}: {d.Message}");
            Expect.That(!string.IsNullOrWhiteSpace(d.Message), () => $"{path}: {d.Id} without a message");
            if (d.Path == path)
                Expect.That(d.Pos.StartLine >= 1 && d.Pos.StartLine <= lines + 1, () => $"{path}: {d.Id} at line {d.Pos.StartLine} of {lines}: {d.Message}");
        }
        FuzzStats.Note(diagnostics.Count == 0 ? (text == original ? "unchanged" : "still valid") : "diagnosed");
    }

    /// <summary>The lines that differ from the original, for a failure message.</summary>
    private static string Excerpt(string original, string text)
    {
        var before = original.Split('\n');
        var after = text.Split('\n');
        var changed = after.Select((l, i) => (l, i)).Where(t => t.i >= before.Length || before[t.i] != t.l).Take(8).Select(t => $"  {t.i + 1}: {t.l}");
        return string.Join('\n', changed);
    }
}
