using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tmds.Linux;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

/// <summary>What an allocation-free <see cref="SocketHandle.RecvMsg(Span{byte}, ControlBuffer?, RawSocketAddress?, int)"/> received.</summary>
/// <param name="Length">What recvmsg returned: the bytes received, or with <c>MSG_TRUNC</c> passed a datagram's full length.</param>
/// <param name="Flags">The kernel's result flags (<c>msg_flags</c>); <c>MSG_CMSG_CLOEXEC</c> only if the caller passed it.</param>
public readonly record struct ReceiveResult(long Length, int Flags)
{
    /// <summary>True when <c>MSG_TRUNC</c> is set: the datagram did not fit the buffer.</summary>
    public bool IsTruncated => (Flags & Sockets.MSG_TRUNC) != 0;

    /// <summary>True when <c>MSG_CTRUNC</c> is set: control data did not fit the control buffer.</summary>
    public bool IsControlTruncated => (Flags & Sockets.MSG_CTRUNC) != 0;
}

// Allocation-free message calls: sendmsg/recvmsg over caller buffers, and batched sendmmsg/recvmmsg.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Sends one message from caller buffers without allocating (sendmsg(2)): <paramref name="data"/>, the control
    /// messages in <paramref name="control"/> (null: none) and the destination <paramref name="address"/> (null: the
    /// connected peer). Returns the number of bytes sent, or null on error (<c>"sendmsg(): &lt;strerror&gt;"</c>).
    /// </summary>
    public unsafe long? SendMsg(ReadOnlySpan<byte> data, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            long sent;
            int errno = 0;
            fixed (byte* pData = data)
            fixed (byte* pControl = control?.Storage)
            fixed (byte* pName = address?.Storage)
            {
                var iov = new IoVec { Base = pData, Length = (nuint)data.Length };
                int controlLength = control?.Length ?? 0;
                int nameLength = address?.Length ?? 0;
                var msg = new MsgHdr
                {
                    Name = nameLength > 0 ? pName : null,
                    NameLength = (uint)nameLength,
                    Iov = &iov,
                    IovLength = 1,
                    Control = controlLength > 0 ? pControl : null,
                    ControlLength = (nuint)controlLength,
                };
                do sent = LibC.sendmsg(fd, (msghdr*)&msg, flags);
                while (sent < 0 && (errno = LibC.errno) == EINTR);
            }
            if (sent < 0)
            {
                Errors.Set(new ErrorInfo(errno, "sendmsg()"));
                return null;
            }
            Errors.Clear();
            return sent;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Receives one message into caller buffers without allocating (recvmsg(2)): the data into
    /// <paramref name="buffer"/>, control messages into <paramref name="control"/> (null: none are received; read them
    /// in place afterwards with <c>foreach</c> or <see cref="ControlBuffer.TryGet{T}"/>), the sender's address into
    /// <paramref name="address"/> (null: not asked for). Returns the length and result flags, or null on error
    /// (<c>"recvmsg(): &lt;strerror&gt;"</c>).
    /// </summary>
    /// <remarks>
    /// <c>MSG_CMSG_CLOEXEC</c> is always passed. Descriptors received in <c>SCM_RIGHTS</c> are owned by
    /// <paramref name="control"/> as soon as the call returns (see <see cref="ControlBuffer"/>); descriptors the last
    /// receive into it left untaken are closed first. The address is emptied (length 0) when the kernel gives none.
    /// </remarks>
    public unsafe ReceiveResult? RecvMsg(Span<byte> buffer, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            control?.BeginReceive();
            long received;
            int errno = 0, msgFlags;
            nuint controlLength;
            uint nameLength;
            fixed (byte* pData = buffer)
            fixed (byte* pControl = control?.Storage)
            fixed (byte* pName = address?.Storage)
            {
                var iov = new IoVec { Base = pData, Length = (nuint)buffer.Length };
                var msg = new MsgHdr
                {
                    Name = pName,
                    NameLength = address is null ? 0 : (uint)RawSocketAddress.MaxLength,
                    Iov = &iov,
                    IovLength = 1,
                    Control = control is { Capacity: > 0 } ? pControl : null,
                    ControlLength = (nuint)(control?.Capacity ?? 0),
                };
                do received = LibC.recvmsg(fd, (msghdr*)&msg, flags | Sockets.MSG_CMSG_CLOEXEC);
                while (received < 0 && (errno = LibC.errno) == EINTR);
                msgFlags = msg.Flags;
                controlLength = msg.ControlLength;
                nameLength = msg.NameLength;
            }
            if (received < 0)
            {
                Errors.Set(new ErrorInfo(errno, "recvmsg()"));
                return null;
            }
            // Own received descriptors before anything else can fail.
            control?.EndReceive((int)Math.Min(controlLength, (nuint)control.Capacity));
            address?.SetLength((int)Math.Min(nameLength, (uint)RawSocketAddress.MaxLength));
            if ((flags & Sockets.MSG_CMSG_CLOEXEC) == 0) msgFlags &= ~Sockets.MSG_CMSG_CLOEXEC;
            Errors.Clear();
            return new ReceiveResult(received, msgFlags);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Sends every message of <paramref name="batch"/> with one sendmmsg(2) call; see
    /// <see cref="SendMmsg(DatagramBatch, int, int, int)"/>.
    /// </summary>
    public int? SendMmsg(DatagramBatch batch, int flags = 0) => SendMmsg(batch, 0, batch?.Count ?? 0, flags);

    /// <summary>
    /// Sends messages <paramref name="start"/> to <paramref name="start"/>+<paramref name="count"/>-1 of
    /// <paramref name="batch"/> with one sendmmsg(2) call, each with its data, destination and control messages.
    /// Returns the number of messages sent, which may be fewer than asked (a full send buffer with
    /// <c>MSG_DONTWAIT</c>, or an error after the first message: the next call reports it); null on error
    /// (<c>"sendmmsg(): &lt;strerror&gt;"</c>, or EINVAL naming a bad argument). <c>MSG_NOSIGNAL</c> is always
    /// added, as <see cref="Send(object?, int, object?)"/> does. Allocates nothing.
    /// </summary>
    [SkipLocalsInit]
    public unsafe int? SendMmsg(DatagramBatch batch, int start, int count, int flags = 0)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (!CheckBatch(batch, start, count)) return null;
            if (count == 0)
            {
                Errors.Clear();
                return 0;
            }
            var messages = batch.PrepareSend(start, count);
            int sent, errno;
            do sent = MultiMessage.Send(fd, messages, count, flags | Sockets.MSG_NOSIGNAL, out errno);
            while (sent < 0 && errno == EINTR);
            if (sent < 0)
            {
                Errors.Set(new ErrorInfo(errno, "sendmmsg()"));
                return null;
            }
            Errors.Clear();
            return sent;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Receives into every message of <paramref name="batch"/> with one recvmmsg(2) call; see
    /// <see cref="RecvMmsg(DatagramBatch, int, int, int)"/>.
    /// </summary>
    public int? RecvMmsg(DatagramBatch batch, int flags = 0) => RecvMmsg(batch, 0, batch?.Count ?? 0, flags);

    /// <summary>
    /// Receives up to <paramref name="count"/> datagrams into messages <paramref name="start"/>.. of
    /// <paramref name="batch"/> with one recvmmsg(2) call: each message's data, length, sender address, flags and
    /// control messages (into its <see cref="ControlBuffer"/>, when the batch has them). Returns the number of
    /// messages received; null on error (<c>"recvmmsg(): &lt;strerror&gt;"</c>, or EINVAL naming a bad argument).
    /// Allocates nothing (except handles for descriptors received in <c>SCM_RIGHTS</c>).
    /// </summary>
    /// <remarks>
    /// As recvmmsg(2) does, a blocking call waits until <paramref name="count"/> messages arrived: pass
    /// <c>MSG_WAITFORONE</c> to return once at least one did (taking what else is queued), or <c>MSG_DONTWAIT</c>
    /// to never wait. <c>MSG_CMSG_CLOEXEC</c> is always passed.
    /// </remarks>
    [SkipLocalsInit]
    public unsafe int? RecvMmsg(DatagramBatch batch, int start, int count, int flags = 0)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (!CheckBatch(batch, start, count)) return null;
            if (count == 0)
            {
                Errors.Clear();
                return 0;
            }
            var messages = batch.PrepareReceive(start, count);
            int received, errno;
            do received = MultiMessage.Receive(fd, messages, count, flags | Sockets.MSG_CMSG_CLOEXEC, out errno);
            while (received < 0 && errno == EINTR);
            if (received < 0)
            {
                Errors.Set(new ErrorInfo(errno, "recvmmsg()"));
                return null;
            }
            batch.CompleteReceive(start, received, flags);
            Errors.Clear();
            return received;
        }
        finally
        {
            Exit();
        }
    }

    private static bool CheckBatch(DatagramBatch? batch, int start, int count)
    {
        string? problem = null;
        if (batch is null) problem = "Invalid batch argument (null)";
        else if (start < 0 || start > batch.Count)
            problem = string.Create(CultureInfo.InvariantCulture, $"Invalid start argument ({start}; the batch holds {batch.Count} messages)");
        else if (count < 0 || count > batch.Count - start)
            problem = string.Create(CultureInfo.InvariantCulture, $"Invalid count argument ({count}; {batch.Count - start} messages from {start})");
        if (problem is null) return true;
        Errors.Set(ErrorInfo.Invalid(problem));
        return false;
    }
}
