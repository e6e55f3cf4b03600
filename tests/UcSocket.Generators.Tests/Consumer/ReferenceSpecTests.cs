using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace UcSocket.Generators.Tests.Consumer;

/// <summary>
/// A project that uses the package: the library's spec arrives as reference files (AdditionalFiles with
/// <c>UcSocketSpecReference=true</c>), the project's own YAML next to them. The project's YAML may name the
/// library's constants and structs; only the project's code is generated, in the project's namespace.
/// </summary>
public class ReferenceSpecTests
{
    internal const string ConsumerPath = "/consumer/sockopt.yaml";
    internal const string ConsumerNamespace = "Consumer.App";

    /// <summary>
    /// ICMP_FILTER (linux/icmp.h) lives at SOL_RAW, a level neither the library's spec nor ucode covers: it is
    /// typed with a struct of the project's own. DEMO_WAIT is no kernel option (nothing answers at SOL_RAW, 200):
    /// it is only compiled, typed with the library's <c>struct timeval</c>; <c>filter_wait</c> nests the
    /// library's struct and the project's in one struct of the project's.
    /// </summary>
    internal const string ConsumerSpec = """
        constants:
          ICMP:
            ICMP_FILTER: 1
          DEMO:
            DEMO_WAIT: 200
        structs:
          icmp_filter:
            doc: The ICMP types a raw ICMP socket drops, one bit per type (linux/icmp.h).
            fields:
              - { c: data, property: Mask, type: __u32 }
          filter_wait:
            fields:
              - { c: filter, type: struct icmp_filter }
              - { c: wait, type: struct timeval }
        options:
          - { level: SOL_RAW, name: ICMP_FILTER, type: struct icmp_filter }
          - { level: SOL_RAW, name: DEMO_WAIT, type: struct timeval }
        """;

    /// <summary>The repository's spec files, as the package ships them, plus the project's own file.</summary>
    internal static (ImmutableArray<AdditionalText> Texts, ImmutableArray<string> References) ConsumerInput(string yaml = ConsumerSpec)
    {
        var references = GeneratorHarness.RealSpec();
        return (references.Add(GeneratorHarness.Text(ConsumerPath, yaml)), references.Select(t => t.Path).ToImmutableArray());
    }

    private static GeneratorDriverRunResult RunConsumer(string yaml = ConsumerSpec)
    {
        var (texts, references) = ConsumerInput(yaml);
        return GeneratorHarness.Run(texts, ConsumerNamespace, references);
    }

