using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace UcSocket.Marshalling;

/// <summary>Conversions of ucode-style values (boxed numbers, bools, strings) with range checks instead of truncation.</summary>
/// <remarks>For generated code only: the generator emits calls to it; it is not meant to be called by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UcodeValue
{
    /// <summary>Converts integers of any width, integral floating-point values, bools and numeric strings (decimal or 0x hex) to a signed 64-bit value.</summary>
    public static bool TryToInt64(object? value, out long result)
    {
        result = 0;
        switch (value)
        {
            case long l: result = l; return true;
            case int i: result = i; return true;
            case short s: result = s; return true;
            case sbyte sb: result = sb; return true;
            case byte b: result = b; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            case nint n: result = n; return true;
            case bool bo: result = bo ? 1 : 0; return true;
            case double d when Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758E18: result = (long)d; return true;
            case float f when Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758E18f: result = (long)f; return true;
            case decimal m when decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue: result = (long)m; return true;
            case Enum e: return TryToInt64(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), out result);
            case string str: return TryParseInteger(str, out result);
            default: return false;
        }
    }

    /// <summary>Like <see cref="TryToInt64"/> but for unsigned 64-bit values (accepts the whole ulong range, rejects negatives).</summary>
    public static bool TryToUInt64(object? value, out ulong result)
    {
        result = 0;
        if (value is ulong ul)
        {
            result = ul;
            return true;
        }
        if (value is string s && s.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(s.Trim().AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result);
        if (value is string s2 && ulong.TryParse(s2.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out result)) return true;
        if (!TryToInt64(value, out long l) || l < 0) return false;
        result = (ulong)l;
        return true;
    }

    /// <summary>Converts to a signed value within [min, max]; false when the value is no integer or out of range.</summary>
    public static bool TryToRange(object? value, long min, long max, out long result) =>
        TryToInt64(value, out result) && result >= min && result <= max;

    private static bool TryParseInteger(string text, out long result)
    {
        var t = text.AsSpan().Trim();
        bool negative = t.StartsWith("-");
        if (negative) t = t[1..];
        bool ok;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) && u <= long.MaxValue;
            result = (long)u;
        }
        else
        {
            ok = long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }
        if (negative) result = -result;
        return ok;
    }

    /// <summary>A short description of a value's type for error messages.</summary>
    public static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string \"{(s.Length > 40 ? s[..40] + "..." : s)}\"",
        _ => $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}",
    };

    /// <summary>
    /// Reads a ucode-style object (a dictionary of field names to values) of any dictionary type: an
    /// <c>IReadOnlyDictionary&lt;string, object?&gt;</c> is used as is, other dictionaries (<c>Dictionary&lt;string, int&gt;</c>,
    /// a non-generic one) are copied. False when <paramref name="value"/> is no dictionary (<paramref name="error"/> null),
    /// or when a key is not a string (<paramref name="error"/> says so).
    /// </summary>
    public static bool TryAsFields(object? value, [NotNullWhen(true)] out IReadOnlyDictionary<string, object?>? fields, out string? error)
    {
        error = null;
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> d:
                fields = d;
                return true;
            case IDictionary<string, object?> d2:
                fields = new Dictionary<string, object?>(d2, StringComparer.Ordinal);
                return true;
            case IDictionary untyped:
                var copy = new Dictionary<string, object?>(untyped.Count, StringComparer.Ordinal);
                foreach (DictionaryEntry entry in untyped)
                {
                    if (entry.Key is not string key)
                    {
                        fields = copy;
                        error = $"Field names must be strings, got {Describe(entry.Key)}";
                        return false;
                    }
                    copy[key] = entry.Value;
                }
                fields = copy;
                return true;
            default:
                fields = null;
                return false;
        }
    }
}
