using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace UcSocket.Generators.Emit;

/// <summary>
/// A StringBuilder that indents; every emitted file goes through one. Interpolated lines are formatted with the
/// invariant culture (<see cref="InvariantText"/>): generated code never depends on the culture the compiler runs in.
/// </summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', _indent * 4).Append(text);
        _sb.Append('\n');
        return this;
    }

    public CodeWriter Line(InvariantText text) => Line(text.ToString());

    public CodeWriter Open(string text)
    {
        Line(text);
        Line("{");
        _indent++;
        return this;
    }

    public CodeWriter Open(InvariantText text) => Open(text.ToString());

    public CodeWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    /// <summary>Text formatted with the invariant culture.</summary>
    public static string Invariant(InvariantText text) => text.ToString();

    /// <summary>Text for the inside of a C# string literal: quotes, backslashes, line breaks and control characters escaped.</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                default:
                    if (c < ' ' || c is >= '\u007f' and <= '\u009f' or '\u2028' or '\u2029' || char.IsSurrogate(c))
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Text for an XML doc comment: markup characters as entities, line breaks as spaces (a <c>///</c> line ends at
    /// any of them), and characters XML does not allow replaced.
    /// </summary>
    public static string Xml(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r' or '\n' or '\t' or '\u0085' or '\u2028' or '\u2029': sb.Append(' '); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
                    else if (c < ' ' || c is >= '\u007f' and <= '\u009f' || char.IsSurrogate(c) || c is '\ufffe' or '\uffff') sb.Append('\ufffd');
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    public override string ToString() => _sb.ToString();
}

/// <summary>An interpolated string whose holes are formatted with the invariant culture.</summary>
[InterpolatedStringHandler]
internal readonly struct InvariantText
{
    private readonly StringBuilder _sb;

    public InvariantText(int literalLength, int formattedCount) => _sb = new StringBuilder(literalLength + formattedCount * 8);

    public void AppendLiteral(string value) => _sb.Append(value);

    public void AppendFormatted<T>(T value) => _sb.Append(value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value?.ToString());

    public void AppendFormatted<T>(T value, string? format) => _sb.Append(value is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : value?.ToString());

    public override string ToString() => _sb.ToString();
}
