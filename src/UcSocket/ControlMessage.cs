using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// One control (ancillary data) message: the seed's <c>ControlMessage</c> with its fields <c>level</c>,
/// <c>type</c> and <c>data</c>. <see cref="SocketHandle.RecvMsg(object?, int, int)"/> returns them in
/// <see cref="ReceivedMessage.Ancillary"/>; <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/> takes a list of them.
/// </summary>
/// <remarks>
/// <para>
/// Received messages of a type the registry knows (see <see cref="SpecRegistry.TryGetControlMessage"/>) hold the
/// decoded value in the ucode form: a number, a dictionary with ucode's field names for a C struct, or a
/// <see cref="FileDescriptors"/> for <c>SCM_RIGHTS</c>. Unknown types, payloads that do not decode, and a
/// message the kernel cut short (<c>MSG_CTRUNC</c>) hold the raw payload as a <c>byte[]</c>, where ucode gives
/// a string.
/// </para>
/// <para>
/// For sending, <see cref="Data"/> may be the ucode form, the typed value (<see cref="Create{T}"/>), or a
/// <c>byte[]</c> that is sent as the payload untouched. Unlike ucode, which guesses an int, unsigned or string
/// encoding for a type it does not know, an unknown (level, type) needs a <c>byte[]</c> payload: anything else
/// is an error naming the item.
/// </para>
/// </remarks>
public sealed class ControlMessage
{
    private readonly ControlMessageType? _descriptor;

    /// <summary>Creates a control message the ucode way: level, type, and the payload's value (or raw bytes).</summary>
    /// <param name="level">The cmsg level (<c>cmsg_level</c>), e.g. <c>SOL_SOCKET</c>.</param>
    /// <param name="type">The cmsg type (<c>cmsg_type</c>), e.g. <c>SCM_RIGHTS</c>.</param>
    /// <param name="data">The payload: its ucode-style or typed value, or a <c>byte[]</c> sent as is.</param>
    public ControlMessage(int level, int type, object? data)
    {
        Level = level;
        Type = type;
        Data = data;
    }

    private ControlMessage(ControlMessageType descriptor, object? data) : this(descriptor.Level, descriptor.Type, data) =>
        _descriptor = descriptor;

    /// <summary>Creates a typed control message, e.g. <c>ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(handle))</c>.</summary>
    /// <param name="type">The control-message type (a generated <c>Cmsg.*</c> descriptor).</param>
    /// <param name="value">The payload value; it is encoded through the type's codec when sent.</param>
    public static ControlMessage Create<T>(ControlMessageType<T> type, T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new ControlMessage(type, value);
    }

    /// <summary>The message socket level (<c>cmsg_level</c>), e.g. <c>SOL_SOCKET</c>; ucode's <c>level</c>.</summary>
    public int Level { get; }

    /// <summary>The protocol specific message type (<c>cmsg_type</c>), e.g. <c>SCM_RIGHTS</c>; ucode's <c>type</c>.</summary>
    public int Type { get; }

    /// <summary>
    /// The payload; ucode's <c>data</c>. Received: the decoded value (number, dictionary, <see cref="FileDescriptors"/>,
    /// ...) or a <c>byte[]</c> with the raw payload when the type is unknown or the payload does not decode.
    /// </summary>
    public object? Data { get; }

    /// <summary>The registered type of this (level, type), or null when the registry does not know it.</summary>
    public ControlMessageType? Descriptor =>
        _descriptor ?? (SpecRegistry.TryGetControlMessage(Level, Type, out var d) ? d : null);

    /// <summary>
    /// Reads the payload as the typed value of <paramref name="type"/> (e.g. <c>Cmsg.ScmCredentials</c> gives a
    /// <see cref="Ucred"/>). False when this message has another level or type, or its data does not convert.
    /// Descriptors are only ever returned as the <see cref="FileDescriptors"/> object already in <see cref="Data"/>,
    /// never made up from raw bytes.
    /// </summary>
    public bool TryGetData<T>(ControlMessageType<T> type, out T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        value = default!;
        if (type.Level != Level || type.Type != Type) return false;
        if (Data is T typed)
        {
            value = typed;
            return true;
        }
        if (typeof(T) == typeof(FileDescriptors)) return false;
        if (Data is byte[] raw) return type.TryDecode(raw, out value, out _);
        return type.Codec.TryFromUcode(Data, out value, out _);
    }