    [Fact]
    public void OnlyTheProjectsOwnCodeIsEmittedInItsNamespace()
    {
        var run = RunConsumer();

        Assert.Empty(run.Diagnostics);
        var sources = run.Results.Single().GeneratedSources;
        Assert.Equal(
            new[] { "SpecClasses.g.cs", "sockopt.Constants.g.cs", "sockopt.Options.g.cs", "sockopt.Registration.g.cs", "sockopt.Structs.g.cs" },
            sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        Assert.All(sources, s => Assert.Contains($"\nnamespace {ConsumerNamespace};\n", s.SourceText.ToString()));

        var all = string.Concat(sources.Select(s => s.SourceText.ToString()));
        // Nothing of the library's spec is generated again.
        Assert.DoesNotContain("SO_LINGER", all);
        Assert.DoesNotContain("record struct Timeval", all);
        Assert.DoesNotContain("AF_INET", all);
        // The library's names resolve: its SOL_RAW value, its struct by its own namespace.
        var options = Text(sources, "sockopt.Options.g.cs");
        Assert.Contains("SocketOption<global::Consumer.App.IcmpFilter, global::Consumer.App.IcmpFilter> IcmpFilter = new(\"ICMP_FILTER\", 255, 1,", options);
        Assert.Contains("SocketOption<global::UcSocket.Timeval, global::UcSocket.Timeval> DemoWait = new(\"DEMO_WAIT\", 255, 200,", options);
        Assert.Contains("StructCodec<global::UcSocket.Timeval>.Instance", options);
        var structs = Text(sources, "sockopt.Structs.g.cs");
        Assert.Contains("public uint Mask { get; set; }", structs);
        Assert.Contains("public IcmpFilter Filter { get; set; }", structs);
        Assert.Contains("public global::UcSocket.Timeval Wait { get; set; }", structs);
        // C layout: a 4-byte __u32, 4 bytes of padding, then the 16-byte timeval aligned to 8.
        Assert.Contains("C <c>struct icmp_filter</c>: 4 bytes, aligned to 4.", structs);
        Assert.Contains("C <c>struct filter_wait</c>: 24 bytes, aligned to 8.", structs);
        var registration = Text(sources, "sockopt.Registration.g.cs");
        Assert.Contains("global::UcSocket.SpecRegistry.Register(global::Consumer.App.SockOpt.IcmpFilter);", registration);
        Assert.Contains("global::UcSocket.SpecRegistry.Register(global::Consumer.App.SockOpt.DemoWait);", registration);
    }

    [Fact]
    public void TheProjectsCodeCompilesAgainstTheLibraryWithDocumentation()
    {
        var run = RunConsumer();

        Assert.Empty(run.Diagnostics);
        var problems = GeneratorHarness.Compile(run.Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, "the generated code does not compile cleanly:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void ProjectOutput() => Snapshot.Verify<ReferenceSpecTests>(RunConsumer());

    [Fact]
    public void WithoutTheReferenceMarkTheLibrarysSpecIsGeneratedAgain()
    {
        // The same files with no item metadata: every file is the project's own (what the mark prevents).
        var (texts, _) = ConsumerInput();
        var run = GeneratorHarness.Run(texts, ConsumerNamespace);

        Assert.Empty(run.Diagnostics);
        Assert.Contains(run.Results.Single().GeneratedSources, s => s.HintName == "socket.Options.g.cs");
    }

    [Fact]
    public void AClashWithTheLibraryIsReportedAtTheProjectsEntry()
    {
        var yaml = ConsumerSpec
            + "\n  - { level: SOL_SOCKET, name: SO_LINGER, type: int }   # the library's option"
            + "\n  - { level: SOL_SOCKET, name: SO_NOT_THERE, type: int }\n";
        yaml = yaml.Replace("    ICMP_FILTER: 1\n", "    ICMP_FILTER: 1\n  SOL:\n    SOL_SOCKET: 1\n");
        var run = RunConsumer(yaml);

        // Whatever order the paths sort in, the library's entry wins and the project's is the duplicate.
        var lines = Snapshot.FormatDiagnostics(run.Diagnostics).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(run.Diagnostics, d => Assert.Equal(ConsumerPath, d.Location.GetLineSpan().Path));
        Assert.Contains(lines, l => l.StartsWith($"UCS007 Error sockopt.yaml({LineOf(yaml, "SOL_SOCKET: 1")},", StringComparison.Ordinal)
            && l.Contains("constant SOL_SOCKET is already defined at socket.yaml:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"UCS004 Error sockopt.yaml({LineOf(yaml, "SO_LINGER, type: int")},", StringComparison.Ordinal)
            && l.Contains("Option SOL_SOCKET/SO_LINGER (1, 13) is already defined as SO_LINGER at socket.yaml:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"UCS003 Error sockopt.yaml({LineOf(yaml, "SO_NOT_THERE")},", StringComparison.Ordinal));
    }

    [Fact]
    public void AReferenceFileReportsNothingAndEmitsNothing()
    {
        // A broken reference file (an unknown key, an unknown type, a duplicate of the project's constant) is not
        // the project's to fix: the library built it. Its valid entries still resolve.
        var reference = GeneratorHarness.Text("/package/spec/lib.yaml", """
            constants:
              SOL:
                SOL_LIB: 7
              LIB:
                LIB_OPT: 3
                MINE: 1
            structs:
              pair:
                fields:
                  - { c: a, type: int }
                  - { c: b, type: int }
              broken:
                fields:
                  - { c: a, type: struct nowhere }
            options:
              - { level: SOL_LIB, name: LIB_OPT, type: struct broken }
            unknown: 1
            """);
        var own = GeneratorHarness.Text("/app/own.yaml", """
            constants:
              OWN:
                MINE: 1
                OWN_OPT: 4
            options:
              - { level: SOL_LIB, name: OWN_OPT, type: struct pair }
            """);

        var run = GeneratorHarness.Run(new[] { reference, own }, "App", new[] { reference.Path });

        // The project's MINE clashes with the library's: reported at the project's file only.
        var d = Assert.Single(run.Diagnostics);
        Assert.Equal("UCS007", d.Id);
        Assert.Equal(own.Path, d.Location.GetLineSpan().Path);
        var sources = run.Results.Single().GeneratedSources;
        Assert.DoesNotContain(sources, s => s.HintName.StartsWith("lib.", StringComparison.Ordinal));
        Assert.Contains("SocketOption<global::UcSocket.Pair, global::UcSocket.Pair> OwnOpt = new(\"OWN_OPT\", 7, 4,", Text(sources, "own.Options.g.cs"));
    }

    private static string Text(IEnumerable<GeneratedSourceResult> sources, string hint) =>
        sources.Single(s => s.HintName == hint).SourceText.ToString();

    private static int LineOf(string text, string marker)
    {
        int at = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"marker '{marker}' not in the text");
        return text.Take(at).Count(c => c == '\n') + 1;
    }
}
