using System;
using System.Threading;
using System.Threading.Tasks;
using Tmds.Linux;
using UcSocket.Native;

namespace UcSocket;

// The async operations: each makes its syscall with MSG_DONTWAIT (or on a non-blocking listener), so that no
// attempt ever blocks a thread, and each object is cached by its socket's context for the next call of its kind.

/// <summary>recv into a caller buffer.</summary>
internal sealed unsafe class ReceiveAsyncOperation(SocketAsyncContext context) : AsyncOperation<int>(context)
{
    private Memory<byte> _buffer;
    private int _flags;

    protected override string CallName => "recv()";
    protected override AsyncQueue Queue => Context.Receive;

    public ValueTask<int> Run(Memory<byte> buffer, int flags, CancellationToken token)
    {
        _buffer = buffer;
        _flags = flags;
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        long rc;
        fixed (byte* p = _buffer.Span)
            rc = SocketSyscalls.RecvFrom(fd, p, _buffer.Length, _flags | Sockets.MSG_DONTWAIT, default, out _);
        if (rc < 0) return Failed(rc);
        Result = (int)Math.Min(rc, int.MaxValue);
        return true;
    }

    protected override void Release()
    {
        _buffer = default;
        Volatile.Write(ref Context.CachedReceive, this);
    }
}

/// <summary>send from a caller buffer; on a stream socket every byte is sent before it completes.</summary>
internal sealed unsafe class SendAsyncOperation(SocketAsyncContext context) : AsyncOperation<int>(context)
{
    private ReadOnlyMemory<byte> _data;
    private int _flags, _sent;

    protected override string CallName => "send()";
    protected override AsyncQueue Queue => Context.Send;

    public ValueTask<int> Run(ReadOnlyMemory<byte> data, int flags, CancellationToken token)
    {
        _data = data;
        _flags = flags | Sockets.MSG_NOSIGNAL;
        _sent = 0;
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        while (true)
        {
            long rc;
            var left = _data.Span[_sent..];
            fixed (byte* p = left)
                rc = SocketSyscalls.SendTo(fd, p, left.Length, _flags | Sockets.MSG_DONTWAIT, default);
            if (rc < 0) return Failed(rc);
            _sent += (int)rc;
            if (_sent >= _data.Length || !Context.Owner.IsStream)
            {
                Result = _sent;
                return true;
            }
        }
    }

    protected override void Release()
    {
        _data = default;
        Volatile.Write(ref Context.CachedSend, this);
    }
}

/// <summary>recvmsg into caller buffers; received descriptors are owned by the control buffer at once.</summary>
internal sealed unsafe class ReceiveMessageAsyncOperation(SocketAsyncContext context) : AsyncOperation<ReceiveResult>(context)
{
    private Memory<byte> _buffer;
    private ControlBuffer? _control;
    private RawSocketAddress? _address;
    private int _flags;

    protected override string CallName => "recvmsg()";
    protected override AsyncQueue Queue => Context.Receive;

    public ValueTask<ReceiveResult> Run(Memory<byte> buffer, ControlBuffer? control, RawSocketAddress? address, int flags, CancellationToken token)
    {
        _buffer = buffer;
        _control = control;
        _address = address;
        _flags = flags;
        control?.BeginReceive();
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        var control = _control;
        long rc;
        MsgHdr msg;
        fixed (byte* pData = _buffer.Span)
        fixed (byte* pControl = control?.Storage)
        fixed (byte* pName = _address?.Storage)
        {
            var iov = new IoVec { Base = pData, Length = (nuint)_buffer.Length };
            msg = MsgHdr.Of(pName, _address is null ? 0 : RawSocketAddress.MaxLength, &iov, 1, pControl, control?.Capacity ?? 0);
            var op = new RecvMsgOperation { Owner = Context.Owner, Message = &msg, Flags = _flags };
            rc = op.Invoke(fd, Sockets.MSG_DONTWAIT);
        }
        if (rc < 0) return Failed(rc);
        // Own received descriptors before anything else can fail.
        control?.EndReceive((int)Math.Min(msg.ControlLength, (nuint)control.Capacity), msg.Flags);
        _address?.SetLength((int)Math.Min(msg.NameLength, (uint)RawSocketAddress.MaxLength));
        Result = new ReceiveResult(rc, SocketHandle.ResultFlags(msg.Flags, _flags));
        return true;
    }

