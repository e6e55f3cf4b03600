using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace UcSocket.Tests.Matrix;

/// <summary>An option or cmsg entry of the spec with its <c>test:</c> row, read straight from the YAML files.</summary>
internal sealed record SpecRow(string Kind, string Level, string Name, string File, int Line, IReadOnlyDictionary<string, object?>? Test)
{
    public string Where => $"{Path.GetFileName(File)}:{Line}";

    public object? this[string key] => Test is not null && Test.TryGetValue(key, out var v) ? v : null;

    public bool Has(string key) => Test is not null && Test.ContainsKey(key);
}

/// <summary>
/// Reads the spec's option and cmsg entries and their test rows. A test row is plain data: the matrix tests
/// interpret it, the generator ignores it. Scalars keep YAML's meaning: true/false are bools, numbers are longs,
/// quoted text is always a string.
/// </summary>
internal static class SpecRows
{
    private static readonly Lazy<List<SpecRow>> s_rows = new(Load);

    public static string RepoRoot { get; } = FindRoot();

    public static IReadOnlyList<SpecRow> Options => s_rows.Value.Where(r => r.Kind == "option").ToList();

    public static IReadOnlyList<SpecRow> Cmsgs => s_rows.Value.Where(r => r.Kind == "cmsg").ToList();

    /// <summary>An option row by name, or by LEVEL/NAME where the name is used at more than one level.</summary>
    public static SpecRow Option(string name) => Options.Single(r => r.Name == name || r.Level + "/" + r.Name == name);

    public static SpecRow Cmsg(string levelAndType) => Cmsgs.Single(r => r.Level + "/" + r.Name == levelAndType);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "UcSocket.Gen.sln"))) return dir.FullName;
        throw new InvalidOperationException("UcSocket.Gen.sln not found above " + AppContext.BaseDirectory);
    }

    private static List<SpecRow> Load()
    {
        var rows = new List<SpecRow>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "spec"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(System.IO.File.ReadAllText(file)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) continue;
            // An entry without a level takes the file's default level (spec/README.md, "level").
            var defaultLevel = root.Children.TryGetValue(new YamlScalarNode("level"), out var l) ? ((YamlScalarNode)l).Value ?? "" : "";
            foreach (var (section, kind, nameKey) in new[] { ("options", "option", "name"), ("cmsgs", "cmsg", "type") })
            {
                if (!root.Children.TryGetValue(new YamlScalarNode(section), out var list) || list is not YamlSequenceNode seq) continue;
                foreach (var item in seq.OfType<YamlMappingNode>())
                {
                    string Get(string key) => item.Children.TryGetValue(new YamlScalarNode(key), out var v) ? ((YamlScalarNode)v).Value ?? "" : "";
                    var test = item.Children.TryGetValue(new YamlScalarNode("test"), out var t) ? (IReadOnlyDictionary<string, object?>?)Convert(t) : null;
                    var level = Get("level");
                    rows.Add(new SpecRow(kind, level.Length > 0 ? level : defaultLevel, Get(nameKey), file, (int)item.Start.Line, test));
                }
            }
        }
        return rows;
    }

    /// <summary>YAML to ucode-style values: mappings to dictionaries, sequences to lists, scalars typed as YAML reads them.</summary>
    public static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => Convert(e.Value)),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode sc when sc.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted => sc.Value,
        YamlScalarNode sc => Scalar(sc.Value),
        _ => null,
    };

    private static object? Scalar(string? text)
    {
        if (text is null or "~" or "null") return null;
        if (text == "true") return true;
        if (text == "false") return false;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h)) return h;
        return text;
    }
}

/// <summary>errno names and values, read from the machine's kernel headers (asm-generic/errno-base.h, errno.h).</summary>
internal static class ErrnoNames
{
    private static readonly Lazy<Dictionary<string, int>> s_values = new(() =>
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var header in new[] { "/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h" })
            foreach (Match m in Regex.Matches(System.IO.File.ReadAllText(header), @"^#define\s+(E[A-Z0-9]+)\s+(\d+)", RegexOptions.Multiline))
                d[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        foreach (var header in new[] { "/usr/include/asm-generic/errno.h" })
            foreach (Match m in Regex.Matches(System.IO.File.ReadAllText(header), @"^#define\s+(E[A-Z0-9]+)\s+(E[A-Z0-9]+)\b", RegexOptions.Multiline))
                if (d.TryGetValue(m.Groups[2].Value, out var alias)) d[m.Groups[1].Value] = alias;
        return d;
    });

    public static int Value(string name) =>
        s_values.Value.TryGetValue(name, out var v) ? v : throw new ArgumentException($"{name} is no errno name in the kernel headers");
}
