using System.Diagnostics.CodeAnalysis;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// A reusable control (ancillary data) buffer for the allocation-free message calls
/// (<see cref="SocketHandle.SendMsg(ReadOnlySpan{byte}, ControlBuffer?, RawSocketAddress?, int)"/>,
/// <see cref="SocketHandle.RecvMsg(Span{byte}, ControlBuffer?, RawSocketAddress?, int)"/>, and per message in a
/// <see cref="DatagramBatch"/>): control messages are written into it for sending, and the kernel's are read
/// from it in place after a receive, with <c>foreach</c> or <see cref="TryGet{T}"/>, without allocating.
/// </summary>
/// <remarks>
/// <para>
/// The layout is cmsg(3)'s, through the same helpers as <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/>:
/// each message a <c>cmsghdr</c> with <c>cmsg_len = CMSG_LEN(payload)</c>, the next one <c>CMSG_SPACE(payload)</c>
/// further on. Size a buffer with <see cref="SpaceFor"/>.
/// </para>
/// <para>
/// Descriptors the kernel installs with a message (<c>SCM_RIGHTS</c>, <c>SCM_PIDFD</c>: every cmsg type whose
/// payload is descriptors; always close-on-exec) are owned by the buffer as soon as the receive returns: take them
/// with <see cref="TakeFileDescriptors"/>, or read them with <see cref="ControlMessageView.TryGet{T}"/>
/// (<c>Cmsg.ScmRights</c>, <c>Cmsg.ScmPidfd</c>). The next receive into the buffer, <see cref="Clear"/> and
/// <see cref="Dispose"/> close those not taken. Not thread-safe: one call at a time.
/// </para>
/// <para>
/// When the buffer was too small (<c>MSG_CTRUNC</c>), the kernel cuts the last message short: such a message
/// reports <see cref="ControlMessageView.IsTruncated"/>, and decoding it as a value that needs more bytes than
/// arrived fails rather than padding the value with zeros.
/// </para>
/// </remarks>
public sealed class ControlBuffer : IDisposable
{
    private readonly byte[] _buffer;
    private List<SafeHandle>? _owned;
    private List<FileDescriptors>? _received;

    /// <summary>Creates an empty buffer of <paramref name="capacity"/> bytes (pinned, so it never moves).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is negative or larger than an array can be.</exception>
    public ControlBuffer(int capacity)
    {
        if (capacity < 0 || capacity > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A control buffer holds 0 to Array.MaxLength bytes.");
        _buffer = GC.AllocateArray<byte>(capacity, pinned: true);
    }

    /// <summary>CMSG_SPACE(<paramref name="payloadLength"/>): the bytes one control message with that payload takes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative, or so large that the space exceeds an int.</exception>
    public static int SpaceFor(int payloadLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadLength, CmsgLayout.MaxPayload);
        return CmsgLayout.Space(payloadLength);
    }

    /// <summary>True when the last receive into the buffer reported <c>MSG_CTRUNC</c>: the control data did not fit.</summary>
    public bool IsTruncated { get; private set; }

    /// <summary>The size of the buffer in bytes.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>The bytes in use: what was added for sending, or what the kernel wrote (<c>msg_controllen</c>) on a receive.</summary>
    public int Length { get; private set; }

    /// <summary>The bytes in use.</summary>
    public ReadOnlySpan<byte> AsSpan() => _buffer.AsSpan(0, Length);

    /// <summary>Empties the buffer and closes received descriptors that were not taken.</summary>
    public void Clear()
    {
        ReleaseDescriptors();
        Length = 0;
        IsTruncated = false;
    }

    /// <summary>Closes received descriptors that were not taken (the bytes stay until the buffer is reused).</summary>
    public void Dispose() => ReleaseDescriptors();

    // ---- writing ----

    /// <summary>
    /// Appends a control message with a raw <paramref name="payload"/>. False, with ENOBUFS recorded (see
    /// <see cref="Sockets.Error()"/>), when it does not fit; the buffer is then unchanged.
    /// </summary>
    public bool TryAdd(int level, int type, ReadOnlySpan<byte> payload)
    {
        if (!TryFindRoom(payload.Length, out var destination, out int end, clear: false)) return false;
        CmsgLayout.WriteHeader(destination, CmsgLayout.Len(payload.Length), level, type);
        payload.CopyTo(destination[CmsgLayout.HeaderSize..]);
        destination[(CmsgLayout.HeaderSize + payload.Length)..].Clear(); // the alignment padding goes out as zeros
        Length = end;
        Errors.Clear();
        return true;
    }

