using System;

using static UcSocket.Native.Errno;

namespace UcSocket.Native;

/// <summary>recvfrom(2) into a pinned buffer; the sender's address when <see cref="AddressCapacity"/> is not 0.</summary>
internal unsafe struct RecvFromOperation : ISocketOperation
{
    public byte* Buffer;
    public nint Length;
    public int Flags;
    public byte* Address;
    public int AddressCapacity;
    public int AddressLength;

    public long Invoke(int fd, int extraFlags) =>
        SocketSyscalls.RecvFrom(fd, Buffer, Length, Flags | extraFlags, new Span<byte>(Address, AddressCapacity), out AddressLength);

    public readonly WaitDirection Direction => WaitDirection.Receive;
    public readonly bool TakesDontWait => true;
    public readonly bool ContinueAfter(long result) => false;
    public readonly long Complete(long result) => result;
    public readonly long AfterClose(long result) => result <= 0 ? -ECANCELED : result;
}

/// <summary>sendto(2) from a pinned buffer; a blocking stream send sends every byte, as the kernel's own does.</summary>
internal unsafe struct SendToOperation : ISocketOperation
{
    public byte* Data;
    public nint Length;
    public int Flags;
    public byte* Address;
    public int AddressLength;
    public bool Stream;
    private long _sent;

    public long Invoke(int fd, int extraFlags) =>
        SocketSyscalls.SendTo(fd, Data + _sent, Length - (nint)_sent, Flags | extraFlags, new ReadOnlySpan<byte>(Address, AddressLength));

    public readonly WaitDirection Direction => WaitDirection.Send;
    public readonly bool TakesDontWait => true;

    public bool ContinueAfter(long result)
    {
        _sent += result;
        return Stream && _sent < Length;
    }

    public readonly long Complete(long result) => _sent > 0 ? _sent : result;
    public readonly long AfterClose(long result) => result < 0 ? -ECANCELED : result;
}

/// <summary>
/// recvmsg(2) with MSG_CMSG_CLOEXEC, so that received descriptors are close-on-exec from the start. Packet sockets
/// refuse the flag (EINVAL, before taking anything, and no descriptor can arrive on them): the receive is then made
/// without it, and the socket remembered.
/// </summary>
internal unsafe struct RecvMsgOperation : ISocketOperation
{
    public SafeSocketFd Owner;
    public MsgHdr* Message;
    public int Flags;

    public readonly long Invoke(int fd, int extraFlags) => RecvWithCloexec(Owner, Flags | extraFlags, &Receive, fd, Message);

    public readonly WaitDirection Direction => WaitDirection.Receive;
    public readonly bool TakesDontWait => true;
    public readonly bool ContinueAfter(long result) => false;
    public readonly long Complete(long result) => result;

    // A message that arrived (even an empty one with control data: descriptors were installed) is kept.
    public readonly long AfterClose(long result) => result < 0 || (result == 0 && Message->ControlLength == 0) ? -ECANCELED : result;

    private static long Receive(int fd, int flags, void* message) => SocketSyscalls.RecvMsg(fd, (MsgHdr*)message, flags);

    /// <summary>Makes a receive with MSG_CMSG_CLOEXEC added, without it where the socket refuses the flag.</summary>
    internal static long RecvWithCloexec(SafeSocketFd owner, int flags, delegate*<int, int, void*, long> receive, int fd, void* state)
    {
        int cloexec = Sockets.MSG_CMSG_CLOEXEC;
        if ((flags & cloexec) != 0 || owner.RefusesCmsgCloexec) return receive(fd, flags, state);
        long rc = receive(fd, flags | cloexec, state);
        if (rc != -EINVAL) return rc;
        rc = receive(fd, flags, state);
        if (rc != -EINVAL) owner.RefusesCmsgCloexec = true;
        return rc;
    }
}

/// <summary>sendmsg(2); a blocking stream send sends every byte, the control data with the first part only.</summary>
internal unsafe struct SendMsgOperation : ISocketOperation
{
    public MsgHdr* Message;
    public int Flags;
    public bool Stream;
    private long _sent;

    public readonly long Invoke(int fd, int extraFlags) => SocketSyscalls.SendMsg(fd, Message, Flags | extraFlags);

    public readonly WaitDirection Direction => WaitDirection.Send;
    public readonly bool TakesDontWait => true;

