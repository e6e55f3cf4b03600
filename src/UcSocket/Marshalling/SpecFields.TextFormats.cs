using System;
using System.Buffers;
using System.Globalization;
using System.Text;

namespace UcSocket.Marshalling;

// The text forms of byte fields: hardware addresses and UNIX socket paths.
public static partial class SpecFields
{
    /// <summary>
    /// Parses hex pairs separated by <c>:</c>, <c>-</c> or <c>.</c> (a single hex digit is one byte, either case), as
    /// ucode does; more bytes than fit, or anything else, is an error.
    /// </summary>
    public static bool TryParseHardwareAddress(string text, Span<byte> destination, out int used)
    {
        used = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (used == destination.Length || !IsHex(text[i])) return false;
            int n = Hex(text[i++]);
            if (i < text.Length && IsHex(text[i])) n = n * 16 + Hex(text[i++]);
            destination[used++] = (byte)n;
            if (i < text.Length)
            {
                if (text[i] is not (':' or '-' or '.')) return false;
                i++;
                if (i == text.Length) return false;
            }
        }
        return true;
    }

    /// <summary>Hex bytes in upper case joined by colons, as ucode prints them: <c>AA:BB:CC:DD:EE:FF</c>.</summary>
    public static string FormatHardwareAddress(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length * 3);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0) sb.Append(':');
            sb.Append(bytes[i].ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>
    /// Text of a filesystem path in a fixed char array, up to the first NUL (see <see cref="DecodeBytes"/> for bytes that
    /// are not UTF-8). A leading <c>@</c> byte is written as U+DC40 (<see cref="EscapedLeadingAt"/>): as text,
    /// <c>@name</c> is the abstract name, not the file <c>@name</c>.
    /// </summary>
    public static string FormatPath(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        var name = end < 0 ? bytes : bytes[..end];
        return !name.IsEmpty && name[0] == (byte)'@' ? EscapedLeadingAt + DecodeBytes(name[1..]) : DecodeBytes(name);
    }

    /// <summary>
    /// Stands for the byte <c>@</c> at the start of a filesystem UNIX path (a file named <c>@x</c> in the working
    /// directory), which as text would read as an abstract name: the lone surrogate U+DC40, in the scheme of
    /// <see cref="DecodeBytes"/> (U+DC00 + the byte).
    /// </summary>
    internal const char EscapedLeadingAt = '\uDC40';

    /// <summary>
    /// Encodes a UNIX socket path into <c>sun_path</c>: a filesystem path with its NUL (and without it when the path
    /// fills the whole array, as Linux takes and reports it: unix(7)), or an abstract name (<c>@name</c>, or a leading
    /// NUL) as a leading NUL and the name's bytes; a filesystem path may start with <see cref="EscapedLeadingAt"/> for
    /// the byte <c>@</c>. <paramref name="used"/> counts the bytes that belong in the address length. Null or empty
    /// encodes nothing (an unnamed address). The text is encoded as <see cref="EncodeBytes"/> says; a lone surrogate it
    /// cannot encode is an error.
    /// </summary>
    public static bool TryEncodeSockaddrPath(string? path, Span<byte> destination, out int used)
    {
        used = 0;
        if (string.IsNullOrEmpty(path)) return true;
        bool isAbstract = path[0] is '@' or '\0', leadingAt = path[0] == EscapedLeadingAt;
        int start = isAbstract || leadingAt ? 1 : 0;
        var name = path.AsSpan(start);
        if (!isAbstract && name.Contains('\0')) return false;
        if (destination.Length < start || !TryEncodeBytes(name, destination[start..], out int n)) return false;
        if (start == 1) destination[0] = isAbstract ? (byte)0 : (byte)'@';
        used = start + n;
        if (isAbstract || used == destination.Length) return true;
        destination[used++] = 0;
        return true;
    }

    /// <summary>The bytes of a UNIX name as they go into <c>sun_path</c>, without an abstract name's leading NUL or a path's terminating NUL; null when it does not encode.</summary>
    internal static byte[]? SockaddrPathBytes(string path)
    {
        var buffer = new byte[path.Length * 3 + 2];
        if (!TryEncodeSockaddrPath(path, buffer, out int used)) return null;
        bool isAbstract = path.Length > 0 && path[0] is '@' or '\0';
        return isAbstract ? buffer[1..used] : buffer[..Math.Max(0, used - 1)];
    }

    /// <summary>
    /// Decodes <c>sun_path</c> limited to the address length: an abstract name as <c>@name</c> (every byte of it,
    /// NULs included), a filesystem path up to its NUL, an unnamed address as an empty string. Bytes that are not
    /// UTF-8 are kept as <see cref="DecodeBytes"/> says, so the text encodes back to the very same address.
    /// </summary>
    public static string DecodeSockaddrPath(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty) return "";
        if (path[0] == 0) return "@" + DecodeBytes(path[1..]);
        return FormatPath(path);
    }

    /// <summary>
    /// Bytes as text that encodes back to the same bytes (<see cref="EncodeBytes"/>): UTF-8 is decoded, and each byte
    /// that is not part of valid UTF-8 becomes the lone surrogate U+DC80 + (byte - 0x80), as Python's
    /// <c>surrogateescape</c> does. Valid UTF-8 never decodes to a lone surrogate, so nothing is ambiguous.
    /// </summary>
    public static string DecodeBytes(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        var sb = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == OperationStatus.Done)
            {
                sb.Append(rune.ToString());
                bytes = bytes[consumed..];
            }
            else
            {
                sb.Append((char)(0xDC00 + bytes[0]));
                bytes = bytes[1..];
            }
        }
        return sb.ToString();
    }

    /// <summary>The bytes <see cref="DecodeBytes"/> made <paramref name="text"/> from; null when it holds a lone surrogate that stands for no byte.</summary>
    public static byte[]? EncodeBytes(ReadOnlySpan<char> text)
    {
        var buffer = new byte[text.Length * 3];
        return TryEncodeBytes(text, buffer, out int n) ? buffer[..n] : null;
    }

    /// <summary>UTF-8, with U+DC80..U+DCFF standing for the bytes 0x80..0xFF; false for another lone surrogate or when it does not fit.</summary>
    private static bool TryEncodeBytes(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                rune = new Rune(c, text[i + 1]);
                i++;
            }
            else if (c is >= '\uDC80' and <= '\uDCFF')
            {
                if (written == destination.Length) return false;
                destination[written++] = (byte)(c - 0xDC00);
                continue;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
            else
            {
                rune = new Rune(c);
            }
            if (!rune.TryEncodeToUtf8(destination[written..], out int n)) return false;
            written += n;
        }
        return true;
    }

    private static bool IsHex(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

    private static int Hex(char c) => c <= '9' ? c - '0' : (c | 32) - 'a' + 10;
}
