using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using UcSocket.Generators.Model;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// The pipeline's caching, seen through the driver's step tracking: an unchanged spec file is served from
/// cache, and an edit re-parses that file only.
/// </summary>
public class IncrementalityTests
{
    private static readonly string[] TrackedSteps =
    {
        SpecGenerator.Steps.Parse, SpecGenerator.Steps.Content, SpecGenerator.Steps.References, SpecGenerator.Steps.Index, SpecGenerator.Steps.Resolve,
        SpecGenerator.Steps.Emit, SpecGenerator.Steps.Namespace, SpecGenerator.Steps.RootNamespace, SpecGenerator.Steps.Classes, SpecGenerator.Steps.Diagnostics,
    };

    /// <summary>The steps downstream of the content: what a comment or whitespace edit must not run again with a new result.</summary>
    private static readonly string[] EmitSteps =
        { SpecGenerator.Steps.Index, SpecGenerator.Steps.Resolve, SpecGenerator.Steps.Emit, SpecGenerator.Steps.Classes, SpecGenerator.Steps.Namespace };

    private const string EditedFile = "ipv6.yaml";

    /// <summary>A driver with step tracking, run once on the repository's spec (or the given files).</summary>
    internal sealed class Session
    {
        public Session() : this(GeneratorHarness.RealSpec(), "UcSocket")
        {
        }

        /// <param name="references">Paths of the texts that are reference spec files.</param>
        public Session(ImmutableArray<AdditionalText> texts, string ns, IEnumerable<string>? references = null)
        {
            Texts = texts;
            Driver = GeneratorHarness.CreateDriver(Texts, ns, track: true, references: references);
            First = Run();
        }

        public ImmutableArray<AdditionalText> Texts { get; }

        public Compilation Compilation { get; set; } = GeneratorHarness.EmptyCompilation();

        public GeneratorDriver Driver { get; set; }

        public GeneratorRunResult First { get; }

        public GeneratorRunResult Run()
        {
            Driver = Driver.RunGenerators(Compilation);
            var result = Driver.GetRunResult();
            Assert.Empty(result.Diagnostics);
            return Assert.Single(result.Results);
        }

        public AdditionalText Text(string fileName) => Texts.Single(t => Path.GetFileName(t.Path) == fileName);
    }

    [Fact]
    public void TheFirstRunTracksEveryStepAndEveryFile()
    {
        var run = new Session().First;

        foreach (var step in TrackedSteps)
            Assert.All(Outputs(run, step), o => Assert.Equal(IncrementalStepRunReason.New, o.Reason));
        var files = Directory.GetFiles(Path.Combine(GeneratorHarness.RepoRoot, "spec"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(files, ByFile(run, SpecGenerator.Steps.Parse).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(files, ByFile(run, SpecGenerator.Steps.Resolve).Keys.Order(StringComparer.Ordinal));
        Assert.Single(Outputs(run, SpecGenerator.Steps.Index));
        Assert.Single(Outputs(run, SpecGenerator.Steps.Namespace));
    }

    [Fact]
    public void EveryStepOfThePipelineIsNamedAndTracked()
    {
        var run = new Session().First;
        var names = typeof(SpecGenerator.Steps).GetFields().Select(f => (string)f.GetValue(null)!).Order(StringComparer.Ordinal);

        Assert.Equal(names, TrackedSteps.Order(StringComparer.Ordinal));
        Assert.All(names, n => Assert.True(run.TrackedSteps.ContainsKey(n), $"step {n} was not tracked"));
    }

    [Theory]
    [InlineData("comment lines at the top", "", "# a comment that moves every line down\n#\n")]
    [InlineData("a comment after an entry", "    IPV6_V6ONLY: 26\n", "    IPV6_V6ONLY: 26   # the option's number\n")]
    [InlineData("blank lines and spaces in a flow mapping", "    IPV6_V6ONLY: 26\n", "\n\n    IPV6_V6ONLY:     26\n\n")]
    [InlineData("a line break inside a flow mapping", "name: IPV6_V6ONLY, property: Ipv6V6Only, type: bool", "name: IPV6_V6ONLY,\n      property: Ipv6V6Only, type: bool")]
    public void ACommentOrWhitespaceEditEmitsNothingAgain(string edit, string anchor, string replacement)
    {
        var session = new Session();
        var old = session.Text(EditedFile);
        var text = old.GetText()!.ToString();
        Assert.True(anchor.Length == 0 || text.Contains(anchor, StringComparison.Ordinal), $"{edit}: anchor not in {EditedFile}");
        var edited = anchor.Length == 0 ? replacement + text : ReplaceFirst(text, anchor, replacement);
        session.Driver = session.Driver.ReplaceAdditionalText(old, new GeneratorHarness.SpecText(old.Path, edited));

        var second = session.Run();

        // The text is parsed again (positions moved) to the same content, and nothing after it changes.
        Assert.Equal(IncrementalStepRunReason.Modified, ByFile(second, SpecGenerator.Steps.Parse)[EditedFile]);
        var content = ByFile(second, SpecGenerator.Steps.Content);
        Assert.Equal(IncrementalStepRunReason.Unchanged, content[EditedFile]);
        Assert.All(content.Where(p => p.Key != EditedFile), p => Assert.Equal(IncrementalStepRunReason.Cached, p.Value));
        foreach (var step in EmitSteps)
            Assert.All(Outputs(second, step), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{edit}: {step} is {o.Reason}"));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{edit}: an output step is {o.Reason}"));
        AssertSameSources(session.First, second, _ => true);
    }

    private static string ReplaceFirst(string text, string anchor, string replacement)
    {
        int at = text.IndexOf(anchor, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + anchor.Length)..];
    }

    [Fact]
    public void ASecondRunOnTheSameInputIsServedFromCache()
    {
        var session = new Session();

        var second = session.Run();

        foreach (var step in TrackedSteps)
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertSameSources(session.First, second, _ => true);
    }

    [Fact]
    public void ACSharpEditDoesNotRerunTheGenerator()
    {
        var session = new Session();
        session.Compilation = session.Compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions));

