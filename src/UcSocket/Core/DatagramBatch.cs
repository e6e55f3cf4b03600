using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using UcSocket.Native;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>
/// Buffers for up to <see cref="Count"/> datagrams, for <see cref="SocketHandle.SendMmsg(DatagramBatch, int)"/> and
/// <see cref="SocketHandle.RecvMmsg(DatagramBatch, int)"/> (sendmmsg(2)/recvmmsg(2)): per message a data buffer of
/// <see cref="MessageSize"/> bytes, a length, an address, a <see cref="ControlBuffer"/> for ancillary data (when
/// created with a control size) and the kernel's result flags. Everything is allocated once, pinned, and
/// reused: sending and receiving a batch allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// To send: fill each message with <see cref="Set"/> (or write into <see cref="GetBuffer"/> and call
/// <see cref="SetLength"/>), give unconnected sockets a destination with <see cref="SetAddress(int, RawSocketAddress?)"/>,
/// add ancillary data to <see cref="GetControl"/>. To receive: after <c>RecvMmsg</c> returned <c>n</c>, messages
/// <c>0..n-1</c> (counted from the start passed) hold <see cref="GetData"/>, <see cref="GetAddress"/>,
/// <see cref="GetFlags"/> and their control messages. A received batch can be sent back as it is (an echo): each
/// message goes to the address it came from, with the data it brought.
/// </para>
/// <para>
/// A UDP GRO receive (<c>UDP_GRO</c> on) can deliver several datagrams of one flow as one message with a
/// <c>UDP_GRO</c> control message giving the segment size; <see cref="GetSegments"/> splits it back. A GSO send
/// (a <c>UDP_SEGMENT</c> control message or socket option) does the opposite: one message the kernel cuts
/// into segments of the given size. Not thread-safe: one call at a time may use a batch.
/// </para>
/// </remarks>
public sealed unsafe class DatagramBatch
{
    /// <summary>UIO_MAXIOV: the most messages one sendmmsg/recvmmsg call takes.</summary>
    public const int MaxCount = 1024;

    private readonly byte[] _data;
    private readonly byte[] _names;
    private readonly IoVec[] _iov;
    private readonly MMsgHdr[] _headers;
    private readonly int[] _lengths;
    private readonly int[] _nameLengths;
    private readonly int[] _flags;
    private readonly ControlBuffer[]? _controls;

    /// <summary>Creates the buffers.</summary>
    /// <param name="count">How many messages (1 to <see cref="MaxCount"/>).</param>
    /// <param name="messageSize">The data buffer of each message in bytes (up to 65535 for UDP; a GRO receive needs room for the coalesced message).</param>
    /// <param name="controlSize">The control buffer of each message in bytes; 0 for none (see <see cref="ControlBuffer.SpaceFor"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range (the message names it), or all the buffers together would exceed an array's size.</exception>
    public DatagramBatch(int count, int messageSize, int controlSize = 0)
    {
        if (count < 1 || count > MaxCount)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A batch holds 1 to {MaxCount} messages.");
        if (messageSize < 0)
            throw new ArgumentOutOfRangeException(nameof(messageSize), messageSize, "The message size cannot be negative.");
        if (controlSize < 0)
            throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, "The control size cannot be negative.");
        if ((long)count * messageSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(messageSize), messageSize, $"{count} messages of {messageSize} bytes exceed the largest array.");

        Count = count;
        MessageSize = messageSize;
        _data = GC.AllocateArray<byte>(count * messageSize, pinned: true);
        _names = GC.AllocateArray<byte>(count * Sockaddr.StorageSize, pinned: true);
        _iov = GC.AllocateArray<IoVec>(count, pinned: true);
        _headers = GC.AllocateArray<MMsgHdr>(count, pinned: true);
        _lengths = new int[count];
        _nameLengths = new int[count];
        _flags = new int[count];
        if (controlSize > 0)
        {
            _controls = new ControlBuffer[count];
            for (int i = 0; i < count; i++) _controls[i] = new ControlBuffer(controlSize);
        }

