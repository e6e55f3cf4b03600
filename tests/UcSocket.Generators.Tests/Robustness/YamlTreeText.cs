using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace UcSocket.Generators.Tests.Robustness;

/// <summary>A small YAML tree for generated inputs: scalars, mappings and sequences, written in block or flow style.</summary>
public abstract record Y
{
    public sealed record S(string Text) : Y;

    public sealed record M(IReadOnlyList<(string Key, Y Value)> Pairs, bool Flow = false) : Y;

    public sealed record L(IReadOnlyList<Y> Items, bool Flow = false) : Y;

    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb, this, 0, topLevel: true);
        return sb.ToString();
    }

    /// <summary>A scalar as YAML text: plain when it reads back as itself, else double-quoted with escapes.</summary>
    public static string Scalar(string text)
    {
        bool plain = text.Length > 0 && text.All(c => char.IsLetterOrDigit(c) && c < 128 || c is '_' or '.' or '/' or '-' or ' ')
            && !text.StartsWith('-') && !text.StartsWith(' ') && !text.EndsWith(' ') && text is not ("true" or "false" or "null" or "~");
        if (plain) return text;
        var sb = new StringBuilder("\"");
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (c < ' ' || c is '\u0085' or '\u2028' or '\u2029' || char.IsSurrogate(c)) sb.Append("\\u").Append(((int)c).ToString("x4"));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static void Write(StringBuilder sb, Y node, int indent, bool topLevel = false)
    {
        switch (node)
        {
            case S s:
                sb.Append(Scalar(s.Text));
                break;
            case M { Flow: true } or L { Flow: true }:
                WriteFlow(sb, node);
                break;
            case M m:
                if (m.Pairs.Count == 0) { sb.Append("{}"); break; }
                bool first = true;
                foreach (var (key, value) in m.Pairs)
                {
                    if (!first || !topLevel) sb.Append('\n').Append(' ', indent);
                    first = false;
                    sb.Append(Scalar(key)).Append(':');
                    if (value is S) sb.Append(' ');
                    else if (value is M { Flow: true } or L { Flow: true } or M { Pairs.Count: 0 } or L { Items.Count: 0 }) sb.Append(' ');
                    Write(sb, value, indent + 2);
                }
                break;
            case L l:
                if (l.Items.Count == 0) { sb.Append("[]"); break; }
                foreach (var item in l.Items)
                {
                    sb.Append('\n').Append(' ', indent).Append("- ");
                    if (item is M { Flow: false, Pairs.Count: > 0 } or L { Flow: false, Items.Count: > 0 }) WriteFlow(sb, item);
                    else Write(sb, item, indent + 2);
                }
                break;
        }
        if (topLevel) sb.Append('\n');
    }

    private static void WriteFlow(StringBuilder sb, Y node)
    {
        switch (node)
        {
            case S s: sb.Append(Scalar(s.Text)); break;
            case M m:
                sb.Append("{ ");
                for (int i = 0; i < m.Pairs.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(Scalar(m.Pairs[i].Key)).Append(": ");
                    WriteFlow(sb, m.Pairs[i].Value);
                }
                sb.Append(" }");
                break;
            case L l:
                sb.Append('[');
                for (int i = 0; i < l.Items.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteFlow(sb, l.Items[i]);
                }
                sb.Append(']');
                break;
        }
    }
}
