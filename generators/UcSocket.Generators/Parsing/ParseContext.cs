using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Parsing;

/// <summary>What parsing one file collects: diagnostics, the positions of the nodes they and the entries name, and helpers to read nodes.</summary>
internal sealed class ParseContext
{
    private readonly LineMap _lines;
    private readonly Dictionary<string, SourcePos> _positions = new(StringComparer.Ordinal);
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private int _synthetic;

    public ParseContext(string path, string text)
    {
        Path = path;
        _lines = new LineMap(text);
    }

    public string Path { get; }

    /// <summary>Set when a syntax error cut the file short.</summary>
    public bool Incomplete { get; set; }

    public bool HasErrors => _diagnostics.Count > 0;

    public EquatableArray<DiagnosticInfo> Diagnostics => _diagnostics.ToEquatableArray();

    public EquatableArray<NodePosition> Positions =>
        _positions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new NodePosition(p.Key, p.Value)).ToEquatableArray();

    /// <summary>The node's id, its position remembered for diagnostics.</summary>
    public string Ref(YamlNode node)
    {
        if (!_positions.ContainsKey(node.Id)) _positions[node.Id] = _lines.Pos(node.Start, node.End);
        return node.Id;
    }

    public void Report(DiagnosticSpec spec, YamlNode at, params string[] args) => Report(spec, at, null, args);

    public void Report(DiagnosticSpec spec, YamlNode at, YamlNode? related, params string[] args) =>
        _diagnostics.Add(new DiagnosticInfo(spec.Id, Path, Ref(at), args.ToEquatableArray(), related is null ? null : Path, related is null ? null : Ref(related)));

    /// <summary>A diagnostic at a span that is no node (a syntax error, a limit).</summary>
    public void ReportAt(DiagnosticSpec spec, int start, int end, params string[] args)
    {
        var id = "!" + (_synthetic++).ToString(CultureInfo.InvariantCulture);
        _positions[id] = _lines.Pos(start, end);
        _diagnostics.Add(new DiagnosticInfo(spec.Id, Path, id, args.ToEquatableArray()));
        if (spec == Parsing.Diagnostics.YamlSyntax || spec == Parsing.Diagnostics.Limit) Incomplete = true;
    }

    /// <summary>UCS006 at <paramref name="at"/>: "{what}: {problem}".</summary>
    public void Invalid(YamlNode at, string what, string problem) => Report(Parsing.Diagnostics.InvalidEntry, at, what, problem);

    /// <summary>"line 3, column 7" of an offset, 1-based as editors show it.</summary>
    public string LineColumn(int offset)
    {
        var p = _lines.Pos(offset, offset);
        return $"line {(p.StartLine + 1).ToString(CultureInfo.InvariantCulture)}, column {(p.StartColumn + 1).ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Checks a mapping's keys against the allowed ones; an unknown key is reported with the nearest allowed one.
    /// False if any key is unknown.
    /// </summary>
    public bool CheckKeys(YamlNode map, string what, params string[] allowed)
    {
        bool ok = true;
        foreach (var pair in map.Pairs)
        {
            if (Array.IndexOf(allowed, pair.Key.Value) >= 0) continue;
            Invalid(pair.Key, what, $"unknown key '{Quote(pair.Key.Value)}'{Naming.DidYouMean(pair.Key.Value, allowed)} (expected one of: {string.Join(", ", allowed)})");
            ok = false;
        }
        return ok;
    }

    /// <summary>
    /// The text of a scalar value, or null when the key is absent. A value that is a mapping or sequence is reported
    /// (naming the key) and read as absent, with <paramref name="ok"/> cleared.
    /// </summary>
    public string? Text(YamlNode map, string key, string what, ref bool ok)
    {
        var node = map[key];
        if (node is null) return null;
        if (node.IsScalar) return node.Value;
        Invalid(node, what, $"'{key}' must be a single value, not a {(node.Kind == YamlNodeKind.Mapping ? "mapping" : "list")}");
        ok = false;
        return null;
    }

    /// <summary>Text as quoted in a message: at most <see cref="Limits.MaxQuotedChars"/> characters, control characters shown as escapes.</summary>
    public static string Quote(string text)
    {
        var cut = text.Length > Limits.MaxQuotedChars ? text.Substring(0, Limits.MaxQuotedChars) : text;
        var sb = new System.Text.StringBuilder(cut.Length + 8);
        foreach (char c in cut)
        {
            if (c < ' ' || c is '\u007f' or '\u0085' or '\u2028' or '\u2029' || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        if (cut.Length < text.Length) sb.Append('…');
        return sb.ToString();
    }

    /// <summary>An integer in decimal, 0x hex or negative decimal; false for anything else or a value beyond long.</summary>
    public static bool TryParseInteger(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text!.Trim();
        bool negative = t.StartsWith("-", StringComparison.Ordinal);
        if (negative) t = t.Substring(1);
        ulong magnitude = 0;
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? t.Length > 2 && ulong.TryParse(t.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        if (!ok) return false;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue) return false;
        value = (long)magnitude;
        return true;
    }

    /// <summary>A non-negative decimal int no larger than <paramref name="max"/>.</summary>
    public static bool TryParseCount(string? text, int max, out int value)
    {
        value = 0;
        return text is not null && int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= max;
    }
}
