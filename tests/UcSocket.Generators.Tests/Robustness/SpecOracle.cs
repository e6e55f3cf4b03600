using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Tests.Robustness;

/// <summary>What the generator did with one input.</summary>
public enum Verdict
{
    /// <summary>It reported UCS errors, each at a valid position.</summary>
    Rejected,

    /// <summary>It reported no error, and the generated code compiles with no error and no warning.</summary>
    Compiled,
}

/// <summary>
/// The contract every spec input must meet, checked for one input: the generator returns within its budget, never
/// throws or reports UCS008, places every diagnostic (and its additional locations) on a real span of one of the
/// input files, keeps messages short, and either reports an error or generates code that compiles cleanly under
/// the repository's warning settings. A breach throws <see cref="ContractException"/> naming it.
/// </summary>
public static class SpecOracle
{
    /// <summary>The namespace a consuming project's code is generated into.</summary>
    public const string Namespace = "Fuzz.App";

    public static Verdict Check(IReadOnlyList<(string Path, string Text)> files, TimeSpan budget)
    {
        var texts = files.Select(f => (AdditionalText)new GeneratorHarness.SpecText(f.Path, f.Text)).ToImmutableArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var task = Task.Run(() => GeneratorHarness.CreateDriver(texts, Namespace).RunGenerators(s_empty.Value).GetRunResult());
        if (!task.Wait(budget)) throw new ContractException($"the generator ran past its budget of {budget.TotalSeconds:0.#} s");
        var run = task.Result;
        long ms = watch.ElapsedMilliseconds;
        for (long slowest = Interlocked.Read(ref s_slowest); ms > slowest; slowest = Interlocked.Read(ref s_slowest))
            if (Interlocked.CompareExchange(ref s_slowest, ms, slowest) == slowest) break;

        var result = run.Results.Single();
        if (result.Exception is not null) throw new ContractException("the generator threw: " + result.Exception);
        var byPath = files.ToDictionary(f => f.Path, f => SourceText.From(f.Text));
        foreach (var d in run.Diagnostics)
        {
            if (d.Id is "UCS008" or "CS8785") throw new ContractException("the generator failed: " + d);
            if (!d.Id.StartsWith("UCS", StringComparison.Ordinal)) throw new ContractException("a diagnostic that is not the generator's: " + d);
            CheckLocation(d, d.Location, byPath);
            foreach (var extra in d.AdditionalLocations) CheckLocation(d, extra, byPath);
            var message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            if (message.Length > Limits.MaxMessageChars + 80) throw new ContractException($"a message of {message.Length} characters: {message[..200]}...");
        }
        if (run.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return Verdict.Rejected;

        var problems = Compile(result.GeneratedSources);
        if (problems.Count > 0)
            throw new ContractException("accepted without an error, but the generated code does not compile cleanly:\n"
                + string.Join("\n", problems.Take(10)) + "\n--- input ---\n" + string.Join("\n---\n", files.Select(f => f.Text)));
        return Verdict.Compiled;
    }

    private static void CheckLocation(Diagnostic d, Location location, Dictionary<string, SourceText> byPath)
    {
        if (location == Location.None) throw new ContractException("a diagnostic without a position: " + d);
        var span = location.GetLineSpan();
        if (!byPath.TryGetValue(span.Path, out var text)) throw new ContractException($"a diagnostic in a file that is no input ({span.Path}): {d}");
        var source = location.SourceSpan;
        if (source.Start < 0 || source.End > text.Length) throw new ContractException($"a diagnostic outside its file (span {source}, length {text.Length}): {d}");
        var expected = text.Lines.GetLinePositionSpan(source);
        if (expected != span.Span) throw new ContractException($"a diagnostic whose line and column ({span.Span}) are not those of its span ({expected}): {d}");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<Diagnostic>> s_compiled = new();

    private static long s_slowest;

    /// <summary>The longest a single generator run took, in milliseconds.</summary>
    public static long SlowestMilliseconds => Interlocked.Read(ref s_slowest);

    /// <summary>Runs the generator and the compiler once, so that the first input's budget does not pay for loading and JIT.</summary>
    public static void WarmUp()
    {
        Check(new[] { ("/fuzz/warm.yaml", SnapshotTests.EveryKindSpec) }, TimeSpan.FromMinutes(5));
        Interlocked.Exchange(ref s_slowest, 0);
    }

    private static readonly Lazy<Compilation> s_empty = new(GeneratorHarness.EmptyCompilation);

    private static readonly Lazy<CSharpCompilation> s_library = new(() =>
        CSharpCompilation.Create("Fuzz", null, GeneratorHarness.LibraryReferences, GeneratorHarness.CompilationOptions));

    /// <summary>How many distinct generated outputs were compiled (inputs often generate the same code).</summary>
    public static int CompiledDistinct => s_compiled.Count;

    /// <summary>Errors and warnings of the generated sources compiled against the library, documentation checked; the same sources are compiled once.</summary>
    public static List<Diagnostic> Compile(IEnumerable<GeneratedSourceResult> sources)
    {
        var list = sources.OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join("\0", list.Select(s => s.HintName + "\0" + s.SourceText)))));
        return s_compiled.GetOrAdd(key, _ => CompileNow(list));
    }

    private static List<Diagnostic> CompileNow(IEnumerable<GeneratedSourceResult> sources)
    {
        var parse = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.SourceText, parse, path: s.HintName)).ToList();
        // Derived from one compilation, so the references are bound once for the whole campaign.
        var compilation = s_library.Value.AddSyntaxTrees(trees);
        using var pe = new MemoryStream();
        return compilation.Emit(pe).Diagnostics.Where(x => x.Severity >= DiagnosticSeverity.Warning).ToList();
    }
}

/// <summary>A breach of the generator's contract with its input.</summary>
public sealed class ContractException : Exception
{
    public ContractException(string message) : base(message)
    {
    }
}