    /// <summary>
    /// Appends a control message whose payload is <paramref name="value"/>'s bytes as they are in memory (an
    /// <c>int</c>, a <c>ushort</c>, a blittable struct), e.g. <c>TryAddValue&lt;ushort&gt;(SOL_UDP, UDP_SEGMENT, 1400)</c>.
    /// False, with ENOBUFS recorded, when it does not fit.
    /// </summary>
    public bool TryAddValue<T>(int level, int type, T value) where T : unmanaged =>
        TryAdd(level, type, MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value)));

    /// <summary>
    /// Appends a typed control message, encoded through its generated codec, e.g.
    /// <c>TryAdd(Cmsg.ScmCredentials, new Ucred(...))</c>. False, with the error recorded: ENOBUFS when it does not
    /// fit, EINVAL naming the type when the value does not encode; the buffer is then unchanged. <c>SCM_RIGHTS</c> is refused here (the
    /// descriptors would not be kept open until sent): send them with
    /// <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/>.
    /// </summary>
    [SkipLocalsInit]
    public bool TryAdd<T>(ControlMessageType<T> type, in T value)
    {
        if (type is null)
        {
            Errors.Set(ErrorInfo.Invalid("Invalid type argument (null)"));
            return false;
        }
        if (type.CarriesDescriptors)
        {
            Errors.Set(ErrorInfo.Invalid($"{type.Name}: descriptors are sent with SendMsg(data, ancillary), which keeps them open until sent"));
            return false;
        }
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>() && type.IsRaw)
        {
            // Header and payload stored as they are, only the alignment padding after the payload zeroed.
            int length = Unsafe.SizeOf<T>();
            if (!TryFindRoom(length, out var message, out int messageEnd, clear: false)) return false;
            CmsgLayout.WriteHeader(message, CmsgLayout.Len(length), type.Level, type.Type);
            Unsafe.WriteUnaligned(ref message[CmsgLayout.HeaderSize], value);
            message[(CmsgLayout.HeaderSize + length)..].Clear();
            Length = messageEnd;
            Errors.Clear();
            return true;
        }
        int size = type.Codec.GetSize(value);
        if (!TryFindRoom(size, out var destination, out int end)) return false;
        if (!type.Codec.TryWrite(value, destination.Slice(CmsgLayout.HeaderSize, size), out int written, out var text) || written != size)
        {
            Errors.Set(ErrorInfo.Invalid($"{type.Name}: {text ?? "unable to encode the payload"}"));
            return false;
        }
        CmsgLayout.WriteHeader(destination, CmsgLayout.Len(size), type.Level, type.Type);
        Length = end; // only now: a value that does not encode leaves no slot behind
        Errors.Clear();
        return true;
    }

    /// <summary>
    /// Finds room for a message with a payload of <paramref name="payloadLength"/> bytes; the caller sets
    /// <see cref="Length"/> to <paramref name="end"/> once the message is written, so a refused message leaves the
    /// buffer as it was.
    /// </summary>
    /// <param name="payloadLength">The payload's length.</param>
    /// <param name="destination">The message's room, header and alignment padding included.</param>
    /// <param name="end">The buffer's length with the message.</param>
    /// <param name="clear">False when the caller writes every byte of the room itself.</param>
    private bool TryFindRoom(int payloadLength, out Span<byte> destination, out int end, bool clear = true)
    {
        destination = default;
        end = Length;
        int offset = CmsgLayout.Align(Length);
        long space = (long)CmsgLayout.HeaderSize + CmsgLayout.Align(payloadLength);
        if (offset + space > _buffer.Length)
        {
            Errors.Set(new ErrorInfo(Errno.ENOBUFS, string.Create(CultureInfo.InvariantCulture,
                $"Control buffer full (a {payloadLength}-byte payload needs {space} bytes, {Math.Max(0, _buffer.Length - offset)} of {_buffer.Length} are free)")));
            return false;
        }
        destination = _buffer.AsSpan(offset, (int)space);
        if (clear) destination.Clear(); // padding goes out as zeros
        end = offset + (int)space;
        return true;
    }

    // ---- reading ----

    /// <summary>Walks the control messages in place: <c>foreach (var m in buffer) { m.Level, m.Type, m.Payload }</c>.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Finds the first message at (<paramref name="level"/>, <paramref name="type"/>) and gives its payload.</summary>
    public bool TryFind(int level, int type, out ReadOnlySpan<byte> payload)
    {
        foreach (var m in this)
        {
            if (m.Level == level && m.Type == type)
            {
                payload = m.Payload;
                return true;
            }
        }
        payload = default;
        return false;
    }

    /// <summary>
    /// Decodes the first message of <paramref name="type"/> through its codec, e.g. <c>TryGet(Cmsg.SoTimestamp, out Timeval t)</c>.
    /// False when there is none, its payload does not decode, or the kernel cut it short (see <see cref="ControlMessageView.TryGet{T}"/>).
    /// </summary>
    public bool TryGet<T>(ControlMessageType<T> type, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        foreach (var m in this)
        {
            if (m.Level == type.Level && m.Type == type.Type) return m.TryGet(type, out value);
        }
        value = default!;
        return false;
    }

    /// <summary>
    /// Reads the first message at (<paramref name="level"/>, <paramref name="type"/>) as a <typeparamref name="T"/>
    /// laid out as in memory (e.g. the <c>int</c> of <c>UDP_GRO</c>). False when there is none or its payload is
    /// not exactly <c>sizeof(T)</c> bytes.
    /// </summary>
    public bool TryGetValue<T>(int level, int type, out T value) where T : unmanaged
    {
        foreach (var m in this)
        {
            if (m.Level == level && m.Type == type) return m.TryGetValue(out value);
        }
        value = default;
        return false;
    }

    /// <summary>
    /// Takes ownership of every received descriptor not taken yet (those of <c>SCM_RIGHTS</c>, <c>SCM_PIDFD</c>, ...),
    /// in arrival order: the caller now closes them; the buffer no longer does.
    /// </summary>
    public IReadOnlyList<SafeHandle> TakeFileDescriptors()
    {
        if (_owned is null || _owned.Count == 0) return Array.Empty<SafeHandle>();
        // Those taken as sockets (TakeSocket) read as closed: they belong to their SocketHandle.
        var taken = _owned.FindAll(static h => !h.IsClosed).ToArray();
        _owned.Clear();
        return taken;
    }

    /// <summary>
    /// Makes the <paramref name="index"/>-th descriptor the last receive brought (counting every descriptor-carrying
    /// message, in arrival order, as <see cref="TakeFileDescriptors"/> does) a <see cref="SocketHandle"/> that alone
    /// owns it, e.g. after <c>RecvMsgAsync(buffer, control)</c>: <c>using var socket = control.TakeSocket(0);</c>. The
    /// next receive, <see cref="Clear"/> and <see cref="Dispose"/> leave it open. See
    /// <see cref="FileDescriptors.TakeSocket"/>. Null with the error recorded, the buffer still owning the descriptor,
    /// for an index out of range (EINVAL), a descriptor taken already (EBADF) or one that is not a socket (ENOTSOCK).
    /// </summary>
    public SocketHandle? TakeSocket(int index) =>
        FileDescriptors.TakeSocketAmong((IReadOnlyList<FileDescriptors>?)_received ?? Array.Empty<FileDescriptors>(), index);

    // ---- receiving ----

    /// <summary>The buffer the kernel writes into (pinned).</summary>
    internal byte[] Storage => _buffer;

    /// <summary>Before a receive: closes what the last one left untaken and empties the buffer.</summary>
    internal void BeginReceive()
    {
        if (_owned is { Count: > 0 } || _received is not null) ReleaseDescriptors();
        Length = 0;
        IsTruncated = false;
    }

    /// <summary>
    /// After a receive: records the length the kernel wrote and whether it cut the data (MSG_CTRUNC), and puts every
    /// descriptor it installed under an owning handle at once. Allocates only when descriptors arrived.
    /// </summary>
    internal void EndReceive(int length, int messageFlags)
    {
        Length = Math.Clamp(length, 0, _buffer.Length);
        IsTruncated = (messageFlags & Sockets.MSG_CTRUNC) != 0;
        if (!ReceivedDescriptors.Any(AsSpan())) return;
        _owned ??= new List<SafeHandle>();
        _received = ReceivedDescriptors.Own(AsSpan(), _owned);
    }

    /// <summary>The descriptors of the <paramref name="index"/>-th descriptor-carrying message, if they were received here.</summary>
    internal FileDescriptors? ReceivedDescriptorsAt(int index) =>
        _received is not null && index >= 0 && index < _received.Count ? _received[index] : null;

    private void ReleaseDescriptors()
    {
        if (_owned is not null)
        {
            foreach (var h in _owned) h.Dispose();
            _owned.Clear();
        }
        _received = null;
    }

    /// <summary>Walks the control messages of a <see cref="ControlBuffer"/> without allocating.</summary>
    public ref struct Enumerator
    {
        private readonly ControlBuffer _owner;
        private readonly ReadOnlySpan<byte> _control;
        private int _offset;
        private int _descriptorMessages;
        private ControlMessageView _current;

        internal Enumerator(ControlBuffer owner)
        {
            _owner = owner;
            _control = owner.AsSpan();
            _offset = 0;
            _descriptorMessages = 0;
            _current = default;
        }

        /// <summary>The current message.</summary>
        public readonly ControlMessageView Current => _current;

        /// <summary>Moves to the next message (CMSG_NXTHDR); false at the end or at a malformed header.</summary>
        public bool MoveNext()
        {
            if (!CmsgLayout.TryNext(_control, ref _offset, out int level, out int type, out var payload, out bool reachesEnd)) return false;
            // Only a buffer that received descriptors has any to hand out: the registry lookup is skipped otherwise
            // (ReceivedDescriptorsAt gives nothing for any index then).
            int descriptorIndex = _owner._received is not null && ReceivedDescriptors.Carries(level, type) ? _descriptorMessages++ : -1;
            _current = new ControlMessageView(_owner, level, type, payload, descriptorIndex, _owner.IsTruncated && reachesEnd);
            return true;
        }
    }
}

