using System;
using System.Buffers;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>
/// The bytes ucode sends for a value that is not a string (<c>sock.send(data)</c>, the items of
/// <c>sock.sendmsg(data)</c>): ucode's own string conversion. Numbers and bools as text; an object or array as
/// JSON with ucode's spacing (<c>{ "a": 1, "b": [ 1, 2 ] }</c>, <c>{ }</c>, <c>[ ]</c>); strings inside them
/// JSON-quoted with only <c>"</c>, <c>\</c> and control characters escaped; doubles as <c>%.14g</c> (inside JSON
/// with <c>.0</c> added to integral values); a container that contains itself as <c>null</c>.
/// </summary>
internal static class UcodeText
{
    private const int MaxDepth = 256;

    /// <summary>Writes the text of <paramref name="value"/>; false with an error naming the unsupported type or the depth.</summary>
    public static bool TryWrite(object? value, ArrayBufferWriter<byte> output, out ErrorInfo error)
    {
        var active = new HashSet<object>(ReferenceEqualityComparer.Instance);
        return TryWriteValue(value, output, json: false, 0, active, out error);
    }

    /// <summary>True for the values sent as they are (bytes, text): everything else goes through <see cref="TryWrite"/>.</summary>
    public static bool IsRaw(object? value) => value is byte[] or ReadOnlyMemory<byte> or Memory<byte> or ArraySegment<byte> or string or char;

    private static bool TryWriteValue(object? value, ArrayBufferWriter<byte> o, bool json, int depth, HashSet<object> active, out ErrorInfo error)
    {
        error = default;
        switch (value)
        {
            case null:
                Ascii(o, "null");
                return true;
            case string s:
                Text(o, Encoding.UTF8.GetBytes(s), json);
                return true;
            case char c:
                Text(o, Encoding.UTF8.GetBytes(c.ToString()), json);
                return true;
            case byte[] b:
                Text(o, b, json);
                return true;
            case ReadOnlyMemory<byte> rom:
                Text(o, rom.Span, json);
                return true;
            case Memory<byte> mem:
                Text(o, mem.Span, json);
                return true;
            case ArraySegment<byte> seg:
                Text(o, seg, json);
                return true;
            case bool flag:
                Ascii(o, flag ? "true" : "false");
                return true;
            case double d:
                Double(o, d, json);
                return true;
            case float f:
                Double(o, f, json);
                return true;
            case decimal m:
                Double(o, (double)m, json);
                return true;
            case ulong ul:
                Ascii(o, ul.ToString(CultureInfo.InvariantCulture));
                return true;
            case nuint nu:
                Ascii(o, nu.ToString(CultureInfo.InvariantCulture));
                return true;
            case Int128 or UInt128 or System.Numerics.BigInteger:
                Ascii(o, Convert.ToString(value, CultureInfo.InvariantCulture)!);
                return true;
            case Enum e:
                return TryWriteValue(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), o, json, depth, active, out error);
        }
        if (UcodeValue.TryToInt64(value, out long integer) && value is not string)
        {
            Ascii(o, integer.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        if (depth >= MaxDepth)
        {
            error = ErrorInfo.Invalid(string.Create(CultureInfo.InvariantCulture, $"Unsupported data value (nested deeper than {MaxDepth} levels)"));
            return false;
        }
        if (UcodeValue.TryAsFields(value, out var fields, out var keyError))
        {
            if (!active.Add(value))
            {
                Ascii(o, "null");
                return true;
            }
            Ascii(o, "{");
            bool first = true;
            foreach (var (key, item) in fields)
            {
                Ascii(o, first ? " " : ", ");
                first = false;
                Text(o, Encoding.UTF8.GetBytes(key), json: true);
                Ascii(o, ": ");
                if (!TryWriteValue(item, o, json: true, depth + 1, active, out error)) return false;
            }
            Ascii(o, " }");
            active.Remove(value);
            return true;
        }
        if (keyError is not null)
        {
            error = ErrorInfo.Invalid($"Unsupported data value ({keyError})");
            return false;
        }
        if (value is IEnumerable items)
        {
            if (!active.Add(value))
            {
                Ascii(o, "null");
                return true;
            }
            Ascii(o, "[");
            bool first = true;
            foreach (var item in items)
            {
                Ascii(o, first ? " " : ", ");
                first = false;
                if (!TryWriteValue(item, o, json: true, depth + 1, active, out error)) return false;
            }
            Ascii(o, " ]");
            active.Remove(value);
            return true;
        }
        error = ErrorInfo.Invalid($"Unsupported data value (type {value.GetType().FullName}): expecting a string, bytes, a number, a bool, a dictionary or an array");
        return false;
    }

    private static void Ascii(ArrayBufferWriter<byte> o, string text)
    {
        var span = o.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++) span[i] = (byte)text[i];
        o.Advance(text.Length);
    }

    /// <summary>Bytes as they are, or inside JSON as a quoted string with ucode's escapes (other bytes, UTF-8 included, pass through).</summary>
    private static void Text(ArrayBufferWriter<byte> o, ReadOnlySpan<byte> bytes, bool json)
    {
        if (!json)
        {
            o.Write(bytes);
            return;
        }
        Ascii(o, "\"");
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'"': Ascii(o, "\\\""); break;
                case (byte)'\\': Ascii(o, "\\\\"); break;
                case (byte)'\b': Ascii(o, "\\b"); break;
                case (byte)'\f': Ascii(o, "\\f"); break;
                case (byte)'\n': Ascii(o, "\\n"); break;
                case (byte)'\r': Ascii(o, "\\r"); break;
                case (byte)'\t': Ascii(o, "\\t"); break;
                case < 0x20: Ascii(o, string.Create(CultureInfo.InvariantCulture, $"\\u{b:x4}")); break;
                default:
                    o.GetSpan(1)[0] = b;
                    o.Advance(1);
                    break;
            }
        }
        Ascii(o, "\"");
    }

    /// <summary>C's <c>%.14g</c>, with ucode's spellings of the special values.</summary>
    private static void Double(ArrayBufferWriter<byte> o, double d, bool json)
    {
        if (double.IsNaN(d))
        {
            Ascii(o, json ? "\"NaN\"" : "NaN");
            return;
        }
        if (double.IsInfinity(d))
        {
            Ascii(o, d > 0 ? (json ? "1e309" : "Infinity") : (json ? "-1e309" : "-Infinity"));
            return;
        }
        string text = FormatG14(d);
        Ascii(o, text);
        if (json && text.IndexOfAny(['.', 'e']) < 0) Ascii(o, ".0");
    }

    /// <summary>printf's <c>%.14g</c>: 14 significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e14, exponent of at least two digits.</summary>
    internal static string FormatG14(double d)
    {
        if (d == 0) return double.IsNegative(d) ? "-0" : "0";
        string e = d.ToString("E13", CultureInfo.InvariantCulture); // d.ddddddddddddde+XXX
        int exponent = int.Parse(e.AsSpan(e.IndexOf('E') + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 14)
        {
            string mantissa = e[..e.IndexOf('E')];
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            string sign = exponent < 0 ? "-" : "+";
            return mantissa + "e" + sign + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        string fixedText = d.ToString("F" + Math.Max(0, 13 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        if (fixedText.Contains('.')) fixedText = fixedText.TrimEnd('0').TrimEnd('.');
        return fixedText;
    }
}