    /// <summary>The ucode-style form: <c>{ level, type, data }</c>.</summary>
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["level"] = Level,
        ["type"] = Type,
        ["data"] = Data,
    };

    /// <summary>A short description, e.g. <c>SCM_RIGHTS [5, 6]</c> or <c>level 0 type 2: 64</c>.</summary>
    public override string ToString()
    {
        string head = Descriptor?.Name ?? string.Create(CultureInfo.InvariantCulture, $"level {Level} type {Type}");
        string body = Data switch
        {
            null => "null",
            byte[] b => Convert.ToHexString(b),
            IDictionary d => "{" + string.Join(", ", Entries(d)) + "}",
            _ => Convert.ToString(Data, CultureInfo.InvariantCulture) ?? "",
        };
        return head + ": " + body;

        static IEnumerable<string> Entries(IDictionary d)
        {
            foreach (DictionaryEntry e in d) yield return string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}");
        }
    }

    // ---- encoding (sendmsg) ----

    /// <summary>
    /// Encodes what <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/> takes as ancillary data into a control buffer laid out as
    /// cmsg(3) says: each message a <c>cmsghdr</c> with <c>cmsg_len = CMSG_LEN(payload)</c>, the next one
    /// <c>CMSG_SPACE(payload)</c> further on, the whole buffer as long as the sum of the spaces. A <c>byte[]</c>
    /// is the whole control buffer, untouched. Descriptors of <c>SCM_RIGHTS</c> payloads are added a reference
    /// (DangerousAddRef) and appended to <paramref name="held"/>; the caller releases them after the syscall,
    /// whatever happened.
    /// </summary>
    internal static bool TryEncode(object ancillary, List<SafeHandle> held, out byte[] buffer, out int length, out ErrorInfo error)
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

    // ---- decoding (recvmsg) ----

    /// <summary>
    /// Decodes a control buffer the kernel filled (exactly the <c>msg_controllen</c> bytes it reported).
    /// First every descriptor of every <c>SCM_RIGHTS</c> message is put under a SafeHandle (appended to
    /// <paramref name="owned"/>), before anything else can fail; if even that fails, the descriptors not yet
    /// owned are closed. Then each message is decoded through the registry. On an exception the caller disposes
    /// <paramref name="owned"/>.
    /// </summary>
    /// <param name="control">The control bytes.</param>
    /// <param name="truncated">True when the kernel reported MSG_CTRUNC: a last message reaching the end of the
    /// buffer may then be cut short, and is returned as raw bytes unless its payload is complete.</param>
    /// <param name="owned">Receives the handles of all descriptors found.</param>
    internal static List<ControlMessage> Decode(ReadOnlySpan<byte> control, bool truncated, List<SafeHandle> owned)
    {
        var rights = OwnDescriptors(control, owned);
        var result = new List<ControlMessage>();
        int r = 0;
        int offset = 0;
        while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out bool reachesEnd))
        {
            if (IsRights(level, type))
            {
                var fds = rights[r++];
                ControlMessageType? known = SpecRegistry.TryGetControlMessage(level, type, out var k) ? k : null;
                result.Add(known is null ? new ControlMessage(level, type, fds) : new ControlMessage(known, fds));
                continue;
            }
            result.Add(DecodeOne(level, type, payload, truncated && reachesEnd));
        }
        return result;
    }

    private static ControlMessage DecodeOne(int level, int type, ReadOnlySpan<byte> payload, bool maybeCut)
    {
        if (!SpecRegistry.TryGetControlMessage(level, type, out var descriptor))
            return new ControlMessage(level, type, payload.ToArray());
        if (!descriptor.TryDecodeUcode(payload, out var data, out _))
            return new ControlMessage(descriptor, payload.ToArray());
        // The kernel cuts the last message short when the buffer is too small (MSG_CTRUNC) and leaves cmsg_len
        // at what fitted. A payload that re-encodes to more bytes than arrived was cut: give the raw bytes rather
        // than a value padded with zeros.
        if (maybeCut && (!descriptor.TryEncodeUcode(data, out var again, out _) || again.Length > payload.Length))
            return new ControlMessage(descriptor, payload.ToArray());
        return new ControlMessage(descriptor, data);
    }

    internal static bool IsRights(int level, int type) => level == Sockets.SOL_SOCKET && type == Sockets.SCM_RIGHTS;

    /// <summary>
    /// Puts every descriptor the kernel installed (SCM_RIGHTS payloads) under an owning SafeHandle, one
    /// <see cref="FileDescriptors"/> per message. The kernel installs them whatever the registry says about
    /// the type, so this does not depend on the registry.
    /// </summary>
    internal static List<FileDescriptors> OwnDescriptors(ReadOnlySpan<byte> control, List<SafeHandle> owned)
    {
        int wrapped = 0;
        try
        {
            var rights = new List<FileDescriptors>();
            int offset = 0;
            while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out _))
            {
                if (!IsRights(level, type)) continue;
                var numbers = MemoryMarshal.Cast<byte, int>(payload[..(payload.Length / 4 * 4)]);
                var handles = new SafeHandle[numbers.Length];
                owned.EnsureCapacity(owned.Count + numbers.Length);
                rights.EnsureCapacity(rights.Count + 1);
                for (int i = 0; i < numbers.Length; i++)
                {
                    var h = new SafeFileHandle(numbers[i], ownsHandle: true);
                    wrapped++;
                    handles[i] = h;
                    owned.Add(h);
                }
                rights.Add(FileDescriptors.FromReceived(handles));
            }
            return rights;
        }
        catch
        {
            CloseUnowned(control, wrapped);
            throw;
        }
    }

    /// <summary>Closes the SCM_RIGHTS descriptors after the first <paramref name="skip"/> (those have owners already).</summary>
    private static void CloseUnowned(ReadOnlySpan<byte> control, int skip)
    {
        int offset = 0;
        while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out _))
        {
            if (!IsRights(level, type)) continue;
            foreach (int fd in MemoryMarshal.Cast<byte, int>(payload[..(payload.Length / 4 * 4)]))
            {
                if (skip > 0) skip--;
                else LibC.close(fd);
            }
        }
    }
}

