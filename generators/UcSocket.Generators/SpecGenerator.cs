using System;
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
/// control-message descriptors, address-family codecs and constants. Each file is parsed on its own; files are
/// combined only into the small index that resolves names across them. Positions stay in the parse step's output
/// and reach only the diagnostics: the models the emitters see hold none, so a comment or whitespace edit
/// re-emits nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpecGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>One file's text to its content, node positions and syntax problems.</summary>
        public const string Parse = "UcSocket.Parse";
        /// <summary>One file's content alone: unchanged by comment and whitespace edits.</summary>
        public const string Content = "UcSocket.Content";
        public const string References = "UcSocket.References";
        public const string Index = "UcSocket.Index";
        public const string Resolve = "UcSocket.Resolve";
        /// <summary>The resolved file the emitters see.</summary>
        public const string Emit = "UcSocket.Emit";
        public const string Namespace = "UcSocket.Namespace";
        /// <summary>The project's root namespace, to see whether the generated classes would hide the library's.</summary>
        public const string RootNamespace = "UcSocket.RootNamespace";
        /// <summary>Which shared partial classes the files add to.</summary>
        public const string Classes = "UcSocket.Classes";
        /// <summary>Every stage's diagnostics with their positions.</summary>
        public const string Diagnostics = "UcSocket.Diagnostics";
    }

    /// <summary>The MSBuild property that names the namespace of the generated code.</summary>
    public const string NamespaceProperty = "build_property.UcSocketSpecNamespace";

    /// <summary>The project's root namespace: without <see cref="NamespaceProperty"/>, the generated code goes into its <see cref="DefaultSubNamespace"/>.</summary>
    public const string RootNamespaceProperty = "build_property.RootNamespace";

    /// <summary>
    /// The namespace under the root namespace that holds a project's generated code by default. Its own namespace,
    /// because the generated classes are named <c>SockOpt</c>, <c>Sockets</c> and <c>Cmsg</c> as the library's are:
    /// in the root namespace they would hide the library's from all of the project's code.
    /// </summary>
    public const string DefaultSubNamespace = "SocketSpec";

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
        var texts = context.AdditionalTextsProvider.Where(static t => IsSpecFile(t.Path));

        var parsed = texts
            .Select(static (t, ct) => Guard(() => t.GetText(ct) is { } text ? SpecParser.Parse(t.Path, text.ToString(), ct) : SpecParser.Failed(t.Path, "the file could not be read"),
                ex => SpecParser.Failed(t.Path, ex)))
            .WithTrackingName(Steps.Parse);

        var files = parsed.Select(static (p, _) => p.File).WithTrackingName(Steps.Content);

        // Which files are references, read from their item metadata. Kept apart from parsing so that a change of
        // options never re-parses a file.
        var references = texts
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => IsReference(pair.Right.GetOptions(pair.Left)) ? pair.Left.Path : null)
            .Collect()
            .Select(static (paths, _) => paths.OfType<string>().OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(Steps.References);

        var index = files.Collect()
            .Combine(references)
            .Select(static (pair, ct) => Guard(() => IndexBuilder.Build(pair.Left, pair.Right, ct), ex => new SpecIndex(default, default, default, default,
                new EquatableArray<DiagnosticInfo>(new[] { Failure("", ex) }), pair.Right)))
            .WithTrackingName(Steps.Index);

        var resolved = files.Combine(index)
            .Select(static (pair, ct) => Guard(() => Resolver.Resolve(pair.Left, pair.Right, ct), ex => new ResolveResult(
                new ResolvedFile(pair.Left.Path, "spec", IndexBuilder.RegistrationPrefix + "Spec", default, default, default, default, default),
                new EquatableArray<DiagnosticInfo>(new[] { Failure(pair.Left.Path, ex) }))))
            .WithTrackingName(Steps.Resolve);

        var emit = resolved.Select(static (r, _) => r.File).WithTrackingName(Steps.Emit);

        var ns = context.AnalyzerConfigOptionsProvider
            .Select(static (o, _) => ProjectNamespace(o.GlobalOptions))
            .WithTrackingName(Steps.Namespace);

        var classes = emit
            .Select(static (file, _) => new SpecClasses(file.Constants.Count > 0, file.Options.Count > 0, file.Cmsgs.Count > 0))
            .Collect()
            .Select(static (all, _) => new SpecClasses(all.Any(c => c.Constants), all.Any(c => c.Options), all.Any(c => c.Cmsgs)))
            .WithTrackingName(Steps.Classes);

        var diagnostics = parsed.Collect()
            .Combine(index.Select(static (i, _) => i.Diagnostics))
            .Combine(resolved.Select(static (r, _) => r.Diagnostics).Collect())
            .Combine(references)
            .Select(static (all, _) => Guard(() => DiagnosticReporter.Place(all.Left.Left.Left, all.Left.Left.Right, all.Left.Right, all.Right),
                ex => new EquatableArray<PlacedDiagnostic>(new[] { DiagnosticReporter.Global(Parsing.Diagnostics.InternalError, ex) })))
            .WithTrackingName(Steps.Diagnostics);

        context.RegisterSourceOutput(diagnostics, static (spc, list) => DiagnosticReporter.Report(spc, list));
        context.RegisterSourceOutput(emit.Combine(ns), static (spc, pair) =>
        {
            if (Naming.Namespace(pair.Right) is not { } name) return; // reported once, with the classes
            try
            {
                foreach (var source in FileEmitter.Emit(pair.Left, name))
                    spc.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DiagnosticReporter.Report(spc, new EquatableArray<PlacedDiagnostic>(new[] { DiagnosticReporter.Global(Parsing.Diagnostics.InternalError, Describe(ex)) }));
            }
        });
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (o, _) => o.GlobalOptions.TryGetValue(RootNamespaceProperty, out var r) && !string.IsNullOrWhiteSpace(r) ? r.Trim() : null)
            .WithTrackingName(Steps.RootNamespace);

        context.RegisterSourceOutput(classes.Combine(ns).Combine(rootNamespace), static (spc, all) =>
        {
            var (pair, root) = (all.Left, all.Right);
            if (HidesLibraryClasses(pair.Left, pair.Right, root) is { } hidden)
                DiagnosticReporter.Report(spc, new EquatableArray<PlacedDiagnostic>(new[] { DiagnosticReporter.Global(Parsing.Diagnostics.HidesLibrary,
                    hidden, pair.Right, root!, root + "." + DefaultSubNamespace) }));
            if (Naming.Namespace(pair.Right) is not { } name)
            {
                DiagnosticReporter.Report(spc, new EquatableArray<PlacedDiagnostic>(new[] { DiagnosticReporter.Global(Parsing.Diagnostics.InvalidEntry,
                    "UcSocketSpecNamespace (or RootNamespace)", $"'{ParseContext.Quote(pair.Right)}' is not a C# namespace; nothing is generated") }));
                return;
            }
            if (FileEmitter.EmitClasses(pair.Left, name) is { } source)
                spc.AddSource(source.HintName, SourceText.From(source.Text, System.Text.Encoding.UTF8));
        });
    }

    /// <summary>
    /// The namespace of the project's generated code: UcSocketSpecNamespace, else RootNamespace.SocketSpec, else
    /// UcSocket (a compilation that names neither, as the library's own build does with UcSocketSpecNamespace).
    /// </summary>
    internal static string ProjectNamespace(AnalyzerConfigOptions global) =>
        global.TryGetValue(NamespaceProperty, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim()
        : global.TryGetValue(RootNamespaceProperty, out var r) && !string.IsNullOrWhiteSpace(r) ? r.Trim() + "." + DefaultSubNamespace
        : CoreNamespace;

    /// <summary>
    /// The library classes (e.g. "SockOpt and Sockets") that the project's generated classes hide from the project's
    /// code, when they go into its root namespace or a namespace enclosing it: code there sees a class of an enclosing
    /// namespace before one a using directive imports, so <c>SockOpt.SoLinger</c> stops compiling. Null when nothing is hidden.
    /// </summary>
    internal static string? HidesLibraryClasses(SpecClasses classes, string ns, string? root)
    {
        if (root is null || ns == CoreNamespace || (root != ns && !root.StartsWith(ns + ".", StringComparison.Ordinal))) return null;
        var names = new System.Collections.Generic.List<string>();
        if (classes.Options) names.Add("SockOpt");
        if (classes.Constants) names.Add("Sockets");
        if (classes.Cmsgs) names.Add("Cmsg");
        return names.Count == 0 ? null : string.Join(", ", names.Take(names.Count - 1)) + (names.Count > 1 ? " and " : "") + names[names.Count - 1];
    }

    /// <summary>Whether an additional file is a reference spec file (see <see cref="ReferenceMetadata"/>).</summary>
    internal static bool IsReference(AnalyzerConfigOptions options) =>
        options.TryGetValue(ReferenceMetadata, out var v) && string.Equals(v?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsSpecFile(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs a step; an exception (a generator bug) becomes its result instead of taking the whole generator down (CS8785).</summary>
    private static T Guard<T>(Func<T> work, Func<string, T> onError)
    {
        try
        {
            return work();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return onError(Describe(ex));
        }
    }

    private static string Describe(Exception ex) => ex.GetType().Name + ": " + ex.Message;

    private static DiagnosticInfo Failure(string path, string message) =>
        new(Parsing.Diagnostics.InternalError.Id, path, SpecParser.FailureNode, new EquatableArray<string>(new[] { message }));
}
