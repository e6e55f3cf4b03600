using System;
using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Tmds.Linux;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

// Data transfer: ucode's sock.send() and sock.recv(), plus allocation-free span overloads.
public sealed partial class SocketHandle
{

    /// <summary>Receive buffers up to this size come from the shared pool; larger ones are allocated for the call.</summary>
    private const int PooledReceiveLimit = 1 << 20;

    /// <summary>Strings up to this many UTF-8 bytes are encoded on the stack before sending.</summary>
    private const int StackSendLimit = 512;

    /// <summary>
    /// Sends data (ucode's <c>sock.send(data, flags, address)</c>) and returns the number of bytes sent.
    /// <paramref name="data"/>: a <c>byte[]</c>, <see cref="ReadOnlyMemory{T}"/>, <see cref="Memory{T}"/> or
    /// <see cref="ArraySegment{T}"/> of bytes is sent as is; a string as UTF-8; a bool as <c>true</c>/<c>false</c>
    /// (as ucode writes it); any other value as its invariant-culture string form. Null sends no bytes (an empty
    /// datagram on a datagram socket) where ucode refuses null with "Argument data is required".
    /// <paramref name="address"/> (any form <see cref="Bind"/> takes) is the destination for unconnected
    /// sockets; null sends to the connected peer. <c>MSG_NOSIGNAL</c> is always added, as ucode does, so a
    /// closed connection is an EPIPE error rather than a signal. Null on error, e.g.
    /// <c>"send(): Destination address required"</c>.
    /// </summary>
    [SkipLocalsInit]
    public long? Send(object? data, int flags = 0, object? address = null)
    {
        switch (data)
        {
            case null:
                return SendCore(ReadOnlySpan<byte>.Empty, flags, address);
            case byte[] bytes:
                return SendCore(bytes, flags, address);
            case ReadOnlyMemory<byte> rom:
                return SendCore(rom.Span, flags, address);
            case Memory<byte> mem:
                return SendCore(mem.Span, flags, address);
            case ArraySegment<byte> segment:
                return SendCore(segment, flags, address);
        }

        string text = data switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => data.ToString() ?? "",
        };
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= StackSendLimit)
        {
            Span<byte> small = stackalloc byte[StackSendLimit];
            int n = Encoding.UTF8.GetBytes(text, small);
            return SendCore(small[..n], flags, address);
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(text));
        try
        {
            int n = Encoding.UTF8.GetBytes(text, rented);
            return SendCore(rented.AsSpan(0, n), flags, address);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Sends a byte segment (ucode's <c>sock.send(data, flags, address)</c>) as
    /// <see cref="Send(object?, int, object?)"/> does; returns the number of bytes sent, or null on error.
    /// </summary>
    public long? Send(ArraySegment<byte> data, int flags = 0, object? address = null) => SendCore(data, flags, address);

    /// <summary>
    /// Sends bytes to the connected peer without allocating (ucode's <c>sock.send(data, flags)</c>); returns the
    /// number of bytes sent, or null on error. <c>MSG_NOSIGNAL</c> is always added.
    /// </summary>
    public long? Send(ReadOnlySpan<byte> data, int flags = 0) => SendCore(data, flags, null);

    /// <summary>
    /// Sends bytes to <paramref name="address"/> (null: the connected peer) without allocating (ucode's
    /// <c>sock.send(data, flags, address)</c>); returns the number of bytes sent, or null on error.
    /// <c>MSG_NOSIGNAL</c> is always added.
    /// </summary>
    public long? Send(ReadOnlySpan<byte> data, int flags, SocketAddress? address) => SendCore(data, flags, address);

    private unsafe long? SendCore(ReadOnlySpan<byte> data, int flags, object? address)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
            int length = 0;
            if (address is not null && !Sockaddr.TryEncode(address, sa, out length, out var error))
                return FailCount(error);

            long sent;
            int errno = 0;
            fixed (byte* p = data)
            fixed (byte* a = sa)
            {
                do sent = LibC.sendto(fd, p, data.Length, flags | Sockets.MSG_NOSIGNAL, address is null ? null : (sockaddr*)a, length);
                while (sent < 0 && (errno = LibC.errno) == EINTR);
            }
            if (sent < 0) return FailCount(new ErrorInfo(errno, "send()"));
            Errors.Clear();
            return sent;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Receives up to <paramref name="length"/> bytes (ucode's <c>sock.recv(length, flags, address)</c>; the length
    /// defaults to 4096). Returns the bytes received; an empty array when the peer closed the connection (or the
    /// socket was shut down for reading, e.g. by <see cref="Close"/> on another thread); null on error, e.g.
    /// <c>"recv(): Resource temporarily unavailable"</c> with <c>MSG_DONTWAIT</c> and nothing queued.
    /// <paramref name="length"/> must be positive (else EINVAL "Invalid length argument"); a length no array can
    /// hold is ENOMEM "Out of memory". When <paramref name="address"/> is given it is filled with the sender's
    /// address (every field replaced; when the kernel gives no address, as for a connected stream socket or an
    /// unbound UNIX datagram sender, the family is 0, AF_UNSPEC, and every other field null). With <c>MSG_TRUNC</c> on a datagram socket the kernel reports the datagram's full length; only
    /// the bytes that fit in <paramref name="length"/> were received and are returned, never more. With
    /// <c>MSG_TRUNC</c> on a TCP socket the kernel discards the data without copying it: the result then has the
    /// discarded count's length and holds zeros, as in ucode.
    /// </summary>
    public unsafe byte[]? Recv(int length = 4096, int flags = 0, SocketAddress? address = null)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
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
                long received = RecvCore(fd, buffer.AsSpan(0, length), flags, address);
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
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Receives into <paramref name="buffer"/> without allocating (ucode's <c>sock.recv()</c>). Returns what the
    /// syscall returned: the number of bytes received, 0 when the peer closed the connection (or for an empty
    /// buffer), or, with <c>MSG_TRUNC</c> on a datagram socket, the datagram's full length, which may exceed
    /// <paramref name="buffer"/>'s length (only that many bytes were written). Null on error.
    /// </summary>
    public long? Recv(Span<byte> buffer, int flags = 0) => Recv(buffer, flags, null);

    /// <summary>
    /// Receives into <paramref name="buffer"/> (ucode's <c>sock.recv(length, flags, address)</c>) and fills
    /// <paramref name="address"/>, when given, with the sender's address. Returns what the syscall returned (see
    /// <see cref="Recv(Span{byte}, int)"/>), or null on error.
    /// </summary>
    public long? Recv(Span<byte> buffer, int flags, SocketAddress? address)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            long received = RecvCore(fd, buffer, flags, address);
            return received < 0 ? null : received;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>recvfrom with EINTR retried; fills <paramref name="address"/> on success; -1 with the error recorded on failure.</summary>
    private static unsafe long RecvCore(int fd, Span<byte> buffer, int flags, SocketAddress? address)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        long received;
        int errno = 0;
        socklen_t length;
        fixed (byte* p = buffer)
        fixed (byte* a = sa)
        {
            do
            {
                length = (uint)Sockaddr.StorageSize;
                received = address is null
                    ? LibC.recvfrom(fd, p, buffer.Length, flags, null, null)
                    : LibC.recvfrom(fd, p, buffer.Length, flags, (sockaddr*)a, &length);
            }
            while (received < 0 && (errno = LibC.errno) == EINTR);
        }
        if (received < 0)
        {
            Errors.Set(new ErrorInfo(errno, "recv()"));
            return -1;
        }
        address?.CopyFrom(DecodeAddress(sa, length));
        Errors.Clear();
        return received;
    }

    private static long? FailCount(ErrorInfo error)
    {
        Errors.Set(error);
        return null;
    }
}
