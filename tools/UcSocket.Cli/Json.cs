using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace UcSocket.Cli;

/// <summary>
/// Writes the library's ucode-style values as JSON with <see cref="Utf8JsonWriter"/> (no reflection, so it
/// stays trim- and AOT-safe): numbers, bools, strings, dictionaries as objects, lists as arrays, bytes as a
/// string when they are printable UTF-8 and as <c>{"hex": "..."}</c> otherwise.
/// </summary>
internal static class Json
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Utf8JsonWriter CreateWriter(Stream stream, bool indented) => new(stream, new JsonWriterOptions
    {
        Indented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>Writes one value; <paramref name="depth"/> guards against cycles.</summary>
    public static void WriteValue(Utf8JsonWriter w, object? value, int depth = 0)
    {
        if (depth > 32)
        {
            w.WriteStringValue("...");
            return;
        }
        switch (value)
        {
            case null:
                w.WriteNullValue();
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case uint ui:
                w.WriteNumberValue(ui);
                break;
            case ulong ul:
                w.WriteNumberValue(ul);
                break;
            case short sh:
                w.WriteNumberValue(sh);
                break;
            case ushort us:
                w.WriteNumberValue(us);
                break;
            case byte by:
                w.WriteNumberValue(by);
                break;
            case sbyte sb:
                w.WriteNumberValue(sb);
                break;
            case double d:
                w.WriteNumberValue(d);
                break;
            case float f:
                w.WriteNumberValue(f);
                break;
            case byte[] bytes:
                WriteBytes(w, bytes);
                break;
            case ReadOnlyMemory<byte> rom:
                WriteBytes(w, rom.Span);
                break;
            case FileDescriptors fds:
                w.WriteStartArray();
                foreach (int fd in fds.ToArray()) w.WriteNumberValue(fd);
                w.WriteEndArray();
                break;
            case SocketAddress address:
                WriteValue(w, address.ToDictionary(), depth + 1);
                break;
            case ControlMessage cmsg:
                WriteControlMessage(w, cmsg, depth + 1);
                break;
            case InterfaceId iface:
                if (iface.Name is not null) w.WriteStringValue(iface.Name);
                else w.WriteNumberValue(iface.Index);
                break;
            case IDictionary dict:
                w.WriteStartObject();
                foreach (DictionaryEntry e in dict)
                {
                    w.WritePropertyName(Convert.ToString(e.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                    WriteValue(w, e.Value, depth + 1);
                }
                w.WriteEndObject();
                break;
            case IEnumerable items:
                w.WriteStartArray();
                foreach (var item in items) WriteValue(w, item, depth + 1);
                w.WriteEndArray();
                break;
            default:
                w.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                break;
        }
    }

    /// <summary>A control message as <c>{ level, type, name, data }</c>; name is null for a type the registry does not know.</summary>
    public static void WriteControlMessage(Utf8JsonWriter w, ControlMessage cmsg, int depth = 0)
    {
        w.WriteStartObject();
        w.WriteNumber("level", cmsg.Level);
        w.WriteNumber("type", cmsg.Type);
        if (cmsg.Descriptor is { } d) w.WriteString("name", d.Name);
        else w.WriteNull("name");
        w.WritePropertyName("data");
        WriteValue(w, cmsg.Data, depth + 1);
        w.WriteEndObject();
    }

    /// <summary>Bytes: a JSON string when they are UTF-8 text without control characters (tab, CR, LF allowed), else <c>{"hex": "..."}</c>.</summary>
    public static void WriteBytes(Utf8JsonWriter w, ReadOnlySpan<byte> bytes)
    {
        if (TryText(bytes, out var text))
        {
            w.WriteStringValue(text);
            return;
        }
        w.WriteStartObject();
        w.WriteString("hex", Convert.ToHexStringLower(bytes));
        w.WriteEndObject();
    }

    private static bool TryText(ReadOnlySpan<byte> bytes, out string text)
    {
        text = "";
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        foreach (char c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n')) return false;
        }
        return true;
    }

    /// <summary>Writes a whole document built by <paramref name="body"/> and a newline to <paramref name="stream"/>.</summary>
    public static void WriteDocument(Stream stream, bool indented, Action<Utf8JsonWriter> body)
    {
        using (var w = CreateWriter(stream, indented))
        {
            body(w);
        }
        stream.WriteByte((byte)'\n');
        stream.Flush();
    }

    /// <summary>The names and values of a JSON object under construction, in order.</summary>
    public static void WriteObject(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, object?>> properties)
    {
        w.WriteStartObject();
        foreach (var (name, v) in properties)
        {
            w.WritePropertyName(name);
            WriteValue(w, v);
        }
        w.WriteEndObject();
    }
}