        var second = session.Run();

        foreach (var step in TrackedSteps)
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertSameSources(session.First, second, _ => true);
    }

    [Fact]
    public void AFileReplacedWithTheSameTextIsUnchangedAndTheOthersCached()
    {
        var session = new Session();
        var old = session.Text(EditedFile);
        session.Driver = session.Driver.ReplaceAdditionalText(old, new GeneratorHarness.SpecText(old.Path, old.GetText()!.ToString()));

        var second = session.Run();

        var parse = ByFile(second, SpecGenerator.Steps.Parse);
        Assert.Equal(IncrementalStepRunReason.Unchanged, parse[EditedFile]);
        Assert.All(parse.Where(p => p.Key != EditedFile), p => Assert.Equal(IncrementalStepRunReason.Cached, p.Value));
        foreach (var step in EmitSteps)
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        AssertSameSources(session.First, second, _ => true);
    }

    [Fact]
    public void AnEditReparsesThatFileOnlyAndLeavesTheOtherOutputsAlone()
    {
        var session = new Session();
        var old = session.Text(EditedFile);
        var text = old.GetText()!.ToString();
        const string anchor = "    IPV6_V6ONLY: 26\n";
        Assert.Contains(anchor, text);
        session.Driver = session.Driver.ReplaceAdditionalText(old,
            new GeneratorHarness.SpecText(old.Path, text.Replace(anchor, anchor + "    IPV6_INCREMENTAL_EDIT: 9999\n")));

        var second = session.Run();

        var parse = ByFile(second, SpecGenerator.Steps.Parse);
        Assert.Equal(IncrementalStepRunReason.Modified, parse[EditedFile]);
        Assert.All(parse.Where(p => p.Key != EditedFile), p => Assert.Equal(IncrementalStepRunReason.Cached, p.Value));

        // The index holds every constant, so it changes; each file is resolved again, and only the edited one differs.
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, SpecGenerator.Steps.Index)).Reason);
        var resolve = ByFile(second, SpecGenerator.Steps.Resolve);
        Assert.Equal(IncrementalStepRunReason.Modified, resolve[EditedFile]);
        Assert.All(resolve.Where(p => p.Key != EditedFile), p => Assert.Equal(IncrementalStepRunReason.Unchanged, p.Value));
        Assert.Equal(IncrementalStepRunReason.Cached, Assert.Single(Outputs(second, SpecGenerator.Steps.Namespace)).Reason);

        var stem = Path.GetFileNameWithoutExtension(EditedFile) + ".";
        AssertSameSources(session.First, second, hint => !hint.StartsWith(stem, StringComparison.Ordinal));
        var constants = second.GeneratedSources.Single(s => s.HintName == stem + "Constants.g.cs").SourceText.ToString();
        Assert.Contains("public const int IPV6_RECVPKTINFO = 49;", constants);
    }

    [Fact]
    public void ANewNamespaceReemitsEverythingWithoutReparsing()
    {
        var session = new Session();
        session.Driver = session.Driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.Options("Other.Place"));

        var second = session.Run();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, SpecGenerator.Steps.Namespace)).Reason);
        foreach (var step in new[] { SpecGenerator.Steps.Parse, SpecGenerator.Steps.Index, SpecGenerator.Steps.Resolve })
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(second.GeneratedSources, s => Assert.Contains("\nnamespace Other.Place;\n", s.SourceText.ToString()));
    }

    internal static IEnumerable<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult run, string step)
    {
        Assert.True(run.TrackedSteps.TryGetValue(step, out var steps), $"step {step} was not tracked");
        var outputs = steps.SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        return outputs;
    }

    /// <summary>The reason of a per-file step's output, by the spec file's name (outputs come in no set order).</summary>
    internal static Dictionary<string, IncrementalStepRunReason> ByFile(GeneratorRunResult run, string step) =>
        Outputs(run, step).ToDictionary(
            o => Path.GetFileName(o.Value switch
            {
                ParsedSpec p => p.Path,
                SpecFile f => f.Path,
                ResolveResult r => r.File.Path,
                ResolvedFile r => r.Path,
                _ => throw new InvalidOperationException($"step {step} has an output of type {o.Value.GetType().Name}, not a file"),
            }),
            o => o.Reason);

    private static void AssertSameSources(GeneratorRunResult before, GeneratorRunResult after, Func<string, bool> which)
    {
        var a = before.GeneratedSources.Where(s => which(s.HintName)).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        var b = after.GeneratedSources.Where(s => which(s.HintName)).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        Assert.NotEmpty(a);
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        foreach (var (hint, text) in a)
            Assert.True(text == b[hint], $"{hint} changed");
    }
}
