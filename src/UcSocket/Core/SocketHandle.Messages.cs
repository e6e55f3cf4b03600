using System;
using UcSocket.Native;

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

// Messages over caller buffers, without allocating: sendmsg(2) and recvmsg(2), the core every message path uses.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Sends one message from caller buffers without allocating (sendmsg(2)): <paramref name="data"/>, the control
    /// messages in <paramref name="control"/> (null: none) and the destination <paramref name="address"/> (null: the
    /// connected peer). Returns the number of bytes sent, or null on error (<c>"sendmsg(): &lt;strerror&gt;"</c>).
    /// </summary>
    public unsafe long? SendMsg(ReadOnlySpan<byte> data, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        long sent;
        fixed (byte* pData = data)
        fixed (byte* pControl = control?.Storage)
        fixed (byte* pName = address?.Storage)
        {
            var iov = new IoVec { Base = pData, Length = (nuint)data.Length };
            int controlLength = control?.Length ?? 0;
            int nameLength = address?.Length ?? 0;
            var msg = MsgHdr.Of(pName, nameLength, &iov, 1, pControl, controlLength);
            sent = SendMessage(call, &msg, flags);
        }
        if (sent < 0) return FailCount(sent, "sendmsg()");
        Errors.Clear();
        return sent;
    }

    /// <summary>
    /// Receives one message into caller buffers without allocating (recvmsg(2)): the data into
    /// <paramref name="buffer"/>, control messages into <paramref name="control"/> (null: none are received; read them
    /// in place afterwards with <c>foreach</c> or <see cref="ControlBuffer.TryGet{T}"/>), the sender's address into
    /// <paramref name="address"/> (null: not asked for). Returns the length and result flags, or null on error
    /// (<c>"recvmsg(): &lt;strerror&gt;"</c>).
    /// </summary>
    /// <remarks>
    /// <c>MSG_CMSG_CLOEXEC</c> is always passed (except on packet sockets, which refuse it and on which no descriptor
    /// can arrive). Descriptors the kernel installs (<c>SCM_RIGHTS</c>, <c>SCM_PIDFD</c>) are owned by
    /// <paramref name="control"/> as soon as the call returns (see <see cref="ControlBuffer"/>); descriptors the last
    /// receive into it left untaken are closed first. The address is emptied (length 0) when the kernel gives none.
    /// </remarks>
    public unsafe ReceiveResult? RecvMsg(Span<byte> buffer, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0)
    {
        using var call = Enter();
        if (!call.IsOpen) return null;
        control?.BeginReceive();
        long received;
        MsgHdr msg;
        fixed (byte* pData = buffer)
        fixed (byte* pControl = control?.Storage)
        fixed (byte* pName = address?.Storage)
        {
            var iov = new IoVec { Base = pData, Length = (nuint)buffer.Length };
            msg = MsgHdr.Of(pName, address is null ? 0 : RawSocketAddress.MaxLength, &iov, 1, pControl, control?.Capacity ?? 0);
            received = ReceiveMessage(call, &msg, flags);
        }
        if (received < 0) return FailReceive(received, "recvmsg()");
        // Own received descriptors before anything else can fail.
        control?.EndReceive((int)Math.Min(msg.ControlLength, (nuint)control.Capacity), msg.Flags);
        address?.SetLength((int)Math.Min(msg.NameLength, (uint)RawSocketAddress.MaxLength));
        Errors.Clear();
        return new ReceiveResult(received, ResultFlags(msg.Flags, flags));
    }

    /// <summary>recvmsg(2) for every receive path: MSG_CMSG_CLOEXEC, the blocking policy, the close wake-up.</summary>
    internal static unsafe long ReceiveMessage(in HandleCall call, MsgHdr* message, int flags)
    {
        var op = new RecvMsgOperation { Owner = call.Owner, Message = message, Flags = flags };
        return BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
    }

    /// <summary>sendmsg(2) for every send path: the blocking policy (a stream send sends every byte), the close wake-up.</summary>
    internal static unsafe long SendMessage(in HandleCall call, MsgHdr* message, int flags)
    {
        var op = new SendMsgOperation { Message = message, Flags = flags, Stream = call.Owner.IsStream };
        return BlockingIo.Run(call.Owner, call.Fd, ref op, flags);
    }

    /// <summary>msg_flags as reported to the caller: MSG_CMSG_CLOEXEC, which the library adds itself, only when the caller passed it.</summary>
    internal static int ResultFlags(int messageFlags, int passedFlags) =>
        (passedFlags & Sockets.MSG_CMSG_CLOEXEC) == 0 ? messageFlags & ~Sockets.MSG_CMSG_CLOEXEC : messageFlags;

    private static ReceiveResult? FailReceive(long rc, string context)
    {
        Errors.Set(new ErrorInfo((int)-rc, context));
        return null;
    }
}