        byte* data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data));
        byte* names = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_names));
        IoVec* iov = (IoVec*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_iov));
        for (int i = 0; i < count; i++)
        {
            iov[i].Base = data + (long)i * messageSize;
            ref var h = ref _headers[i].Header;
            h.Iov = iov + i;
            h.IovLength = 1;
            h.Name = names + i * Sockaddr.StorageSize;
            if (_controls is not null)
                h.Control = Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_controls[i].Storage));
        }
    }

    /// <summary>The number of messages the batch holds.</summary>
    public int Count { get; }

    /// <summary>The size of each message's data buffer in bytes.</summary>
    public int MessageSize { get; }

    /// <summary>The size of each message's control buffer in bytes (0: none).</summary>
    public int ControlSize => _controls is null ? 0 : _controls[0].Capacity;

    // ---- data ----

    /// <summary>The whole data buffer of message <paramref name="index"/> (<see cref="MessageSize"/> bytes), to write into before <see cref="SetLength"/>.</summary>
    public Span<byte> GetBuffer(int index)
    {
        CheckIndex(index);
        return _data.AsSpan(index * MessageSize, MessageSize);
    }

    /// <summary>The data of message <paramref name="index"/>: what was set for sending, or what was received.</summary>
    public ReadOnlySpan<byte> GetData(int index)
    {
        CheckIndex(index);
        return _data.AsSpan(index * MessageSize, Math.Min(_lengths[index], MessageSize));
    }

    /// <summary>
    /// The length of message <paramref name="index"/>: what was set for sending, or what the kernel reported on
    /// receiving (<c>msg_len</c>; with <c>MSG_TRUNC</c> in the flags passed, a datagram's full length, which may exceed
    /// <see cref="MessageSize"/>: only <see cref="GetData"/> was received).
    /// </summary>
    public int GetLength(int index)
    {
        CheckIndex(index);
        return _lengths[index];
    }

    /// <summary>Sets how many bytes of message <paramref name="index"/>'s buffer to send (0 to <see cref="MessageSize"/>).</summary>
    public void SetLength(int index, int length)
    {
        CheckIndex(index);
        if ((uint)length > (uint)MessageSize)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"The length must be 0 to the message size ({MessageSize}).");
        _lengths[index] = length;
    }

    /// <summary>Copies <paramref name="data"/> into message <paramref name="index"/> and sets its length.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is longer than <see cref="MessageSize"/> (it is never cut short).</exception>
    public void Set(int index, ReadOnlySpan<byte> data)
    {
        CheckIndex(index);
        if (data.Length > MessageSize)
            throw new ArgumentException($"{data.Length} bytes do not fit a message of {MessageSize} bytes.", nameof(data));
        data.CopyTo(_data.AsSpan(index * MessageSize));
        _lengths[index] = data.Length;
    }

    /// <summary>
    /// The kernel's result flags of received message <paramref name="index"/> (<c>msg_flags</c>): <c>MSG_TRUNC</c>
    /// when the datagram did not fit, <c>MSG_CTRUNC</c> when control data did not fit.
    /// </summary>
    public int GetFlags(int index)
    {
        CheckIndex(index);
        return _flags[index];
    }

    // ---- addresses ----

    /// <summary>
    /// Sets the destination of message <paramref name="index"/> (any form <see cref="SocketHandle.Bind"/> takes;
    /// null for none, as on a connected socket). False, with the error recorded and the old address kept, when it
    /// does not convert.
    /// </summary>
    public bool SetAddress(int index, object? address)
    {
        CheckIndex(index);
        if (address is RawSocketAddress raw) return SetAddress(index, raw);
        if (address is null)
        {
            _nameLengths[index] = 0;
            Errors.Clear();
            return true;
        }
        Span<byte> encoded = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(address, encoded, out int length, out var error))
        {
            Errors.Set(error);
            return false;
        }
        encoded.CopyTo(NameSpan(index));
        _nameLengths[index] = length;
        Errors.Clear();
        return true;
    }

    /// <summary>Sets the destination of message <paramref name="index"/> from an encoded address (copied; null or empty for none). Always true.</summary>
    public bool SetAddress(int index, RawSocketAddress? address)
    {
        CheckIndex(index);
        var bytes = address is null ? default : address.AsSpan();
        bytes.CopyTo(NameSpan(index));
        _nameLengths[index] = bytes.Length;
        Errors.Clear();
        return true;
    }

    /// <summary>Gives every message the destination <paramref name="address"/> (copied; null for none).</summary>
    public void SetAddressAll(RawSocketAddress? address)
    {
        for (int i = 0; i < Count; i++) SetAddress(i, address);
    }

    /// <summary>The address of message <paramref name="index"/> as the kernel has it: the sender's after a receive.</summary>
    public ReadOnlySpan<byte> GetAddressBytes(int index)
    {
        CheckIndex(index);
        return NameSpan(index)[..Math.Min(_nameLengths[index], Sockaddr.StorageSize)];
    }

    /// <summary>Copies the address of message <paramref name="index"/> into <paramref name="destination"/> without allocating.</summary>
    public void CopyAddress(int index, RawSocketAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.TrySet(GetAddressBytes(index));
    }

    /// <summary>The address of message <paramref name="index"/>, decoded (allocates); null when there is none.</summary>
    public SocketAddress? GetAddress(int index)
    {
        var raw = GetAddressBytes(index);
        if (raw.Length == 0) return null;
        return Sockaddr.Decode(raw) ?? new SocketAddress(raw.Length >= 2 ? BitConverter.ToUInt16(raw) : 0);
    }

    // ---- ancillary data ----

    /// <summary>
    /// The control buffer of message <paramref name="index"/>. A send passes it as it is: after a receive it holds
    /// what was received, so clear it (<see cref="ClearControls"/>) before sending the batch back.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch was created without a control size.</exception>
    public ControlBuffer GetControl(int index)
    {
        CheckIndex(index);
        if (_controls is null) throw new InvalidOperationException("This batch was created with controlSize 0: it has no control buffers.");
        return _controls[index];
    }

    /// <summary>Empties every control buffer (closing received descriptors that were not taken: SCM_RIGHTS, SCM_PIDFD, ...).</summary>
    public void ClearControls()
    {
        if (_controls is null) return;
        foreach (var c in _controls) c.Clear();
    }

    // ---- GRO ----

    /// <summary>
    /// The UDP segments of message <paramref name="index"/>: its data cut every <paramref name="segmentSize"/>
    /// bytes, the last one shorter when the data does not divide evenly, as a UDP GRO receive coalesced them (the
    /// segment size is the <c>int</c> payload of the message's <c>UDP_GRO</c> control message). A segment size of
    /// 0 (no GRO control message) gives the whole data as one segment.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="segmentSize"/> is negative.</exception>
    public SegmentEnumerable GetSegments(int index, int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segmentSize);
        return new SegmentEnumerable(GetData(index), segmentSize);
    }

    /// <summary>The number of segments <see cref="GetSegments"/> gives.</summary>
    public int GetSegmentCount(int index, int segmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(segmentSize);
        int length = GetData(index).Length;
        if (segmentSize == 0 || length == 0) return length == 0 ? 0 : 1;
        return (length + segmentSize - 1) / segmentSize;
    }

    /// <summary>The segments of one message (see <see cref="GetSegments"/>), for <c>foreach</c>.</summary>
    public readonly ref struct SegmentEnumerable
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly int _size;

        internal SegmentEnumerable(ReadOnlySpan<byte> data, int size)
        {
            _data = data;
            _size = size;
        }

        /// <summary>Starts the walk.</summary>
        public SegmentEnumerator GetEnumerator() => new(_data, _size);
    }

    /// <summary>Walks the segments of one message.</summary>
    public ref struct SegmentEnumerator
    {
        private readonly ReadOnlySpan<byte> _data;
        private readonly int _size;
        private int _offset;
        private ReadOnlySpan<byte> _current;

        internal SegmentEnumerator(ReadOnlySpan<byte> data, int size)
        {
            _data = data;
            _size = size == 0 ? Math.Max(data.Length, 1) : size;
            _offset = 0;
            _current = default;
        }

        /// <summary>The current segment.</summary>
        public readonly ReadOnlySpan<byte> Current => _current;

        /// <summary>Moves to the next segment.</summary>
        public bool MoveNext()
        {
            if (_offset >= _data.Length) return false;
            int n = Math.Min(_size, _data.Length - _offset);
            _current = _data.Slice(_offset, n);
            _offset += n;
            return true;
        }
    }

    // ---- syscall plumbing (SocketHandle.Batch.cs) ----

    /// <summary>Fills the headers of messages [start, start+count) for sendmmsg and returns a pointer to the first.</summary>
    internal MMsgHdr* PrepareSend(int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            ref var m = ref _headers[i];
            // A length received with MSG_TRUNC can exceed the buffer: never let the kernel read past it.
            _iov[i].Length = (nuint)Math.Min(_lengths[i], MessageSize);
            int nameLength = _nameLengths[i];
            m.Header.NameLength = (uint)nameLength;
            m.Header.ControlLength = _controls is null ? 0 : (nuint)_controls[i].Length;
            m.Header.Flags = 0;
            m.Length = 0;
            // A zero length must go with a null pointer: the kernel reads msg_name whenever it is set.
            m.Header.Name = nameLength == 0 ? null : NamePointer(i);
        }
        return HeaderPointer(start);
    }

    /// <summary>Fills the headers of messages [start, start+count) for recvmmsg and returns a pointer to the first.</summary>
    internal MMsgHdr* PrepareReceive(int start, int count)
    {
        for (int i = start; i < start + count; i++)
        {
            ref var m = ref _headers[i];
            _iov[i].Length = (nuint)MessageSize;
            m.Header.Name = NamePointer(i);
            m.Header.NameLength = Sockaddr.StorageSize;
            if (_controls is not null)
            {
                _controls[i].BeginReceive();
                m.Header.ControlLength = (nuint)_controls[i].Capacity;
            }
            m.Header.Flags = 0;
            m.Length = 0;
        }
        return HeaderPointer(start);
    }

    /// <summary>Records what the kernel reported for the <paramref name="received"/> messages from <paramref name="start"/>.</summary>
    internal void CompleteReceive(int start, int received, int passedFlags)
    {
        for (int i = start; i < start + received; i++)
        {
            ref var m = ref _headers[i];
            _lengths[i] = (int)Math.Min(m.Length, int.MaxValue);
            _nameLengths[i] = (int)Math.Min(m.Header.NameLength, (uint)Sockaddr.StorageSize);
            _flags[i] = SocketHandle.ResultFlags(m.Header.Flags, passedFlags);
            _controls?[i].EndReceive((int)Math.Min(m.Header.ControlLength, (nuint)int.MaxValue), m.Header.Flags);
        }
    }

    /// <summary>After sendmmsg: nothing to record but the kernel's per-message byte count, which equals the length set.</summary>
    internal uint SentLength(int index) => _headers[index].Length;

    private Span<byte> NameSpan(int index) => _names.AsSpan(index * Sockaddr.StorageSize, Sockaddr.StorageSize);

    private byte* NamePointer(int index) =>
        (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_names)) + index * Sockaddr.StorageSize;

    private MMsgHdr* HeaderPointer(int index) =>
        (MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_headers)) + index;

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds messages 0 to {Count - 1}.");
    }
}
