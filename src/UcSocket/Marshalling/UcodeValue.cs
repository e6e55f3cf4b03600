using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;

namespace UcSocket.Marshalling;

/// <summary>Conversions of ucode-style values (boxed numbers, bools, strings) with range checks instead of truncation.</summary>
/// <remarks>For generated code only: the generator emits calls to it; it is not meant to be called by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UcodeValue
{
    /// <summary>Converts integers of any width, integral floating-point values, bools and numeric strings (decimal or 0x hex) to a signed 64-bit value.</summary>
    public static bool TryToInt64(object? value, out long result)
    {
        bool ok = TryToInt128(value, out var wide) && wide >= long.MinValue && wide <= long.MaxValue;
        result = ok ? (long)wide : 0;
        return ok;
    }

    /// <summary>Like <see cref="TryToInt64"/> but for unsigned 64-bit values (accepts the whole ulong range, rejects negatives).</summary>
    public static bool TryToUInt64(object? value, out ulong result)
    {
        bool ok = TryToInt128(value, out var wide) && wide >= 0 && wide <= ulong.MaxValue;
        result = ok ? (ulong)wide : 0;
        return ok;
    }

    /// <summary>Converts to a signed value within [min, max]; false when the value is no integer or out of range.</summary>
    public static bool TryToRange(object? value, long min, long max, out long result) =>
        TryToInt64(value, out result) && result >= min && result <= max;

    // Every C integer (int64 to uint64) fits an Int128, so each CLR form of a number is read whole and only then
    // checked against the range the caller needs: no form is refused for its type, none wraps.
    // The types taken are those the analyzer's KnownTypes.Integers lists; a new one goes into both.
    private static bool TryToInt128(object? value, out Int128 result)
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
            case ulong ul: result = ul; return true;
            case nint n: result = n; return true;
            case nuint nu: result = nu; return true;
            case Int128 w: result = w; return true;
            case UInt128 uw when uw <= (UInt128)Int128.MaxValue: result = (Int128)uw; return true;
            case BigInteger big when big >= (BigInteger)Int128.MinValue && big <= (BigInteger)Int128.MaxValue: result = (Int128)big; return true;
            case bool bo: result = bo ? 1 : 0; return true;
            case double d: return TryFromDouble(d, out result);
            case float f: return TryFromDouble(f, out result);
            case decimal m when decimal.Truncate(m) == m: result = (Int128)m; return true; // |decimal| < 2^96
            case Enum e: return TryToInt128(Convert.ChangeType(e, Enum.GetUnderlyingType(e.GetType()), CultureInfo.InvariantCulture), out result);
            case string str: return TryParseInteger(str, out result);
            default: return false;
        }
    }

    private static bool TryFromDouble(double d, out Int128 result)
    {
        // 2^127 bounds Int128; every double in range is exact, so an integral one converts without rounding.
        bool ok = Math.Floor(d) == d && d >= -1.7014118346046923E38 && d < 1.7014118346046923E38;
        result = ok ? (Int128)d : 0;
        return ok;
    }

    private static bool TryParseInteger(string text, out Int128 result)
    {
        var t = text.AsSpan().Trim();
        bool negative = t.StartsWith("-");
        if (negative) t = t[1..];
        ulong magnitude;
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        result = negative ? -(Int128)magnitude : magnitude;
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
