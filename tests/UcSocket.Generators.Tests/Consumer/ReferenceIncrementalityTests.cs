using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using static UcSocket.Generators.Tests.IncrementalityTests;

namespace UcSocket.Generators.Tests.Consumer;

/// <summary>
/// Caching with reference files: the library's spec is parsed once and stays cached while the project's own file
/// changes, and which files are references is read apart from parsing, so changing it never re-parses a file.
/// </summary>
public class ReferenceIncrementalityTests
{
    private static readonly string Consumer = Path.GetFileName(ReferenceSpecTests.ConsumerPath);

    private static (Session Session, ImmutableArray<string> References) Start()
    {
        var (texts, references) = ReferenceSpecTests.ConsumerInput();
        return (new Session(texts, ReferenceSpecTests.ConsumerNamespace, references), references);
    }

    [Fact]
    public void ASecondRunIsServedFromCache()
    {
        var (session, references) = Start();
        Assert.Equal(references.Order(StringComparer.Ordinal), Assert.IsType<Model.EquatableArray<string>>(
            Assert.Single(Outputs(session.First, SpecGenerator.Steps.References)).Value));

        var second = session.Run();

        foreach (var step in new[] { SpecGenerator.Steps.Parse, SpecGenerator.Steps.References, SpecGenerator.Steps.Index, SpecGenerator.Steps.Resolve })
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void AnEditOfTheProjectsFileLeavesTheLibrarysSpecParsedAndSilent()
    {
        var (session, _) = Start();
        var old = session.Text(Consumer);
        const string anchor = "    ICMP_FILTER: 1\n";
        var text = old.GetText()!.ToString();
        Assert.Contains(anchor, text);
        session.Driver = session.Driver.ReplaceAdditionalText(old,
            new GeneratorHarness.SpecText(old.Path, text.Replace(anchor, anchor + "    ICMP_DEMO: 8\n")));

        var second = session.Run();

        var parse = ByFile(second, SpecGenerator.Steps.Parse);
        Assert.Equal(IncrementalStepRunReason.Modified, parse[Consumer]);
        Assert.All(parse.Where(p => p.Key != Consumer), p => Assert.Equal(IncrementalStepRunReason.Cached, p.Value));
        Assert.NotEqual(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, SpecGenerator.Steps.References)).Reason);
        // The index changed (a new constant); the reference files resolve to the same nothing.
        var resolve = ByFile(second, SpecGenerator.Steps.Resolve);
        Assert.Equal(IncrementalStepRunReason.Modified, resolve[Consumer]);
        Assert.All(resolve.Where(p => p.Key != Consumer), p => Assert.Equal(IncrementalStepRunReason.Unchanged, p.Value));
        Assert.Contains("public const int ICMP_DEMO = 8;",
            second.GeneratedSources.Single(s => s.HintName == "sockopt.Constants.g.cs").SourceText.ToString());
        Assert.All(second.GeneratedSources, s => Assert.StartsWith(s.HintName.StartsWith("sockopt.", StringComparison.Ordinal) ? "sockopt." : "SpecClasses", s.HintName));
    }

    [Fact]
    public void AReferenceFileReplacedWithTheSameTextIsUnchangedAndNothingElseRuns()
    {
        var (session, _) = Start();
        var old = session.Text("socket.yaml");
        session.Driver = session.Driver.ReplaceAdditionalText(old, new GeneratorHarness.SpecText(old.Path, old.GetText()!.ToString()));

        var second = session.Run();

        var parse = ByFile(second, SpecGenerator.Steps.Parse);
        Assert.Equal(IncrementalStepRunReason.Unchanged, parse["socket.yaml"]);
        Assert.All(parse.Where(p => p.Key != "socket.yaml"), p => Assert.Equal(IncrementalStepRunReason.Cached, p.Value));
        foreach (var step in new[] { SpecGenerator.Steps.Index, SpecGenerator.Steps.Resolve })
            Assert.All(Outputs(second, step), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void ChangingWhichFilesAreReferencesReindexesWithoutReparsing()
    {
        var (session, references) = Start();
        var fewer = references.Where(p => Path.GetFileName(p) != "tcp_states.yaml").ToImmutableArray();
        session.Driver = session.Driver.WithUpdatedAnalyzerConfigOptions(GeneratorHarness.Options(ReferenceSpecTests.ConsumerNamespace, fewer));

        var second = session.Run();

        Assert.All(Outputs(second, SpecGenerator.Steps.Parse), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, SpecGenerator.Steps.References)).Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(second, SpecGenerator.Steps.Index)).Reason);
        // tcp_states.yaml is now the project's own: its constants are generated in the project's namespace.
        Assert.Contains(second.GeneratedSources, s => s.HintName == "tcp_states.Constants.g.cs");
        Assert.DoesNotContain(session.First.GeneratedSources, s => s.HintName == "tcp_states.Constants.g.cs");
    }
}
