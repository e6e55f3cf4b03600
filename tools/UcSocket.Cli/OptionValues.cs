using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace UcSocket.Cli;

/// <summary>
/// Socket options by their spec names, looked up in <see cref="SpecRegistry.Options"/>, and the values given
/// for them on the command line, turned into the ucode-style values the library's <c>SetOpt</c> takes.
/// </summary>
internal static class OptionValues
{
    private static readonly Lazy<Dictionary<string, List<SocketOption>>> s_byName = new(() =>
    {
        var map = new Dictionary<string, List<SocketOption>>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in SpecRegistry.Options)
        {
            if (!map.TryGetValue(option.Name, out var list)) map[option.Name] = list = [];
            list.Add(option);
        }
        return map;
    });

    /// <summary>Finds an option by name (case-insensitive); an unknown or ambiguous name is a usage error.</summary>
    public static SocketOption Find(string name, string what)
    {
        if (s_byName.Value.TryGetValue(name, out var found))
        {
            if (found.Count == 1) return found[0];
            throw new UsageException($"{what}: option name {name} is ambiguous (levels {string.Join(", ", found.Select(o => o.Level))})");
        }
        string? near = Suggest(name);
        throw new UsageException($"{what}: unknown socket option '{name}'" + (near is null ? "" : $" (did you mean {near}?)")
            + "; 'ucsock options' lists them");
    }

    /// <summary>
    /// The value to hand to <c>SetOpt</c> for <paramref name="setting"/>, checked against the option's own codec
    /// (so a bad value or struct field is reported, naming it, before any socket exists). The text is offered as
    /// it is first (text options keep "true" or "1,2" as text; numeric options parse numeric text themselves),
    /// then as the value it reads as: an integer, a bool, or a dictionary for field=value,...
    /// </summary>
    public static object? Parse(SocketOption option, OptionSetting setting)
    {
        string what = "-o " + setting;
        if (!option.CanSet) throw new UsageException($"{what}: {option.Name} is read-only");
        string text = setting.Value;
        if (option.TryEncodeUcode(text, out _, out _)) return text;

        object? inferred;
        try
        {
            inferred = new ValueReader(text).ReadTop();
        }
        catch (FormatException e)
        {
            throw new UsageException($"{what}: {e.Message}");
        }
        if (!option.TryEncodeUcode(inferred, out _, out var error))
            throw new UsageException($"{what}: {error.Message} (value for {option.Name}: {option.SetDescription})");
        return inferred;
    }

    /// <summary>A close option name for a typo, or null.</summary>
    private static string? Suggest(string name)
    {
        string upper = name.ToUpperInvariant();
        string? best = null;
        int bestDistance = 3;
        foreach (var candidate in s_byName.Value.Keys)
        {
            int d = Distance(upper, candidate.ToUpperInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>
    /// Reads a command-line value: <c>true</c>/<c>false</c>, an integer (decimal or 0x hex, optionally
    /// negative), <c>field=value,...</c> (a dictionary), <c>{...}</c> (a nested dictionary), <c>[a,b]</c> (a list),
    /// or else the text itself.
    /// </summary>
    internal sealed class ValueReader(string text)
    {
        private int _pos;

        public object? ReadTop()
        {
            if (text.Length > 0 && text[0] is '{' or '[')
            {
                var value = ReadValue(text.Length);
                if (_pos != text.Length) throw new FormatException($"unexpected text after '{text[0]}...' at position {_pos}");
                return value;
            }
            if (ContainsTopLevel('=')) return ReadFields(text.Length);
            return Scalar(text);
        }

        private bool ContainsTopLevel(char c)
        {
            int depth = 0;
            foreach (char ch in text)
            {
                if (ch is '{' or '[') depth++;
                else if (ch is '}' or ']') depth--;
                else if (ch == c && depth == 0) return true;
            }
            return false;
        }

        /// <summary>field=value pairs separated by commas, up to <paramref name="end"/>.</summary>
        private Dictionary<string, object?> ReadFields(int end)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (_pos < end)
            {
                int eq = text.IndexOf('=', _pos, end - _pos);
                int comma = IndexOfTopLevel(',', _pos, end);
                if (eq < 0 || (comma >= 0 && comma < eq))
                {
                    string item = text[_pos..(comma < 0 ? end : comma)];
                    throw new FormatException($"expected field=value, got '{item}'");
                }
                string key = text[_pos..eq].Trim();
                if (key.Length == 0) throw new FormatException("a field name is missing before '='");
                if (result.ContainsKey(key)) throw new FormatException($"field {key} is given twice");
                _pos = eq + 1;
                result[key] = ReadValue(end);
                if (_pos < end)
                {
                    if (text[_pos] != ',') throw new FormatException($"expected ',' after the value of field {key}");
                    _pos++;
                    if (_pos == end) throw new FormatException("a field is missing after the last ','");
                }
            }
            return result;
        }

        private object? ReadValue(int end)
        {
            if (_pos < end && text[_pos] is '{' or '[')
            {
                char open = text[_pos];
                int close = Matching(_pos, end);
                int start = _pos + 1;
                _pos = start;
                object? value = open == '{' ? ReadFields(close) : ReadList(close);
                _pos = close + 1;
                return value;
            }
            int stop = IndexOfTopLevel(',', _pos, end);
            if (stop < 0) stop = end;
            string raw = text[_pos..stop];
            _pos = stop;
            return Scalar(raw);
        }

        private List<object?> ReadList(int end)
        {
            var list = new List<object?>();
            while (_pos < end)
            {
                list.Add(ReadValue(end));
                if (_pos < end)
                {
                    if (text[_pos] != ',') throw new FormatException("expected ',' between list items");
                    _pos++;
                }
            }
            return list;
        }

        private int Matching(int open, int end)
        {
            int depth = 0;
            for (int i = open; i < end; i++)
            {
                if (text[i] is '{' or '[') depth++;
                else if (text[i] is '}' or ']')
                {
                    depth--;
                    if (depth == 0)
                    {
                        char expected = text[open] == '{' ? '}' : ']';
                        if (text[i] != expected) throw new FormatException($"'{text[open]}' closed by '{text[i]}'");
                        return i;
                    }
                }
            }
            throw new FormatException($"'{text[open]}' is not closed");
        }

        private int IndexOfTopLevel(char c, int start, int end)
        {
            int depth = 0;
            for (int i = start; i < end; i++)
            {
                if (text[i] is '{' or '[') depth++;
                else if (text[i] is '}' or ']') depth--;
                else if (text[i] == c && depth == 0) return i;
            }
            return -1;
        }

        private static object? Scalar(string raw)
        {
            string t = raw.Trim();
            if (t == "true") return true;
            if (t == "false") return false;
            if (t == "null") return null;
            var span = t.AsSpan();
            bool negative = span.StartsWith("-");
            if (negative) span = span[1..];
            if (span.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && span.Length > 2
                && ulong.TryParse(span[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex))
            {
                if (!negative) return hex <= long.MaxValue ? (long)hex : hex;
                if (hex <= (ulong)long.MaxValue + 1) return unchecked(-(long)hex);
            }
            else if (span.Length > 0 && IsDigits(span)
                && ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out ulong dec))
            {
                if (!negative) return dec <= long.MaxValue ? (long)dec : dec;
                if (dec <= (ulong)long.MaxValue + 1) return unchecked(-(long)dec);
            }
            return raw;
        }

        private static bool IsDigits(ReadOnlySpan<char> s)
        {
            foreach (char c in s)
                if (!char.IsAsciiDigit(c)) return false;
            return true;
        }
    }

    /// <summary>Lists every registered option as text lines: name, level, number, access and value kinds.</summary>
    public static string Describe()
    {
        var sb = new StringBuilder();
        var options = SpecRegistry.Options;
        int width = options.Count == 0 ? 10 : options.Max(o => o.Name.Length);
        sb.Append("NAME".PadRight(width)).Append("  LEVEL  OPTION  ACCESS  VALUE\n");
        foreach (var o in options)
        {
            string access = (o.CanGet, o.CanSet) switch
            {
                (true, true) => "rw",
                (true, false) => "r",
                (false, true) => "w",
                _ => "-",
            };
            string value = o.CanGet && o.CanSet && o.GetDescription != o.SetDescription
                ? $"get {o.GetDescription}, set {o.SetDescription}"
                : (o.GetDescription ?? o.SetDescription ?? "");
            sb.Append(o.Name.PadRight(width))
                .Append(string.Create(CultureInfo.InvariantCulture, $"  {o.Level,5}  {o.Option,6}  {access,-6}  "))
                .Append(value).Append('\n');
        }
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"{options.Count} options\n"));
        return sb.ToString();
    }
}
