using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using UcSocket.Generators.Emit;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators;

/// <summary>
/// Turns the YAML socket spec (AdditionalFiles ending in .yaml or .yml) into typed structs, option and
/// control-message descriptors, address-family codecs and constants. Each file is parsed on its own;
/// files are combined only into the small index that resolves names across them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpecGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        public const string Parse = "UcSocket.Parse";
        public const string Index = "UcSocket.Index";
        public const string Resolve = "UcSocket.Resolve";
        public const string Namespace = "UcSocket.Namespace";
        public const string References = "UcSocket.References";
    }

    /// <summary>The MSBuild property that names the namespace of the generated code.</summary>
    public const string NamespaceProperty = "build_property.UcSocketSpecNamespace";

    /// <summary>The fallback: the project's root namespace.</summary>
    public const string RootNamespaceProperty = "build_property.RootNamespace";

    /// <summary>
    /// Item metadata of an AdditionalFiles spec file (made visible by the package's props with
    /// <c>CompilerVisibleItemMetadata</c>): <c>true</c> marks a reference file, the library's own spec shipped in
    /// the package. Its constants and structs resolve names in the project's spec files, but it emits no code and
    /// reports no diagnostics: the library already holds what it generates.
    /// </summary>
    public const string ReferenceMetadata = "build_metadata.AdditionalFiles.UcSocketSpecReference";

    /// <summary>The namespace of the library's generated types, where structs of reference files live.</summary>
    public const string CoreNamespace = "UcSocket";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static t => IsSpecFile(t.Path))
            .Select(static (t, ct) =>
            {
                var text = t.GetText(ct)?.ToString();
                return text is null
                    ? new SpecFile(t.Path, Path.GetFileNameWithoutExtension(t.Path), default, default, default, default, default, default,
                        new EquatableArray<DiagnosticInfo>(new[] { new DiagnosticInfo(Diagnostics.InternalError.Id, "the spec file could not be read", t.Path, SourcePos.None) }))
                    : SpecParser.Parse(t.Path, text, ct);
            })
            .WithTrackingName(Steps.Parse);

        // Which files are references, read from their item metadata. Kept apart from parsing so that a change of
        // options never re-parses a file.
        var references = context.AdditionalTextsProvider
            .Where(static t => IsSpecFile(t.Path))
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => IsReference(pair.Right.GetOptions(pair.Left)) ? pair.Left.Path : null)
            .Collect()
            .Select(static (paths, _) => paths.OfType<string>().OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(Steps.References);

        var index = files.Collect()
            .Combine(references)
            .Select(static (pair, _) => Guard(() => IndexBuilder.Build(pair.Left, pair.Right), ex => new SpecIndex(default, default, default, default,
                new EquatableArray<DiagnosticInfo>(new[] { new DiagnosticInfo(Diagnostics.InternalError.Id, ex, "", SourcePos.None) }), pair.Right)))
            .WithTrackingName(Steps.Index);

        var resolved = files.Combine(index)
            .Select(static (pair, _) => Guard(() => Resolver.Resolve(pair.Left, pair.Right), ex => new ResolvedFile(pair.Left.Path, pair.Left.Stem,
                default, default, default, default, default,
                new EquatableArray<DiagnosticInfo>(new[] { new DiagnosticInfo(Diagnostics.InternalError.Id, ex, pair.Left.Path, SourcePos.None) }))))
            .WithTrackingName(Steps.Resolve);

        var ns = context.AnalyzerConfigOptionsProvider
            .Select(static (o, _) =>
                o.GlobalOptions.TryGetValue(NamespaceProperty, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim()
                : o.GlobalOptions.TryGetValue(RootNamespaceProperty, out var r) && !string.IsNullOrWhiteSpace(r) ? r.Trim()
                : "UcSocket")
            .WithTrackingName(Steps.Namespace);

        var classes = resolved
            .Select(static (file, _) => new SpecClasses(file.Constants.Count > 0, file.Options.Count > 0, file.Cmsgs.Count > 0))
            .Collect()
            .Select(static (all, _) => new SpecClasses(all.Any(c => c.Constants), all.Any(c => c.Options), all.Any(c => c.Cmsgs)));

        context.RegisterSourceOutput(files.Combine(references), static (spc, pair) =>
        {
            if (!pair.Right.Contains(pair.Left.Path)) Report(spc, pair.Left.Diagnostics);
        });
        context.RegisterSourceOutput(index, static (spc, idx) => Report(spc, idx.Diagnostics));
        context.RegisterSourceOutput(resolved.Combine(ns), static (spc, pair) =>
        {
            Report(spc, pair.Left.Diagnostics);
            try
            {
                foreach (var source in FileEmitter.Emit(pair.Left, pair.Right))
                    spc.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Report(spc, new EquatableArray<DiagnosticInfo>(new[] { new DiagnosticInfo(Diagnostics.InternalError.Id, ex.GetType().Name + ": " + ex.Message, pair.Left.Path, SourcePos.None) }));
            }
        });
        context.RegisterSourceOutput(classes.Combine(ns), static (spc, pair) =>
        {
            if (FileEmitter.EmitClasses(pair.Left, pair.Right) is { } source)
                spc.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
        });
    }

    private static bool IsReference(AnalyzerConfigOptions options) =>
        options.TryGetValue(ReferenceMetadata, out var v) && string.Equals(v?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsSpecFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static T Guard<T>(Func<T> work, Func<string, T> onError)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return onError(ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static void Report(SourceProductionContext spc, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var d in diagnostics)
            spc.ReportDiagnostic(Diagnostic.Create(Descriptor(d.Id), ToLocation(d), d.Message));
    }

    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> Descriptors = BuildDescriptors();

    private static ImmutableDictionary<string, DiagnosticDescriptor> BuildDescriptors()
    {
        var b = ImmutableDictionary.CreateBuilder<string, DiagnosticDescriptor>();
        foreach (var d in Diagnostics.All)
            b[d.Id] = new DiagnosticDescriptor(d.Id, d.Title, "{0}", "UcSocket.Spec", DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: null);
        return b.ToImmutable();
    }

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors[id];

    private static Location ToLocation(DiagnosticInfo d)
    {
        if (string.IsNullOrEmpty(d.Path)) return Location.None;
        var p = d.Pos;
        var span = new TextSpan(p.StartOffset, Math.Max(0, p.EndOffset - p.StartOffset));
        var lines = new LinePositionSpan(
            new LinePosition(Math.Max(0, p.StartLine - 1), Math.Max(0, p.StartColumn - 1)),
            new LinePosition(Math.Max(0, p.EndLine - 1), Math.Max(0, p.EndColumn - 1)));
        return Location.Create(d.Path, span, lines);
    }
}