    protected override void Release()
    {
        _buffer = default;
        _control = null;
        _address = null;
        Volatile.Write(ref Context.CachedReceiveMessage, this);
    }
}

/// <summary>sendmsg from caller buffers; on a stream socket every byte is sent (the control data with the first part).</summary>
internal sealed unsafe class SendMessageAsyncOperation(SocketAsyncContext context) : AsyncOperation<long>(context)
{
    private ReadOnlyMemory<byte> _data;
    private ControlBuffer? _control;
    private RawSocketAddress? _address;
    private int _flags;
    private long _sent;

    protected override string CallName => "sendmsg()";
    protected override AsyncQueue Queue => Context.Send;

    public ValueTask<long> Run(ReadOnlyMemory<byte> data, ControlBuffer? control, RawSocketAddress? address, int flags, CancellationToken token)
    {
        _data = data;
        _control = control;
        _address = address;
        _flags = flags;
        _sent = 0;
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        while (true)
        {
            long rc;
            var left = _data.Span[(int)_sent..];
            bool first = _sent == 0;
            fixed (byte* pData = left)
            fixed (byte* pControl = _control?.Storage)
            fixed (byte* pName = _address?.Storage)
            {
                var iov = new IoVec { Base = pData, Length = (nuint)left.Length };
                int controlLength = first ? _control?.Length ?? 0 : 0;
                int nameLength = _address?.Length ?? 0;
                var msg = MsgHdr.Of(pName, nameLength, &iov, 1, pControl, controlLength);
                rc = SocketSyscalls.SendMsg(fd, &msg, _flags | Sockets.MSG_DONTWAIT);
            }
            if (rc < 0) return Failed(rc);
            _sent += rc;
            if (_sent >= _data.Length || !Context.Owner.IsStream)
            {
                Result = _sent;
                return true;
            }
        }
    }

    protected override void Release()
    {
        _data = default;
        _control = null;
        _address = null;
        Volatile.Write(ref Context.CachedSendMessage, this);
    }
}

/// <summary>recvmmsg into a batch: completes as soon as at least one datagram arrived, with what else is queued.</summary>
internal sealed unsafe class ReceiveBatchAsyncOperation(SocketAsyncContext context) : AsyncOperation<int>(context)
{
    private DatagramBatch? _batch;
    private int _start, _count, _flags;

    protected override string CallName => "recvmmsg()";
    protected override AsyncQueue Queue => Context.Receive;

    public ValueTask<int> Run(DatagramBatch batch, int start, int count, int flags, CancellationToken token)
    {
        (_batch, _start, _count, _flags) = (batch, start, count, flags);
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        var batch = _batch!;
        var op = new RecvMmsgOperation { Owner = Context.Owner, Messages = batch.PrepareReceive(_start, _count), Count = _count, Flags = _flags };
        long rc = op.Invoke(fd, Sockets.MSG_DONTWAIT);
        if (rc < 0) return Failed(rc);
        batch.CompleteReceive(_start, (int)rc, _flags); // owns received descriptors at once
        Result = (int)rc;
        return true;
    }

    protected override void Release()
    {
        _batch = null;
        Volatile.Write(ref Context.CachedReceiveBatch, this);
    }
}

/// <summary>sendmmsg of a batch: completes when every message was sent.</summary>
internal sealed unsafe class SendBatchAsyncOperation(SocketAsyncContext context) : AsyncOperation<int>(context)
{
    private DatagramBatch? _batch;
    private int _start, _count, _flags, _sent;

    protected override string CallName => "sendmmsg()";
    protected override AsyncQueue Queue => Context.Send;

