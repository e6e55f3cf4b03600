using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>Encodes what <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/> takes as ancillary data.</summary>
internal static class ControlMessageEncoder
{
    /// <summary>
    /// Encodes what <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/> takes as ancillary data into a control buffer laid out as
    /// cmsg(3) says: each message a <c>cmsghdr</c> with <c>cmsg_len = CMSG_LEN(payload)</c>, the next one
    /// <c>CMSG_SPACE(payload)</c> further on, the whole buffer as long as the sum of the spaces. A <c>byte[]</c>
    /// is the whole control buffer, untouched. Descriptors of <c>SCM_RIGHTS</c> payloads are added a reference
    /// (DangerousAddRef) and appended to <paramref name="held"/>; the caller releases them after the syscall,
    /// whatever happened.
    /// </summary>
    public static bool TryEncode(object ancillary, List<SafeHandle> held, out byte[] buffer, out int length, out ErrorInfo error)
    {
        buffer = Array.Empty<byte>();
        length = 0;
        switch (ancillary)
        {
            case byte[] raw:
                buffer = raw;
                length = raw.Length;
                error = default;
                return true;
            case ControlMessage single:
                return TryEncodeItems(new object[] { single }, held, out buffer, out length, out error);
            case string:
            case IDictionary:
            case IReadOnlyDictionary<string, object?>:
                error = ErrorInfo.Invalid("Ancillary data must be a byte array or an array of control messages");
                return false;
            case IEnumerable items:
                return TryEncodeItems(items, held, out buffer, out length, out error);
            default:
                error = ErrorInfo.Invalid(
                    $"Ancillary data must be a byte array or an array of control messages, got {UcodeValue.Describe(ancillary)}");
                return false;
        }
    }

    private static bool TryEncodeItems(IEnumerable items, List<SafeHandle> held, out byte[] buffer, out int length, out ErrorInfo error)
    {
        buffer = Array.Empty<byte>();
        length = 0;
        var encoded = new List<(int Level, int Type, byte[] Payload)>();
        long total = 0;
        int index = 0;
        foreach (var item in items)
        {
            if (!TryEncodeItem(item, index, held, out int level, out int type, out byte[] payload, out error)) return false;
            total += CmsgLayout.Space(payload.Length);
            if (total > int.MaxValue / 2)
            {
                error = new ErrorInfo(Errno.ENOBUFS, "Ancillary data too large");
                return false;
            }
            encoded.Add((level, type, payload));
            index++;
        }

        buffer = new byte[total];
        int offset = 0;
        foreach (var (level, type, payload) in encoded)
        {
            CmsgLayout.WriteHeader(buffer.AsSpan(offset), CmsgLayout.Len(payload.Length), level, type);
            payload.CopyTo(buffer.AsSpan(offset + CmsgLayout.HeaderSize));
            offset += CmsgLayout.Space(payload.Length);
        }
        length = offset;
        error = default;
        return true;
    }

    private static readonly HashSet<string> s_itemKeys = new(StringComparer.Ordinal) { "level", "type", "data" };

    private static bool TryEncodeItem(object? item, int index, List<SafeHandle> held,
        out int level, out int type, out byte[] payload, out ErrorInfo error)
    {
        level = type = 0;
        payload = Array.Empty<byte>();
        object? data;
        ControlMessageType? descriptor;
        string where = string.Create(CultureInfo.InvariantCulture, $"Ancillary item {index}");
        switch (item)
        {
            case ControlMessage cm:
                level = cm.Level;
                type = cm.Type;
                data = cm.Data;
                descriptor = cm.Descriptor;
                break;
            case var _ when UcodeValue.TryAsFields(item, out var fields, out var keyError):
                if (!TryReadItem(fields, where, out level, out type, out data, out error)) return false;
                descriptor = SpecRegistry.TryGetControlMessage(level, type, out var rd) ? rd : null;
                break;
            default:
                error = ErrorInfo.Invalid($"{where}: expecting a ControlMessage or a dictionary with level, type and data, got {UcodeValue.Describe(item)}");
                return false;
        }

        if (TryRawBytes(data, out var raw))
        {
            payload = raw;
            error = default;
            return true;
        }
        if (descriptor is null)
        {
            error = ErrorInfo.Invalid(string.Create(CultureInfo.InvariantCulture,
                $"{where}: unknown control message type (level {level}, type {type}) needs byte[] data, got {UcodeValue.Describe(data)}"));
            return false;
        }
        if (descriptor is ControlMessageType<FileDescriptors> fdType)
            return TryEncodeDescriptors(fdType, data, where, held, out payload, out error);
        if (!descriptor.TryEncodeUcode(data, out payload, out var inner))
        {
            error = new ErrorInfo(inner.Code, $"{where} ({descriptor.Name}): {inner.Context}");
            return false;
        }
        error = default;
        return true;
    }

