using System.Collections.Generic;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Parsing;

/// <summary>
/// Turns character offsets into lines and columns as the compiler counts them (line breaks: CR, LF, CR LF, NEL,
/// LS and PS, the same set YAML 1.1 uses), so that a reported position is the one an editor shows.
/// </summary>
internal sealed class LineMap
{
    private readonly List<int> _starts = new() { 0 };
    private readonly int _length;

    public LineMap(string text)
    {
        _length = text.Length;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n') i++;
                _starts.Add(i + 1);
            }
            else if (c is '\n' or '\u0085' or '\u2028' or '\u2029')
            {
                _starts.Add(i + 1);
            }
        }
    }

    /// <summary>The span [start, end) clamped to the text, with 0-based lines and columns.</summary>
    public SourcePos Pos(int start, int end)
    {
        start = Clamp(start);
        end = Clamp(end);
        if (end < start) end = start;
        var (sl, sc) = LineColumn(start);
        var (el, ec) = LineColumn(end);
        return new SourcePos(start, end, sl, sc, el, ec);
    }

    private int Clamp(int offset) => offset < 0 ? 0 : offset > _length ? _length : offset;

    private (int Line, int Column) LineColumn(int offset)
    {
        int lo = 0, hi = _starts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_starts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return (lo, offset - _starts[lo]);
    }
}
