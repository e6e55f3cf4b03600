using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Analysis;

/// <summary>An option as the analyzer sees it: where it is, what it takes, and the C# names of its typed form.</summary>
/// <param name="Namespace">The namespace of the generated <c>SockOpt</c> class and of the option's own structs.</param>
public sealed record AnalyzedOption(ResolvedOption Option, string Namespace)
{
    public string Name => Option.Name;
    public string LevelName => Option.LevelName;
}

/// <summary>A control-message type as the analyzer sees it.</summary>
public sealed record AnalyzedCmsg(ResolvedCmsg Cmsg, string Namespace)
{
    public string Name => Cmsg.Name;
    public string LevelName => Cmsg.LevelName;
}

/// <summary>
/// The spec tables a compilation builds against: every option, control-message type, struct and constant of its spec
/// files (its own YAML and the reference files the package hands over), read by the generator's own parser, index and
/// resolver. Built once per set of file contents and shared by the compilations that have the same files.
/// </summary>
public sealed class SpecTables
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, SpecTables> Cache = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, ParsedSpec> Parsed = new(StringComparer.Ordinal);
    private const int CacheSize = 16;

    private readonly Dictionary<(int Level, int Option), AnalyzedOption> _options = new();
    private readonly Dictionary<string, List<AnalyzedOption>> _optionsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Level, int Type), AnalyzedCmsg> _cmsgs = new();
    private readonly Dictionary<string, List<AnalyzedCmsg>> _cmsgsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructLayout> _structs = new(StringComparer.Ordinal);
    private readonly string _projectNamespace;

    private SpecTables(IReadOnlyList<SpecFile> files, IReadOnlyList<string> references, string projectNamespace, CancellationToken ct)
    {
        _projectNamespace = projectNamespace;
        var index = IndexBuilder.Build(files, references, ct);
        foreach (var c in index.Constants) _constants[c.Name] = c.Value;
        foreach (var s in index.Structs) _structs[s.Tag] = s;
        // The resolver leaves reference files out (the generator emits nothing for them); the analyzer needs their
        // entries too, so it resolves every file as if it were the project's own. Which entry owns a name, and the
        // namespaces of the reference files' structs, still come from the index built with the references.
        var all = index with { References = EquatableArray<string>.Empty };
        var refs = new HashSet<string>(references, StringComparer.Ordinal);
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            var ns = refs.Contains(file.Path) ? SpecGenerator.CoreNamespace : projectNamespace;
            var resolved = Resolver.Resolve(file, all, ct).File;
            foreach (var o in resolved.Options)
            {
                var option = new AnalyzedOption(o, ns);
                _options[(o.Level, o.Option)] = option;
                Add(_optionsByName, o.Name, option);
            }
            foreach (var c in resolved.Cmsgs)
            {
                var cmsg = new AnalyzedCmsg(c, ns);
                _cmsgs[(c.Level, c.Type)] = cmsg;
                Add(_cmsgsByName, c.Name, cmsg);
            }
        }
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = new List<T>();
        list.Add(value);
    }

    /// <summary>True when the spec defines no option and no control-message type: nothing to check.</summary>
    public bool IsEmpty => _options.Count == 0 && _cmsgs.Count == 0;

    public bool TryGetOption(int level, int option, out AnalyzedOption result) => _options.TryGetValue((level, option), out result!);

    /// <summary>The options named <paramref name="name"/> (one per level: MCAST_JOIN_GROUP is at IPPROTO_IP and IPPROTO_IPV6).</summary>
    public IReadOnlyList<AnalyzedOption> OptionsNamed(string name) => _optionsByName.TryGetValue(name, out var list) ? list : Array.Empty<AnalyzedOption>();

    public bool TryGetCmsg(int level, int type, out AnalyzedCmsg result) => _cmsgs.TryGetValue((level, type), out result!);

    public IReadOnlyList<AnalyzedCmsg> CmsgsNamed(string name) => _cmsgsByName.TryGetValue(name, out var list) ? list : Array.Empty<AnalyzedCmsg>();

    public bool TryGetConstant(string name, out long value) => _constants.TryGetValue(name, out value);

    /// <summary>The spec's names of a level value (SOL_TCP and IPPROTO_TCP are both 6), from the options and cmsgs that use it.</summary>
    public string LevelName(int level) =>
        _options.Values.Where(o => o.Option.Level == level).Select(o => o.LevelName)
            .Concat(_cmsgs.Values.Where(c => c.Cmsg.Level == level).Select(c => c.LevelName))
            .OrderBy(n => n, StringComparer.Ordinal).FirstOrDefault() ?? level.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool TryGetStruct(string tag, out StructLayout layout) => _structs.TryGetValue(tag, out layout!);

    /// <summary>The namespace a struct's C# type lives in.</summary>
    public string NamespaceOf(StructLayout layout) => layout.ReferenceNamespace ?? _projectNamespace;

    /// <summary>The tables of a compilation's spec files; empty when it has none.</summary>
    public static SpecTables For(AnalyzerOptions options, CancellationToken ct)
    {
        var files = options.AdditionalFiles.Where(f => SpecGenerator.IsSpecFile(f.Path))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var provider = options.AnalyzerConfigOptionsProvider;
        var ns = SpecGenerator.ProjectNamespace(provider.GlobalOptions);
        var texts = new List<(string Path, string Text, bool Reference)>();
        foreach (var f in files)
        {
            var text = f.GetText(ct);
            if (text is null) continue;
            texts.Add((f.Path, text.ToString(), SpecGenerator.IsReference(provider.GetOptions(f))));
        }
        var key = ns + "\n" + string.Join("\n", texts.Select(t => $"{t.Path}\u0001{(t.Reference ? 1 : 0)}\u0001{Hash(t.Text)}"));
        lock (Gate)
        {
            if (Cache.TryGetValue(key, out var cached)) return cached;
        }
        var parsed = texts.Select(t => Parse(t.Path, t.Text, ct).File).ToList();
        var tables = new SpecTables(parsed, texts.Where(t => t.Reference).Select(t => t.Path).ToList(), ns, ct);
        lock (Gate)
        {
            if (Cache.Count >= CacheSize) Cache.Clear();
            Cache[key] = tables;
        }
        return tables;
    }

    private static ParsedSpec Parse(string path, string text, CancellationToken ct)
    {
        var key = path + "\u0001" + Hash(text);
        lock (Gate)
        {
            if (Parsed.TryGetValue(key, out var p)) return p;
        }
        var parsed = SpecParser.Parse(path, text, ct);
        lock (Gate)
        {
            if (Parsed.Count >= CacheSize * 16) Parsed.Clear();
            Parsed[key] = parsed;
        }
        return parsed;
    }

    /// <summary>A content key: the length and a 64-bit FNV-1a hash of the text.</summary>
    private static string Hash(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + h.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