    private static bool TryReadItem(IReadOnlyDictionary<string, object?> d, string where,
        out int level, out int type, out object? data, out ErrorInfo error)
    {
        level = type = 0;
        data = null;
        foreach (var key in d.Keys)
        {
            if (!s_itemKeys.Contains(key))
            {
                error = ErrorInfo.Invalid($"{where}: unknown field '{key}'");
                return false;
            }
        }
        if (!TryInt(d, "level", where, out level, out error) || !TryInt(d, "type", where, out type, out error)) return false;
        d.TryGetValue("data", out data);
        return true;
    }

    private static bool TryInt(IReadOnlyDictionary<string, object?> d, string key, string where, out int value, out ErrorInfo error)
    {
        value = 0;
        if (!d.TryGetValue(key, out var v) || v is null)
        {
            error = ErrorInfo.Invalid($"{where}: missing field '{key}'");
            return false;
        }
        if (!UcodeValue.TryToRange(v, int.MinValue, int.MaxValue, out long l))
        {
            error = ErrorInfo.Invalid($"{where}: field '{key}' is not an integer ({UcodeValue.Describe(v)})");
            return false;
        }
        value = (int)l;
        error = default;
        return true;
    }

    private static bool TryRawBytes(object? data, out byte[] bytes)
    {
        switch (data)
        {
            case byte[] b: bytes = b; return true;
            case ReadOnlyMemory<byte> m: bytes = m.ToArray(); return true;
            case Memory<byte> m2: bytes = m2.ToArray(); return true;
            case ArraySegment<byte> s: bytes = s.ToArray(); return true;
            default: bytes = Array.Empty<byte>(); return false;
        }
    }

    private static bool TryEncodeDescriptors(ControlMessageType<FileDescriptors> fdType, object? data, string where,
        List<SafeHandle> held, out byte[] payload, out ErrorInfo error)
    {
        payload = Array.Empty<byte>();
        if (!fdType.Codec.TryFromUcode(data, out var fds, out var text))
        {
            error = ErrorInfo.Invalid($"{where} ({fdType.Name}): {text}");
            return false;
        }
        // Keep every descriptor open until the syscall returned: a close on another thread must not let
        // the number be reused for another file while the kernel still has to look it up.
        held.EnsureCapacity(held.Count + fds.Count);
        for (int i = 0; i < fds.Count; i++)
        {
            var h = fds[i];
            bool added = false;
            if (h is not null && !h.IsInvalid)
            {
                try
                {
                    h.DangerousAddRef(ref added);
                }
                catch (ObjectDisposedException)
                {
                    added = false;
                }
            }
            if (!added)
            {
                error = new ErrorInfo(Errno.EBADF, string.Create(CultureInfo.InvariantCulture,
                    $"{where} ({fdType.Name}): descriptor {i} is closed or invalid"));
                return false;
            }
            held.Add(h!);
        }
        payload = new byte[fdType.Codec.GetSize(fds)];
        if (!fdType.Codec.TryWrite(fds, payload, out int written, out text) || written != payload.Length)
        {
            error = ErrorInfo.Invalid($"{where} ({fdType.Name}): {text ?? "unable to encode descriptors"}");
            return false;
        }
        error = default;
        return true;
    }
}
