using System;
using System.Collections.Generic;
using System.Text.Json;

namespace UcSocket.Cli;

/// <summary>
/// --dump-options: every option in <see cref="SpecRegistry.Options"/> that can be read, read from one socket.
/// <code>
/// { "socket": { "local": {...}, "peer": {...} },
///   "options": { "SO_ACCEPTCONN": false, ..., "SO_LINGER": { "onoff": 0, "linger": 0 }, ... },
///   "unreadable": { "IPV6_V6ONLY": "getsockopt(): Operation not supported", ... } }
/// </code>
/// Options are in the registry's order (level, then number); write-only options are left out.
/// </summary>
internal static class OptionDump
{
    public static void Write(Utf8JsonWriter w, SocketHandle sock)
    {
        var readable = new List<KeyValuePair<string, object?>>();
        var refused = new List<KeyValuePair<string, object?>>();
        foreach (var option in SpecRegistry.Options)
        {
            if (!option.CanGet) continue;
            var value = sock.GetOpt(option.Level, option.Option);
            if (value is null && sock.Error() is { } error) refused.Add(new(option.Name, error));
            else readable.Add(new(option.Name, value));
        }

        try
        {
            WriteDocument(w, sock, readable, refused);
        }
        finally
        {
            DisposeValues(readable);
        }
    }

    /// <summary>
    /// Options that hand out descriptors (SO_PEERPIDFD) come back owning them: once printed, they are closed, so a
    /// dump never leaves descriptors behind in the process that made it.
    /// </summary>
    public static void DisposeValues(List<KeyValuePair<string, object?>> values)
    {
        foreach (var (_, value) in values) (value as IDisposable)?.Dispose();
    }

    private static void WriteDocument(Utf8JsonWriter w, SocketHandle sock, List<KeyValuePair<string, object?>> readable, List<KeyValuePair<string, object?>> refused)
    {
        w.WriteStartObject();
        w.WritePropertyName("socket");
        w.WriteStartObject();
        w.WritePropertyName("local");
        Json.WriteValue(w, sock.SockName()?.ToDictionary());
        w.WritePropertyName("peer");
        Json.WriteValue(w, sock.PeerName()?.ToDictionary());
        w.WriteEndObject();
        w.WritePropertyName("options");
        Json.WriteObject(w, readable);
        w.WritePropertyName("unreadable");
        Json.WriteObject(w, refused);
        w.WriteEndObject();
    }
}
