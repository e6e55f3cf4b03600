using System;
using UcSocket.Native;
using UcSocket.Marshalling;

namespace UcSocket;

// Data transfer over caller buffers, without allocating: the core of ucode's sock.send() and sock.recv().
public sealed partial class SocketHandle
{
    /// <summary>
    /// Sends bytes to the connected peer without allocating (ucode's <c>sock.send(data, flags)</c>); returns the
    /// number of bytes sent, or null on error. <c>MSG_NOSIGNAL</c> is always added.
    /// </summary>
    public long? Send(ReadOnlySpan<byte> data, int flags = 0) => Send(data, flags, (SocketAddress?)null);

    /// <summary>
    /// Sends bytes to <paramref name="address"/> (null: the connected peer) without allocating (ucode's
    /// <c>sock.send(data, flags, address)</c>); returns the number of bytes sent, or null on error.
    /// <c>MSG_NOSIGNAL</c> is always added.
    /// </summary>
    public long? Send(ReadOnlySpan<byte> data, int flags, SocketAddress? address)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        if (address is null) return SendOn(call, data, flags, default);
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(address, sa, out int length, out var error)) return FailCount(error);
        return SendOn(call, data, flags, sa[..length]);
    }

    /// <summary>sendto with MSG_NOSIGNAL to an encoded address (empty: the connected peer); records the outcome.</summary>
    private static unsafe long? SendOn(in HandleCall call, ReadOnlySpan<byte> data, int flags, ReadOnlySpan<byte> address)
    {
        long sent;
        fixed (byte* p = data)
        fixed (byte* a = address)
        {
            var op = new SendToOperation
            {
                Data = p,
                Length = data.Length,
                Flags = flags | Sockets.MSG_NOSIGNAL,
                Address = a,
                AddressLength = address.Length,
                Stream = call.Owner.IsStream,
            };
            sent = BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
        }
        if (sent < 0) return FailCount(sent, "send()");
        Errors.Clear();
        return sent;
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
        using var call = Enter();
        if (!call.IsOpen) return null;
        long received = RecvCore(call, buffer, flags, address);
        return received < 0 ? null : received;
    }

    /// <summary>recvfrom into <paramref name="buffer"/>; fills <paramref name="address"/> on success; -1 with the error recorded on failure.</summary>
    private static unsafe long RecvCore(in HandleCall call, Span<byte> buffer, int flags, SocketAddress? address)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        long received;
        int addressLength;
        fixed (byte* p = buffer)
        fixed (byte* a = sa)
        {
            var op = new RecvFromOperation
            {
                Buffer = p,
                Length = buffer.Length,
                Flags = flags,
                Address = a,
                AddressCapacity = address is null ? 0 : sa.Length,
            };
            received = BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
            addressLength = op.AddressLength;
        }
        if (received < 0)
        {
            Errors.Set(new ErrorInfo((int)-received, "recv()"));
            return -1;
        }
        address?.CopyFrom(DecodeAddress(sa[..addressLength]));
        Errors.Clear();
        return received;
    }

    /// <summary>Decodes what the kernel wrote; an address of a family no codec knows keeps only its family.</summary>
    internal static SocketAddress DecodeAddress(ReadOnlySpan<byte> raw) =>
        Sockaddr.Decode(raw) ?? new SocketAddress(raw.Length >= 2 ? BitConverter.ToUInt16(raw) : 0);
}