/// <summary>One control message in a <see cref="ControlBuffer"/>, read in place.</summary>
public readonly ref struct ControlMessageView
{
    private readonly ControlBuffer? _owner;
    private readonly int _descriptorIndex;

    internal ControlMessageView(ControlBuffer owner, int level, int type, ReadOnlySpan<byte> payload, int descriptorIndex, bool mayBeCut)
    {
        _owner = owner;
        Level = level;
        Type = type;
        Payload = payload;
        _descriptorIndex = descriptorIndex;
        IsTruncated = mayBeCut;
    }

    /// <summary>The message level (<c>cmsg_level</c>).</summary>
    public int Level { get; }

    /// <summary>The message type (<c>cmsg_type</c>).</summary>
    public int Type { get; }

    /// <summary>The payload bytes (<c>CMSG_DATA</c>, <c>cmsg_len - CMSG_LEN(0)</c> bytes).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>
    /// True when the kernel may have cut this message short: the receive reported <c>MSG_CTRUNC</c> and the message
    /// ends where the buffer ends. <see cref="Payload"/> then holds what arrived.
    /// </summary>
    public bool IsTruncated { get; }

    /// <summary>True when this message is of <paramref name="type"/> (same level and type).</summary>
    public bool Is(ControlMessageType type) => type is not null && type.Level == Level && type.Type == Type;

    /// <summary>
    /// Decodes the payload as <paramref name="type"/>'s value through its codec (allocation-free for numbers and
    /// structs). For a type that carries descriptors (<c>Cmsg.ScmRights</c>, <c>Cmsg.ScmPidfd</c>) the value is the
    /// <see cref="FileDescriptors"/> the buffer received and owns (take them from it with
    /// <see cref="ControlBuffer.TakeFileDescriptors"/>); descriptors are never made up from bytes that were not
    /// received. False when the message is of another type, does not decode, or was cut short by the kernel
    /// (<see cref="IsTruncated"/>) before the whole value arrived: a value is never padded with zeros.
    /// </summary>
    public bool TryGet<T>(ControlMessageType<T> type, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        value = default!;
        if (type.Level != Level || type.Type != Type) return false;
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>() && type.IsRaw && Payload.Length == Unsafe.SizeOf<T>())
        {
            // A whole payload that is the value's memory: read in place, one copy.
            value = Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetReference(Payload));
            return true;
        }
        if (type.CarriesDescriptors)
        {
            if (_owner?.ReceivedDescriptorsAt(_descriptorIndex) is not { } fds) return false;
            value = (T)(object)fds;
            return true;
        }
        if (IsTruncated && Payload.Length < type.FixedSize) return false;
        return type.Codec.TryRead(Payload, out value, out _);
    }

    /// <summary>Reads the payload as a <typeparamref name="T"/> laid out as in memory; false unless it is exactly <c>sizeof(T)</c> bytes.</summary>
    public bool TryGetValue<T>(out T value) where T : unmanaged
    {
        if (Payload.Length != Unsafe.SizeOf<T>())
        {
            value = default;
            return false;
        }
        value = MemoryMarshal.Read<T>(Payload);
        return true;
    }
}