/// <summary>
/// The control-buffer layout of cmsg(3) for this platform: <c>struct cmsghdr { size_t cmsg_len; int cmsg_level;
/// int cmsg_type; }</c> followed by the payload, every header aligned to <c>sizeof(size_t)</c>.
/// On LP64 (x86_64, aarch64) the header is 16 bytes, <c>CMSG_LEN(n) = 16 + n</c>,
/// <c>CMSG_SPACE(n) = 16 + align8(n)</c>.
/// </summary>
internal static class CmsgLayout
{
    /// <summary>sizeof(size_t), the alignment of control messages.</summary>
    public static int Alignment => IntPtr.Size;

    /// <summary>CMSG_ALIGN(sizeof(struct cmsghdr)).</summary>
    public static int HeaderSize => Align(IntPtr.Size + 8);

    /// <summary>CMSG_ALIGN(n).</summary>
    public static int Align(int n) => (n + Alignment - 1) & ~(Alignment - 1);

    /// <summary>CMSG_LEN(n): what goes into cmsg_len.</summary>
    public static int Len(int payload) => HeaderSize + payload;

    /// <summary>CMSG_SPACE(n): the room a message with an n-byte payload takes in the buffer.</summary>
    public static int Space(int payload) => HeaderSize + Align(payload);

    /// <summary>Writes a cmsghdr at the start of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, int cmsgLen, int level, int type)
    {
        if (IntPtr.Size == 8) MemoryMarshal.Write(destination, (ulong)cmsgLen);
        else MemoryMarshal.Write(destination, (uint)cmsgLen);
        MemoryMarshal.Write(destination[IntPtr.Size..], level);
        MemoryMarshal.Write(destination[(IntPtr.Size + 4)..], type);
    }

    /// <summary>
    /// Reads the message at <paramref name="offset"/> and moves past it (CMSG_FIRSTHDR/CMSG_NXTHDR). Stops at a
    /// header that does not fit or claims less than a header; a cmsg_len running past the buffer is clamped to it.
    /// </summary>
    public static bool TryNext(ReadOnlySpan<byte> control, scoped ref int offset, out int level, out int type,
        out ReadOnlySpan<byte> payload, out bool reachesEnd)
    {
        level = type = 0;
        payload = default;
        reachesEnd = false;
        if (offset < 0 || control.Length - offset < HeaderSize) return false;
        var header = control[offset..];
        ulong len = IntPtr.Size == 8 ? MemoryMarshal.Read<ulong>(header) : MemoryMarshal.Read<uint>(header);
        if (len < (ulong)HeaderSize) return false;
        level = MemoryMarshal.Read<int>(header[IntPtr.Size..]);
        type = MemoryMarshal.Read<int>(header[(IntPtr.Size + 4)..]);
        int available = header.Length;
        int cmsgLen = len >= (ulong)available ? available : (int)len;
        reachesEnd = cmsgLen == available;
        payload = header[HeaderSize..cmsgLen];
        long next = (long)offset + Align(cmsgLen);
        offset = next >= control.Length ? control.Length : (int)next;
        return true;
    }
}