    public bool ContinueAfter(long result)
    {
        _sent += result;
        if (!Stream) return false;
        // Drop what went out from the front of the iovecs; the control data went with the first part.
        long left = result;
        var m = Message;
        while (m->IovLength > 0 && left >= (long)m->Iov->Length)
        {
            left -= (long)m->Iov->Length;
            m->Iov++;
            m->IovLength--;
        }
        if (m->IovLength == 0) return false;
        m->Iov->Base = (byte*)m->Iov->Base + left;
        m->Iov->Length -= (nuint)left;
        m->Control = null;
        m->ControlLength = 0;
        return true;
    }

    public readonly long Complete(long result) => _sent > 0 ? _sent : result;
    public readonly long AfterClose(long result) => result < 0 ? -ECANCELED : result;
}

/// <summary>recvmmsg(2) with MSG_CMSG_CLOEXEC (see <see cref="RecvMsgOperation"/>); a blocking call fills the batch unless MSG_WAITFORONE.</summary>
internal unsafe struct RecvMmsgOperation : ISocketOperation
{
    public SafeSocketFd Owner;
    public MMsgHdr* Messages;
    public int Count;
    public int Flags;
    private int _received;

    public readonly long Invoke(int fd, int extraFlags)
    {
        var state = new MmsgState { Messages = Messages + _received, Count = Count - _received };
        return RecvMsgOperation.RecvWithCloexec(Owner, Flags | extraFlags, &Receive, fd, &state);
    }

    private static long Receive(int fd, int flags, void* state) =>
        SocketSyscalls.RecvMmsg(fd, ((MmsgState*)state)->Messages, ((MmsgState*)state)->Count, flags);

    public readonly WaitDirection Direction => WaitDirection.Receive;
    public readonly bool TakesDontWait => true;

    public bool ContinueAfter(long result)
    {
        _received += (int)result;
        return (Flags & Sockets.MSG_WAITFORONE) == 0 && _received < Count;
    }

    public readonly long Complete(long result) => _received > 0 ? _received : result;

    /// <summary>
    /// A shut-down datagram socket reports every remaining slot of the batch as an empty datagram: those trailing
    /// phantoms are dropped; messages that really arrived are kept (their descriptors were installed and must be owned).
    /// </summary>
    public readonly long AfterClose(long result)
    {
        long real = result;
        while (real > 0)
        {
            var m = Messages + _received + real - 1;
            if (m->Length != 0 || m->Header.ControlLength != 0 || m->Header.NameLength != 0) break;
            real--;
        }
        return real > 0 ? real : -ECANCELED;
    }

    private struct MmsgState
    {
        public MMsgHdr* Messages;
        public int Count;
    }
}

/// <summary>sendmmsg(2); a blocking call sends the whole batch.</summary>
internal unsafe struct SendMmsgOperation : ISocketOperation
{
    public MMsgHdr* Messages;
    public int Count;
    public int Flags;
    private int _sent;

    public readonly long Invoke(int fd, int extraFlags) => SocketSyscalls.SendMmsg(fd, Messages + _sent, Count - _sent, Flags | extraFlags);

    public readonly WaitDirection Direction => WaitDirection.Send;
    public readonly bool TakesDontWait => true;

    public bool ContinueAfter(long result)
    {
        _sent += (int)result;
        return _sent < Count;
    }

    public readonly long Complete(long result) => _sent > 0 ? _sent : result;
    public readonly long AfterClose(long result) => result < 0 ? -ECANCELED : result;
}

/// <summary>accept4(2); the new descriptor is close-on-exec.</summary>
internal unsafe struct AcceptOperation : ISocketOperation
{
    public byte* Address;
    public int AddressCapacity;
    public int AddressLength;
    public int Flags;

    public long Invoke(int fd, int extraFlags) =>
        SocketSyscalls.Accept(fd, new Span<byte>(Address, AddressCapacity), out AddressLength, Flags | Sockets.SOCK_CLOEXEC);

    public readonly WaitDirection Direction => WaitDirection.Accept;
    public readonly bool TakesDontWait => false;
    public readonly bool ContinueAfter(long result) => false;
    public readonly long Complete(long result) => result;
    public readonly long AfterClose(long result) => result < 0 ? -ECANCELED : result;
}
