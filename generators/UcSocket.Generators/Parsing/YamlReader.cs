using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace UcSocket.Generators.Parsing;

/// <summary>
/// Reads a spec file into a <see cref="YamlNode"/> tree from YamlDotNet's parser events, one event at a time and
/// without recursion, refusing what the spec format does not need and what could exhaust the compiler (see
/// <see cref="Limits"/>): nesting deeper than <see cref="Limits.MaxDepth"/>, oversized files, keys and scalars,
/// aliases (refused outright: the format never needs them, and expanding them is how small files grow huge),
/// non-scalar and duplicate keys, and a second document. A syntax error stops the reading there; what was read
/// before it is kept, and the nodes it cut short are marked incomplete.
/// </summary>
internal sealed class YamlReader
{
    private readonly string _text;
    private readonly ParseContext _ctx;
    private readonly Stack<Frame> _open = new();
    private YamlNode? _root;
    private int _documents;
    private int _lastEnd;

    private YamlReader(string text, ParseContext ctx)
    {
        _text = text;
        _ctx = ctx;
    }

    /// <summary>The root node of the file's document, or null when there is none (an empty file) or nothing could be read.</summary>
    public static YamlNode? Read(string text, ParseContext ctx, CancellationToken cancellationToken)
    {
        if (text.Length > Limits.MaxFileChars)
        {
            ctx.ReportAt(Diagnostics.Limit, Limits.MaxFileChars, text.Length,
                $"the file has {Num(text.Length)} characters", $"{Num(Limits.MaxFileChars)} characters per file");
            return null;
        }
        var reader = new YamlReader(text, ctx);
        reader.Run(cancellationToken);
        return reader._root;
    }

    private sealed class Frame
    {
        public Frame(YamlNode node) => Node = node;
        public YamlNode Node { get; }
        public YamlNode? PendingKey { get; set; }
        public bool BadKey { get; set; }
        public int NextIndex { get; set; }
    }