    public ValueTask<int> Run(DatagramBatch batch, int start, int count, int flags, CancellationToken token)
    {
        (_batch, _start, _count, _flags, _sent) = (batch, start, count, flags | Sockets.MSG_NOSIGNAL, 0);
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        var batch = _batch!;
        while (true)
        {
            int first = _start + _sent, left = _count - _sent;
            long rc = SocketSyscalls.SendMmsg(fd, batch.PrepareSend(first, left), left, _flags | Sockets.MSG_DONTWAIT);
            if (rc < 0)
            {
                if (rc == -Errno.EAGAIN) return false;
                if (_sent > 0)
                {
                    Result = _sent; // as sendmmsg does: report what went out; the next call reports the error
                    return true;
                }
                SetError((int)-rc);
                return true;
            }
            _sent += (int)rc;
            if (_sent >= _count)
            {
                Result = _sent;
                return true;
            }
        }
    }

    protected override void Release()
    {
        _batch = null;
        Volatile.Write(ref Context.CachedSendBatch, this);
    }
}

/// <summary>accept4 on the (non-blocking) listener; the new descriptor is owned the moment it arrives.</summary>
internal sealed unsafe class AcceptAsyncOperation(SocketAsyncContext context) : AsyncOperation<SocketHandle>(context)
{
    private SocketAddress? _peer;
    private int _flags;

    protected override string CallName => "accept4()";
    protected override AsyncQueue Queue => Context.Receive;

    public ValueTask<SocketHandle> Run(SocketAddress? peer, int flags, CancellationToken token)
    {
        _peer = peer;
        _flags = flags;
        return Run(token);
    }

    private SafeSocketFd? _spare;

    protected override bool Attempt(int fd)
    {
        // The owner exists before accept4, so nothing can fail between a connection's arrival and its owning; an
        // attempt that finds no connection keeps it for the next one.
        var owner = _spare ??= new SafeSocketFd();
        Span<byte> sa = stackalloc byte[Marshalling.Sockaddr.StorageSize];
        var op = new Native.AcceptOperation();
        long rc;
        fixed (byte* p = sa)
        {
            op.Address = p;
            op.AddressCapacity = sa.Length;
            op.Flags = _flags;
            rc = op.Invoke(fd, 0);
            if (rc >= 0) owner.Adopt((int)rc, Context.Owner.Family, Context.Owner.Type, (_flags & Sockets.SOCK_NONBLOCK) != 0);
        }
        if (rc < 0) return Failed(rc);
        _spare = null;
        Result = new SocketHandle(owner);
        _peer?.CopyFrom(SocketHandle.DecodeAddress(sa[..op.AddressLength]));
        return true;
    }

    protected override void Release()
    {
        _peer = null;
        Result = null!;
        Volatile.Write(ref Context.CachedAccept, this);
    }
}

/// <summary>Readiness: completes when poll reports one of the events (or an error or hang-up) on the socket.</summary>
internal sealed unsafe class WaitAsyncOperation(SocketAsyncContext context) : AsyncOperation<int>(context)
{
    private short _events;
    private bool _send;

    public override bool IsReadinessWait => true;
    protected override string CallName => "poll()";
    protected override AsyncQueue Queue => _send ? Context.Send : Context.Receive;

    public ValueTask<int> Run(short events, CancellationToken token)
    {
        _events = events;
        _send = (events & ~(Sockets.POLLOUT | Sockets.POLLWRNORM | Sockets.POLLWRBAND)) == 0;
        return Run(token);
    }

    protected override bool Attempt(int fd)
    {
        var pfd = new pollfd { fd = fd, events = _events };
        long rc = SocketSyscalls.Poll(&pfd, 1, 0);
        if (rc < 0) return rc != -Errno.EINTR && Failed(rc);
        if (rc == 0) return false;
        Result = pfd.revents;
        return true;
    }

    protected override void Release() => Volatile.Write(ref Context.CachedWait, this);
}
