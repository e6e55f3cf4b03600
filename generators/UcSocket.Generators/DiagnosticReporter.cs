using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators;

/// <summary>A diagnostic with its position looked up, ready to report; still plain, equatable data.</summary>
public sealed record PlacedDiagnostic(string Id, string Path, SourcePos? Pos, EquatableArray<string> Args, string? RelatedPath, SourcePos? RelatedPos);

/// <summary>
/// Joins the diagnostics of every stage with the positions parsing recorded, and reports them. Diagnostics in
/// reference files are dropped (the library that owns them built them); each file reports at most
/// <see cref="Limits.MaxDiagnosticsPerFile"/>, and every message is cut to <see cref="Limits.MaxMessageChars"/>.
/// </summary>
public static class DiagnosticReporter
{
    private static readonly ImmutableDictionary<string, (DiagnosticSpec Spec, DiagnosticDescriptor Descriptor)> Descriptors =
        Parsing.Diagnostics.All.ToImmutableDictionary(d => d.Id, d => (d, new DiagnosticDescriptor(d.Id, d.Title, d.Format, "UcSocket.Spec", d.Severity, isEnabledByDefault: true)));

    public static EquatableArray<PlacedDiagnostic> Place(
        ImmutableArray<ParsedSpec> parsed, EquatableArray<DiagnosticInfo> index, ImmutableArray<EquatableArray<DiagnosticInfo>> resolved, EquatableArray<string> references)
    {
        var positions = new Dictionary<string, Dictionary<string, SourcePos>>(StringComparer.Ordinal);
        foreach (var p in parsed)
            positions[p.Path] = p.Positions.ToDictionary(n => n.Node, n => n.Pos, StringComparer.Ordinal);
        SourcePos? Find(string? path, string? node) =>
            path is not null && node is not null && positions.TryGetValue(path, out var nodes) && nodes.TryGetValue(node, out var pos) ? pos : null;

        var refs = new HashSet<string>(references, StringComparer.Ordinal);
        var all = parsed.SelectMany(p => p.Diagnostics).Concat(index).Concat(resolved.SelectMany(r => r))
            .Where(d => !refs.Contains(d.Path))
            .Select(d =>
            {
                var related = Find(d.RelatedPath, d.RelatedNode);
                var where = d.RelatedPath is null ? "" : System.IO.Path.GetFileName(d.RelatedPath) + (related is null ? "" : ":" + (related.StartLine + 1).ToString(CultureInfo.InvariantCulture));
                var args = d.Args.Select(a => a.Replace(DiagnosticInfo.RelatedPlaceholder, where)).ToArray();
                return new PlacedDiagnostic(d.Id, d.Path, Find(d.Path, d.Node) ?? (d.Path.Length > 0 ? new SourcePos(0, 0, 0, 0, 0, 0) : null),
                    Fit(d.Id, args).ToEquatableArray(), d.RelatedPath, related);
            });

        var result = new List<PlacedDiagnostic>();
        foreach (var file in all.GroupBy(d => d.Path).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = file.OrderBy(d => d.Pos?.StartOffset ?? 0).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
            result.AddRange(ordered.Take(Limits.MaxDiagnosticsPerFile));
            if (ordered.Count > Limits.MaxDiagnosticsPerFile)
            {
                var last = ordered[Limits.MaxDiagnosticsPerFile];
                result.Add(new PlacedDiagnostic(Parsing.Diagnostics.InvalidEntry.Id, file.Key, last.Pos,
                    new[] { "this file", $"{(ordered.Count - Limits.MaxDiagnosticsPerFile).ToString(CultureInfo.InvariantCulture)} more problems from here on are not shown; fix the ones above first" }.ToEquatableArray(),
                    null, null));
            }
        }
        return result.ToEquatableArray();
    }

    internal static void Report(SourceProductionContext spc, EquatableArray<PlacedDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var descriptor = Descriptors.TryGetValue(d.Id, out var entry) ? entry.Descriptor : Descriptors[Parsing.Diagnostics.InternalError.Id].Descriptor;
            var related = d.RelatedPath is not null && d.RelatedPos is not null ? new[] { Location(d.RelatedPath, d.RelatedPos) } : null;
            spc.ReportDiagnostic(Diagnostic.Create(descriptor, d.Pos is null ? Microsoft.CodeAnalysis.Location.None : Location(d.Path, d.Pos), related, d.Args.ToArray<object>()));
        }
    }

    /// <summary>The message of a placed diagnostic, formatted as the compiler formats it.</summary>
    public static string Message(PlacedDiagnostic d) =>
        string.Format(CultureInfo.InvariantCulture, Descriptors.TryGetValue(d.Id, out var entry) ? entry.Spec.Format : "{0}", d.Args.ToArray<object>());

    /// <summary>A diagnostic about no particular file (the generator failing as a whole, a bad namespace).</summary>
    public static PlacedDiagnostic Global(DiagnosticSpec spec, params string[] args) => new(spec.Id, "", null, Fit(spec.Id, args).ToEquatableArray(), null, null);

    private static Location Location(string path, SourcePos p) =>
        Microsoft.CodeAnalysis.Location.Create(path, new TextSpan(p.StartOffset, p.EndOffset - p.StartOffset),
            new LinePositionSpan(new LinePosition(p.StartLine, p.StartColumn), new LinePosition(p.EndLine, p.EndColumn)));

    /// <summary>The arguments, the longest ones cut, so that the message stays within <see cref="Limits.MaxMessageChars"/>.</summary>
    private static string[] Fit(string id, string[] args)
    {
        var format = Descriptors.TryGetValue(id, out var entry) ? entry.Spec.Format : "{0}";
        for (int round = 0; round < 8; round++)
        {
            int length;
            try { length = string.Format(CultureInfo.InvariantCulture, format, args.Cast<object>().ToArray()).Length; }
            catch (FormatException) { return args; }
            if (length <= Limits.MaxMessageChars) break;
            int longest = 0;
            for (int i = 1; i < args.Length; i++) if (args[i].Length > args[longest].Length) longest = i;
            int keep = Math.Max(8, args[longest].Length - (length - Limits.MaxMessageChars) - 1);
            if (keep >= args[longest].Length) break;
            args[longest] = args[longest].Substring(0, keep) + "…";
        }
        return args;
    }
}