    private void Run(CancellationToken cancellationToken)
    {
        var scanner = new Scanner(new StringReader(_text), skipComments: true);
        var parser = new Parser(scanner);
        int events = 0;
        try
        {
            while (parser.MoveNext())
            {
                if ((++events & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
                if (!Accept(parser.Current!)) break;
            }
        }
        catch (YamlException ex)
        {
            var message = ex.Message;
            int start = (int)Math.Min(ex.Start.Index, int.MaxValue), end = (int)Math.Min(ex.End.Index, int.MaxValue);
            // YamlDotNet places a tab-indentation error at the start of the enclosing mapping; point at the tab.
            if (message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0 && IndentingTab((int)ex.Start.Line) is { } tab)
                (start, end) = (tab, tab + 1);
            _ctx.ReportAt(Diagnostics.YamlSyntax, start, Math.Max(start, end), Hint(message.Trim(), start));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // YamlDotNet's scanner also fails with exceptions of its own state (InvalidOperationException,
            // ArgumentException) on some malformed input; they carry no position, so use the scanner's.
            int at = (int)Math.Min(scanner.CurrentPosition.Index, int.MaxValue);
            _ctx.ReportAt(Diagnostics.YamlSyntax, at, at, Hint($"the YAML reader could not go on here ({ex.GetType().Name}: {ex.Message.Trim()})", at));
        }
        // Whatever is still open was cut short: keep what it holds, marked incomplete.
        while (_open.Count > 0)
        {
            var frame = _open.Pop();
            frame.Node.End = Math.Max(frame.Node.Start, _lastEnd);
            Close(frame.Node, complete: false);
            Add(frame.Node);
        }
    }

    /// <summary>Takes one event; false to stop reading.</summary>
    private bool Accept(ParsingEvent e)
    {
        int start = Offset(e.Start), end = Math.Max(start, Offset(e.End));
        _lastEnd = Math.Max(_lastEnd, end);
        switch (e)
        {
            case StreamStart or StreamEnd or Comment:
                return true;
            case DocumentStart:
                if (_documents > 0)
                {
                    _ctx.ReportAt(Diagnostics.Unsupported, start, end, "a second YAML document", "a spec file holds one document; start another file");
                    return false;
                }
                return true;
            case DocumentEnd:
                _documents++;
                return true;
            case AnchorAlias alias:
                _ctx.ReportAt(Diagnostics.Unsupported, start, end, $"the alias *{ParseContext.Quote(alias.Value.Value)}",
                    "spec files take no aliases: write the entry out");
                return Add(Placeholder(start, end));
            case Scalar s:
                if (s.Value.Length > Limits.MaxScalarChars)
                {
                    _ctx.ReportAt(Diagnostics.Limit, start, end, $"this value has {Num(s.Value.Length)} characters", $"{Num(Limits.MaxScalarChars)} characters per value");
                    return false;
                }
                if (IsKeyPosition() && s.Value.Length > Limits.MaxKeyChars)
                {
                    _ctx.ReportAt(Diagnostics.Limit, start, end, $"this key has {Num(s.Value.Length)} characters", $"{Num(Limits.MaxKeyChars)} characters per key");
                    return false;
                }
                return Add(YamlNode.Scalar(NextId(), start, end, s.Value, s.Style));
            case MappingStart or SequenceStart:
                if (_open.Count >= Limits.MaxDepth)
                {
                    _ctx.ReportAt(Diagnostics.Limit, start, end, $"this {(e is MappingStart ? "mapping" : "sequence")} is nested {Num(_open.Count + 1)} levels deep",
                        $"{Num(Limits.MaxDepth)} levels");
                    return false;
                }
                _open.Push(new Frame(YamlNode.Collection(e is MappingStart ? YamlNodeKind.Mapping : YamlNodeKind.Sequence, NextId(), start)));
                return true;
            case MappingEnd or SequenceEnd:
                {
                    var frame = _open.Pop();
                    frame.Node.End = Math.Max(frame.Node.Start, end);
                    bool complete = frame.PendingKey is null && !frame.BadKey;
                    Close(frame.Node, complete);
                    return Add(frame.Node);
                }
            default:
                _ctx.ReportAt(Diagnostics.YamlSyntax, start, end, $"unexpected YAML event {e.GetType().Name}");
                return false;
        }
    }

    private static void Close(YamlNode node, bool complete)
    {
        if (!complete) node.Complete = false;
        else
        {
            node.Complete = true;
            foreach (var item in node.Items) node.Complete &= item.Complete;
            foreach (var pair in node.Pairs) node.Complete &= pair.Value.Complete;
        }
    }

    /// <summary>Stands for a node that could not be taken (an alias): incomplete, so the entry holding it is left out.</summary>
    private YamlNode Placeholder(int start, int end)
    {
        var node = YamlNode.Scalar(NextId(), start, end, "", ScalarStyle.Plain);
        node.Complete = false;
        return node;
    }

    private bool IsKeyPosition() => _open.Count > 0 && _open.Peek().Node.Kind == YamlNodeKind.Mapping && _open.Peek().PendingKey is null;

    /// <summary>The id the next child of the innermost open collection gets.</summary>
    private string NextId()
    {
        if (_open.Count == 0) return "r";
        var f = _open.Peek();
        if (f.Node.Kind == YamlNodeKind.Sequence) return f.Node.Id + "/s" + Num(f.NextIndex);
        return f.Node.Id + (f.PendingKey is null ? "/k" : "/v") + Num(f.NextIndex);
    }

    private bool Add(YamlNode node)
    {
        if (_open.Count == 0)
        {
            _root ??= node;
            return true;
        }
        var f = _open.Peek();
        if (f.Node.Kind == YamlNodeKind.Sequence)
        {
            f.Node.Items.Add(node);
            f.NextIndex++;
            return true;
        }
        if (f.PendingKey is null)
        {
            f.PendingKey = node;
            return true;
        }
        var key = f.PendingKey;
        f.PendingKey = null;
        f.NextIndex++;
        if (!key.IsScalar || !key.Complete)
        {
            if (key.Complete)
                _ctx.ReportAt(Diagnostics.Unsupported, key.Start, key.End, "a mapping or sequence as a key", "keys are plain names");
            f.BadKey = true;
            return true;
        }
        foreach (var pair in f.Node.Pairs)
        {
            if (pair.Key.Value == key.Value)
            {
                _ctx.Report(Diagnostics.DuplicateKey, key, related: pair.Key,
                    $"duplicate key '{ParseContext.Quote(key.Value)}' (the first is at {Model.DiagnosticInfo.RelatedPlaceholder})");
                return true; // the first one stands
            }
        }
        f.Node.Pairs.Add(new KeyValuePair<YamlNode, YamlNode>(key, node));
        return true;
    }

    private int Offset(Mark mark) => (int)Math.Min(Math.Max(mark.Index, 0), _text.Length);

    /// <summary>The offset of the first tab in the indentation of a line at or after <paramref name="fromLine"/> (1-based), if any.</summary>
    private int? IndentingTab(int fromLine)
    {
        int line = 1, start = 0;
        while (start <= _text.Length)
        {
            int end = _text.IndexOf('\n', start);
            if (end < 0) end = _text.Length;
            if (line >= fromLine)
            {
                for (int i = start; i < end && (_text[i] == ' ' || _text[i] == '\t'); i++)
                    if (_text[i] == '\t') return i;
            }
            start = end + 1;
            line++;
        }
        return null;
    }

    /// <summary>Adds to a syntax error's message where an unclosed <c>{</c> or <c>[</c> before it was opened.</summary>
    private string Hint(string message, int at)
    {
        var opener = UnclosedFlow(at);
        return opener is null ? message : $"{message} (the '{_text[opener.Value]}' at {_ctx.LineColumn(opener.Value)} is not closed)";
    }

    /// <summary>The offset of the innermost flow bracket still open at <paramref name="at"/>, skipping quoted text and comments; null if none.</summary>
    private int? UnclosedFlow(int at)
    {
        var open = new Stack<int>();
        char quote = '\0';
        for (int i = 0; i < at && i < _text.Length; i++)
        {
            char c = _text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            switch (c)
            {
                case '"' or '\'' when i == 0 || " \t[{,:".IndexOf(_text[i - 1]) >= 0: quote = c; break;
                case '#' when i == 0 || _text[i - 1] is ' ' or '\t' or '\n' or '\r':
                    while (i < at && i < _text.Length && _text[i] is not ('\n' or '\r')) i++;
                    break;
                case '{' or '[': open.Push(i); break;
                case '}' or ']': if (open.Count > 0) open.Pop(); break;
            }
        }
        return open.Count > 0 ? open.Peek() : null;
    }

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);
}
