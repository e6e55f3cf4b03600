using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using UcSocket.Marshalling;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

// ucode's sock.send() and sock.recv(): values and addresses in the ucode form, results as byte arrays.
public sealed partial class SocketHandle
{
    /// <summary>Receive buffers up to this size come from the shared pool; larger ones are allocated for the call.</summary>
    private const int PooledReceiveLimit = 1 << 20;

    /// <summary>Strings up to this many UTF-8 bytes are encoded on the stack before sending.</summary>
    private const int StackSendLimit = 512;

    /// <summary>
    /// Sends data (ucode's <c>sock.send(data, flags, address)</c>) and returns the number of bytes sent.
    /// <paramref name="data"/>: a <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or
    /// <see cref="ArraySegment{T}"/> of bytes is sent as is; a string as UTF-8; anything else as ucode converts it to
    /// a string: a number or bool as its text, a dictionary or an array as JSON with ucode's spacing
    /// (<c>{ "a": 1 }</c>). Another kind of object is an EINVAL error naming its type. Null sends no bytes (an empty
    /// datagram on a datagram socket) where ucode refuses null with "Argument data is required".
    /// <paramref name="address"/> (any form <see cref="Bind"/> takes) is the destination for unconnected
    /// sockets; null sends to the connected peer. <c>MSG_NOSIGNAL</c> is always added, as ucode does, so a
    /// closed connection is an EPIPE error rather than a signal. Null on error, e.g.
    /// <c>"send(): Destination address required"</c>.
    /// </summary>
    [SkipLocalsInit]
    public long? Send(object? data, int flags = 0, object? address = null)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        int length = 0;
        if (address is not null && !Sockaddr.TryEncode(address, sa, out length, out var error)) return FailCount(error);
        var destination = sa[..length];
        switch (data)
        {
            case null: return SendOn(call, ReadOnlySpan<byte>.Empty, flags, destination);
            case byte[] bytes: return SendOn(call, bytes, flags, destination);
            case ReadOnlyMemory<byte> rom: return SendOn(call, rom.Span, flags, destination);
            case Memory<byte> mem: return SendOn(call, mem.Span, flags, destination);
            case ArraySegment<byte> segment: return SendOn(call, segment, flags, destination);
            case string small when Encoding.UTF8.GetMaxByteCount(small.Length) <= StackSendLimit:
                Span<byte> utf8 = stackalloc byte[StackSendLimit];
                return SendOn(call, utf8[..Encoding.UTF8.GetBytes(small, utf8)], flags, destination);
        }
        var text = new ArrayBufferWriter<byte>(64);
        if (!UcodeText.TryWrite(data, text, out error)) return FailCount(error);
        return SendOn(call, text.WrittenSpan, flags, destination);
    }

    /// <summary>
    /// Sends a byte segment (ucode's <c>sock.send(data, flags, address)</c>) as
    /// <see cref="Send(object?, int, object?)"/> does; returns the number of bytes sent, or null on error.
    /// </summary>
    public long? Send(ArraySegment<byte> data, int flags = 0, object? address = null) => Send((object)data, flags, address);

    /// <summary>
    /// Receives up to <paramref name="length"/> bytes (ucode's <c>sock.recv(length, flags, address)</c>; the length
    /// defaults to 4096). Returns the bytes received; an empty array when the peer closed the connection; null on
    /// error, e.g. <c>"recv(): Resource temporarily unavailable"</c> with <c>MSG_DONTWAIT</c> and nothing queued.
    /// <paramref name="length"/> must be positive (else EINVAL "Invalid length argument"); a length no array can
    /// hold is ENOMEM "Out of memory". When <paramref name="address"/> is given it is filled with the sender's
    /// address (every field replaced; when the kernel gives no address, as for a connected stream socket or an
    /// unbound UNIX datagram sender, the family is 0, AF_UNSPEC, and every other field null). With
    /// <c>MSG_TRUNC</c> on a datagram socket the kernel reports the datagram's full length; only the bytes that fit
    /// in <paramref name="length"/> were received and are returned, never more. With <c>MSG_TRUNC</c> on a TCP
    /// socket the kernel discards the data without copying it: the result then has the discarded count's length
    /// and holds zeros, as in ucode.
    /// </summary>
    public byte[]? Recv(int length = 4096, int flags = 0, SocketAddress? address = null)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (length <= 0) return Errors.Fail<byte[]>(ErrorInfo.Invalid("Invalid length argument"));
        if (length > Array.MaxLength) return Errors.Fail<byte[]>(new ErrorInfo(ENOMEM, "Out of memory"));

        bool pooled = length <= PooledReceiveLimit;
        byte[] buffer;
        try
        {
            buffer = pooled ? ArrayPool<byte>.Shared.Rent(length) : new byte[length];
        }
        catch (OutOfMemoryException)
        {
            return Errors.Fail<byte[]>(new ErrorInfo(ENOMEM, "Out of memory"));
        }
        try
        {
            // The kernel writes nothing for MSG_TRUNC on stream sockets: never hand out a pooled buffer's old bytes.
            if (pooled && (flags & Sockets.MSG_TRUNC) != 0) buffer.AsSpan(0, length).Clear();
            long received = RecvCore(call, buffer.AsSpan(0, length), flags, address);
            if (received < 0) return null;
            int count = (int)Math.Min(received, length);
            if (count == 0) return Array.Empty<byte>();
            return !pooled && count == buffer.Length ? buffer : buffer.AsSpan(0, count).ToArray();
        }
        finally
        {
            if (pooled) ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
