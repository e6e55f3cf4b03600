using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using UcSocket.Testing;

namespace UcSocket.Generators.Tests;

/// <summary>Runs <see cref="SpecGenerator"/> the way the compiler does: spec files as additional texts, the namespace as a global option.</summary>
internal static class GeneratorHarness
{
    /// <summary>The repository root: the first directory above the test binaries that holds UcSocket.Gen.sln.</summary>
    public static string RepoRoot => RepoPaths.Root;

    /// <summary>Every <c>spec/*.yaml</c> of the repository, read from disk.</summary>
    public static ImmutableArray<AdditionalText> RealSpec() =>
        Directory.GetFiles(Path.Combine(RepoRoot, "spec"), "*.yaml")
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (AdditionalText)new SpecText(p, File.ReadAllText(p)))
            .ToImmutableArray();

    /// <summary>A compilation with no sources and the framework references: the generator only reads additional texts.</summary>
    public static CSharpCompilation EmptyCompilation() =>
        CSharpCompilation.Create("SpecTests", references: FrameworkReferences.Value,
            options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    /// <param name="references">Paths of the texts that are reference spec files (item metadata <c>UcSocketSpecReference=true</c>).</param>
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, string? ns = "UcSocket", bool track = false,
        IEnumerable<string>? references = null)
    {
        return CSharpGeneratorDriver.Create(
            new[] { new SpecGenerator().AsSourceGenerator() },
            additionalTexts: texts,
            parseOptions: ParseOptions,
            optionsProvider: Options(ns, references),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));
    }

    /// <summary>
    /// Options as MSBuild passes them: the global <c>build_property.UcSocketSpecNamespace</c> when <paramref name="ns"/>
    /// is set, and <c>build_metadata.AdditionalFiles.UcSocketSpecReference = true</c> for each file of <paramref name="references"/>.
    /// </summary>
    public static AnalyzerConfigOptionsProvider Options(string? ns, IEnumerable<string>? references = null) => new TestOptionsProvider(
        ns is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add(SpecGenerator.NamespaceProperty, ns),
        (references ?? Enumerable.Empty<string>()).ToImmutableHashSet(StringComparer.Ordinal));

    /// <summary>Global options with the given MSBuild properties (<c>build_property.X</c> keys), no reference files.</summary>
    public static AnalyzerConfigOptionsProvider Properties(params (string Key, string Value)[] properties) => new TestOptionsProvider(
        properties.ToImmutableDictionary(p => p.Key, p => p.Value), ImmutableHashSet<string>.Empty);

    /// <summary>Runs the generator once on the given spec files and returns the driver's result.</summary>
    public static GeneratorDriverRunResult Run(IEnumerable<AdditionalText> texts, string? ns = "UcSocket", IEnumerable<string>? references = null) =>
        CreateDriver(texts, ns, references: references).RunGenerators(EmptyCompilation()).GetRunResult();

    /// <summary>Shorthand for one in-memory spec file at <c>/spec/{name}</c>.</summary>
    public static GeneratorDriverRunResult Run(string name, string yaml) => Run(new[] { Text(name, yaml) });

    public static AdditionalText Text(string name, string yaml) => new SpecText(Path.IsPathRooted(name) ? name : "/spec/" + name, yaml);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>
    /// Compiles generated sources the way a consuming project would: against the real UcSocket.dll and the
    /// framework's reference assemblies, nullable enabled. Returns every error and warning.
    /// </summary>
    public static ImmutableArray<Diagnostic> Compile(IEnumerable<GeneratedSourceResult> sources)
    {
        // Documentation comments are checked as a project with GenerateDocumentationFile checks them (CS1591 and friends).
        var parse = ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.SourceText, parse, path: s.HintName)).ToList();
        var compilation = CSharpCompilation.Create("GeneratedSpec", trees, LibraryReferences, CompilationOptions);
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        return emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
    }

    /// <summary>The repository's settings (Directory.Build.props and the SDK's defaults for net10.0): nullable on, warning level 10.</summary>
    public static CSharpCompilationOptions CompilationOptions { get; } =
        new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 10);

    /// <summary>The framework's reference assemblies and UcSocket.dll, as a consuming project compiles against them.</summary>
    public static ImmutableArray<MetadataReference> LibraryReferences => s_libraryReferences.Value;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_libraryReferences = new(() =>
        FrameworkReferences!.Value.Add(MetadataReference.CreateFromFile(typeof(SocketHandle).Assembly.Location))); // initialised lazily, after FrameworkReferences

    /// <summary>Compiles generated sources as <see cref="Compile"/> does and loads the assembly, for tests that run generated code.</summary>
    public static Assembly CompileAndLoad(IEnumerable<GeneratedSourceResult> sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.SourceText, ParseOptions, path: s.HintName)).ToList();
        var references = FrameworkReferences.Value.Add(MetadataReference.CreateFromFile(typeof(SocketHandle).Assembly.Location));
        var compilation = CSharpCompilation.Create("GeneratedSpec" + Guid.NewGuid().ToString("N"), trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        if (!emit.Success) throw new InvalidOperationException("the generated code does not compile:\n" + string.Join("\n", emit.Diagnostics));
        return new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(pe.ToArray()));
    }

    private static readonly Lazy<ImmutableArray<MetadataReference>> FrameworkReferences = new(() =>
    {
        var dir = typeof(GeneratorHarness).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "FrameworkReferenceDirectory").Value!;
        if (!File.Exists(Path.Combine(dir, "System.Runtime.dll")))
            throw new InvalidOperationException($"the framework's reference assemblies were not found in '{dir}'");
        return Directory.GetFiles(dir, "*.dll").Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>An additional file held in memory.</summary>
    public sealed class SpecText : AdditionalText
    {
        private readonly SourceText _text;

        public SpecText(string path, string text)
        {
            Path = path;
            _text = SourceText.From(text);
        }

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class TestOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private static readonly Options Reference = new(ImmutableDictionary<string, string>.Empty.Add(SpecGenerator.ReferenceMetadata, "true"));
        private readonly ImmutableHashSet<string> _references;

        public TestOptionsProvider(ImmutableDictionary<string, string> values, ImmutableHashSet<string> references)
        {
            GlobalOptions = new Options(values);
            _references = references;
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => _references.Contains(textFile.Path) ? Reference : Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);
            private readonly ImmutableDictionary<string, string> _values;

            public Options(ImmutableDictionary<string, string> values) => _values = values;

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) =>
                _values.TryGetValue(key, out value);
        }
    }
}
