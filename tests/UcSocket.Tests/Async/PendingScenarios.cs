using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// One async operation set up so that it has to wait (no data, a full buffer, no connection, a full backlog), with
/// what lets it complete and what must hold after it was cancelled. The cancellation and close tests run every
/// kind through the same steps.
/// </summary>
public abstract class PendingScenario : IDisposable
{
    private readonly List<IDisposable> _owned = new();

    /// <summary>The syscall named in the operation's error messages, e.g. <c>recv()</c>.</summary>
    public abstract string Call { get; }

    /// <summary>The handle the operation runs on (the one a close test closes).</summary>
    public abstract SocketHandle Target { get; }

    /// <summary>Starts the operation; throws what the method throws synchronously (ObjectDisposedException on a closed handle).</summary>
    public abstract void Start(CancellationToken token);

    /// <summary>True once the started operation completed (checked without consuming it).</summary>
    public abstract bool IsCompleted { get; }

    /// <summary>The outcome of the completed operation: null on success (the result is kept for <see cref="CheckSucceeded"/>), else the exception.</summary>
    public abstract Exception? Outcome();

    /// <summary>The started operation as a task (consumes it), its result kept for <see cref="CheckSucceeded"/>.</summary>
    public abstract Task AsTask();

    /// <summary>Lets a waiting operation complete: data sent, room made, a connection made.</summary>
    public abstract void MakeReady();

    /// <summary>Checks the result of an operation that completed after <see cref="MakeReady"/>.</summary>
    public abstract void CheckSucceeded();

    /// <summary>
    /// After the operation was cancelled: nothing was taken or sent by it (when <paramref name="madeReady"/>, what
    /// <see cref="MakeReady"/> provided is still there), and the socket still serves the same call: it runs again
    /// to completion and is checked.
    /// </summary>
    public virtual async Task CheckUntouchedAndUsable(bool madeReady)
    {
        if (!madeReady) MakeReady();
        Start(CancellationToken.None);
        await AsTask();
        CheckSucceeded();
    }

    /// <summary>Registers a disposable closed with the scenario.</summary>
    internal T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Every kind, by name; each factory opens fresh sockets.</summary>
    public static readonly IReadOnlyDictionary<string, Func<PendingScenario>> All = new Dictionary<string, Func<PendingScenario>>
    {
        ["recv"] = () => new ReceiveScenario(),
        ["send-stream"] = () => new StreamSendScenario(),
        ["send-datagram"] = () => new DatagramSendAsyncScenario(),
        ["recvmsg"] = () => new ReceiveMessageScenario(),
        ["sendmsg"] = () => new DatagramSendMsgScenario(),
        ["recvmmsg"] = () => new ReceiveBatchScenario(),
        ["sendmmsg"] = () => new DatagramSendBatchScenario(),
        ["accept"] = () => new AcceptScenario(),
        ["connect-tcp"] = () => new TcpConnectScenario(),
        ["connect-unix"] = () => new UnixConnectScenario(),
        ["wait-in"] = () => new WaitScenario(POLLIN),
        ["wait-out"] = () => new WaitScenario(POLLOUT),
    };

    /// <summary>The kind names, for theories.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in All.Keys) data.Add(name);
        return data;
    }
}

/// <summary>A scenario whose operation completes with a <typeparamref name="T"/>.</summary>
public abstract class PendingScenario<T> : PendingScenario
{
    private ValueTask<T> _pending;

    /// <summary>The result of the last operation that succeeded.</summary>
    protected T? Result { get; private set; }

    /// <summary>Calls the async method.</summary>
    protected abstract ValueTask<T> Run(CancellationToken token);

    public override void Start(CancellationToken token) => _pending = Run(token);

    public override bool IsCompleted => _pending.IsCompleted;

    public override Exception? Outcome()
    {
        Assert.True(_pending.IsCompleted);
        try
        {
            Result = _pending.GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    public override async Task AsTask() => Result = await _pending.Within();
}

/// <summary>RecvAsync on a UNIX stream pair with nothing to read.</summary>
internal sealed class ReceiveScenario : PendingScenario<int>
{
    private readonly SocketHandle _a, _b;
    private readonly byte[] _buffer = new byte[16];

    public ReceiveScenario() => (_a, _b) = Pair(SOCK_STREAM)!.Owned(this);

    public override string Call => "recv()";
    public override SocketHandle Target => _b;
    protected override ValueTask<int> Run(CancellationToken token) => _b.RecvAsync(_buffer, 0, token);
    public override void MakeReady() => Assert.Equal(1L, _a.Send("r"u8));

    public override void CheckSucceeded()
    {
        Assert.Equal(1, Result);
        Assert.Equal((byte)'r', _buffer[0]);
    }
}

/// <summary>SendAsync on a UNIX stream pair whose send buffer is full; the peer reads nothing until made ready.</summary>
internal sealed class StreamSendScenario : PendingScenario<int>
{
    private readonly SocketHandle _a, _b;
    private readonly long _filled;
    private readonly byte[] _chunk = new byte[1024];
    private readonly byte[] _data = "sent!"u8.ToArray();

    public StreamSendScenario()
    {
        (_a, _b) = Pair(SOCK_STREAM)!.Owned(this);
        _chunk.AsSpan().Fill((byte)'f');
        _filled = Fill(_a, _chunk);
    }

    public override string Call => "send()";
    public override SocketHandle Target => _a;
    protected override ValueTask<int> Run(CancellationToken token) => _a.SendAsync(_data, 0, token);

    /// <summary>Reads the filler (and with it the room the send waits for).</summary>
    public override void MakeReady() => Assert.Equal(_filled, ReceiveExactly(_b, _filled).LongLength);

    public override void CheckSucceeded()
    {
        Assert.Equal(_data.Length, Result);
        Assert.Equal(_data, ReceiveExactly(_b, _data.Length));
    }

    public override async Task CheckUntouchedAndUsable(bool madeReady)
    {
        if (!madeReady) MakeReady();
        // Nothing of the cancelled send went out: the stream holds no byte beyond the filler.
        Assert.Equal(0L, Drain(_b));
        await base.CheckUntouchedAndUsable(madeReady: true);
    }
}

/// <summary>
/// SendAsync, SendMsgAsync or SendMmsgAsync of one datagram on a UNIX datagram pair whose peer queue is full.
/// Datagrams go out whole or not at all, so a cancelled send is visible: its datagram never arrives.
/// </summary>
internal abstract class DatagramSendScenario<T> : PendingScenario<T>
{
    private readonly long _filled;
    private int _taken;

    protected DatagramSendScenario()
    {
        (A, B) = Pair(SOCK_DGRAM)!.Owned(this);
        Assert.True(A.SetOpt(SockOpt.SoSndBuf, 4096), A.Error());
        long filled = 0;
        while (A.Send("f"u8, MSG_DONTWAIT) is 1L) filled++;
        Assert.Equal(Errno.EAGAIN, A.Error(true));
        _filled = filled;
    }

    protected SocketHandle A { get; }
    protected SocketHandle B { get; }
    protected byte[] Data { get; } = "sent!"u8.ToArray();

    /// <summary>What a successful call returns (bytes, or messages for sendmmsg).</summary>
    protected abstract long Expected { get; }

    public override SocketHandle Target => A;

    /// <summary>
    /// Takes the filler datagrams. Taking one would make room for one, but a UNIX socket reports itself writable
    /// (and wakes a waiting sender) only when no more than a quarter of its send buffer is in use (unix_writable).
    /// </summary>
    public override void MakeReady()
    {
        for (; _taken < _filled; _taken++) Assert.Equal("f"u8.ToArray(), B.Recv(16, MSG_DONTWAIT));
    }

    public override void CheckSucceeded()
    {
        Assert.Equal(Expected, Convert.ToInt64(Result));
        Assert.Equal(1, CountOurs());
    }

    public override async Task CheckUntouchedAndUsable(bool madeReady)
    {
        if (!madeReady) MakeReady();
        Assert.Equal(0, CountOurs());
        Start(CancellationToken.None);
        await AsTask();
        CheckSucceeded();
    }

    /// <summary>Reads every queued datagram: checks the filler count and returns how many were ours.</summary>
    private int CountOurs()
    {
        int ours = 0, filler = 0;
        while (B.Recv(16, MSG_DONTWAIT) is { } datagram)
        {
            if (datagram.AsSpan().SequenceEqual(Data)) ours++;
            else filler++;
        }
        Assert.Equal(Errno.EAGAIN, B.Error(true));
        Assert.Equal(_filled - _taken, filler);
        _taken += filler;
        return ours;
    }
}

internal sealed class DatagramSendAsyncScenario : DatagramSendScenario<int>
{
    public override string Call => "send()";
    protected override long Expected => Data.Length;
    protected override ValueTask<int> Run(CancellationToken token) => A.SendAsync(Data, 0, token);
}

internal sealed class DatagramSendMsgScenario : DatagramSendScenario<long>
{
    private readonly ControlBuffer _control = new(0);

    public override string Call => "sendmsg()";
    protected override long Expected => Data.Length;
    protected override ValueTask<long> Run(CancellationToken token) => A.SendMsgAsync(Data, _control, null, 0, token);
}

internal sealed class DatagramSendBatchScenario : DatagramSendScenario<int>
{
    private readonly DatagramBatch _batch = new(1, 16);

    public DatagramSendBatchScenario() => _batch.Set(0, Data);

    public override string Call => "sendmmsg()";
    protected override long Expected => 1;
    protected override ValueTask<int> Run(CancellationToken token) => A.SendMmsgAsync(_batch, 0, token);
}

/// <summary>RecvMsgAsync on a UNIX datagram pair with nothing queued, into a ControlBuffer.</summary>
internal sealed class ReceiveMessageScenario : PendingScenario<ReceiveResult>
{
    private readonly SocketHandle _a, _b;
    private readonly byte[] _buffer = new byte[16];
    private readonly ControlBuffer _control;

    public ReceiveMessageScenario()
    {
        (_a, _b) = Pair(SOCK_DGRAM)!.Owned(this);
        _control = Own(new ControlBuffer(ControlBuffer.SpaceFor(16)));
    }

    public override string Call => "recvmsg()";
    public override SocketHandle Target => _b;
    protected override ValueTask<ReceiveResult> Run(CancellationToken token) => _b.RecvMsgAsync(_buffer, _control, null, 0, token);
    public override void MakeReady() => Assert.Equal(3L, _a.Send("msg"u8));

    public override void CheckSucceeded()
    {
        Assert.Equal(3L, Result.Length);
        Assert.Equal("msg"u8.ToArray(), _buffer[..3]);
    }
}

/// <summary>RecvMmsgAsync on a UNIX datagram pair with nothing queued.</summary>
internal sealed class ReceiveBatchScenario : PendingScenario<int>
{
    private readonly SocketHandle _a, _b;
    private readonly DatagramBatch _batch = new(4, 16);

    public ReceiveBatchScenario() => (_a, _b) = Pair(SOCK_DGRAM)!.Owned(this);

    public override string Call => "recvmmsg()";
    public override SocketHandle Target => _b;
    protected override ValueTask<int> Run(CancellationToken token) => _b.RecvMmsgAsync(_batch, 0, token);
    public override void MakeReady() => Assert.Equal(5L, _a.Send("batch"u8));

    public override void CheckSucceeded()
    {
        Assert.Equal(1, Result);
        Assert.Equal("batch"u8.ToArray(), _batch.GetData(0).ToArray());
    }
}

/// <summary>AcceptAsync on a TCP listener nobody connects to.</summary>
internal sealed class AcceptScenario : PendingScenario<SocketHandle>
{
    private readonly SocketHandle _listener;
    private SocketHandle? _client;

    public AcceptScenario() => _listener = Own(TcpListener());

    public override string Call => "accept4()";
    public override SocketHandle Target => _listener;
    protected override ValueTask<SocketHandle> Run(CancellationToken token) => _listener.AcceptAsync(null, 0, token);

    public override void MakeReady()
    {
        _client = Own(Create(AF_INET, SOCK_STREAM)!);
        Assert.True(_client.Connect(_listener.SockName()!), _client.Error());
    }

    public override void CheckSucceeded()
    {
        using var server = Result!;
        Assert.Equal(_client!.SockName()!.Port, server.PeerName()!.Port);
    }
}

/// <summary>ConnectAsync to a TCP listener whose accept queue is full: the SYN is dropped, the connect waits.</summary>
internal sealed class TcpConnectScenario : PendingScenario<bool>
{
    private readonly SocketHandle _listener, _queued, _client;

    public TcpConnectScenario()
    {
        _listener = Own(FullTcpListener(out _queued));
        Own(_queued);
        _client = Own(Create(AF_INET, SOCK_STREAM)!);
    }

    public override string Call => "connect()";
    public override SocketHandle Target => _client;

    protected override async ValueTask<bool> Run(CancellationToken token)
    {
        await _client.ConnectAsync(_listener.SockName()!, token);
        return true;
    }

    /// <summary>
    /// Accepts the queued connection: room for ours. A connect already waiting completes when its SYN is sent
    /// again (the kernel's first retransmission comes after a second); a new one at once.
    /// </summary>
    public override void MakeReady() => _listener.Accept()!.Dispose();

    public override void CheckSucceeded()
    {
        using var server = _listener.Accept()!;
        Assert.NotNull(server);
        Assert.Equal(_client.SockName()!.Port, server.PeerName()!.Port);
    }
}

/// <summary>ConnectAsync to a UNIX listener whose backlog is full: connect says EAGAIN until there is room.</summary>
internal sealed class UnixConnectScenario : PendingScenario<bool>
{
    private readonly TempDir _dir;
    private readonly SocketHandle _listener, _queued, _client;

    public UnixConnectScenario()
    {
        _dir = Own(new TempDir());
        _listener = Own(FullUnixListener(_dir.File("full.sock"), out _queued));
        Own(_queued);
        _client = Own(Create(AF_UNIX, SOCK_STREAM)!);
    }

    public override string Call => "connect()";
    public override SocketHandle Target => _client;

    protected override async ValueTask<bool> Run(CancellationToken token)
    {
        await _client.ConnectAsync(_listener.SockName()!, token);
        return true;
    }

    public override void MakeReady() => _listener.Accept()!.Dispose();

    public override void CheckSucceeded()
    {
        using var server = _listener.Accept()!;
        Assert.NotNull(server);
        Assert.Equal(4L, server.Send("conn"u8));
        Assert.Equal("conn"u8.ToArray(), _client.Recv(16, MSG_DONTWAIT));
    }
}

/// <summary>WaitAsync for POLLIN on a pair with nothing to read, or for POLLOUT on a full one.</summary>
internal sealed class WaitScenario : PendingScenario<int>
{
    private readonly short _events;
    private readonly SocketHandle _a, _b;
    private readonly long _filled;

    public WaitScenario(short events)
    {
        _events = events;
        (_a, _b) = Pair(SOCK_STREAM)!.Owned(this);
        if (events == POLLOUT) _filled = Fill(_b, new byte[1024]);
    }

    public override string Call => "poll()";
    public override SocketHandle Target => _b;
    protected override ValueTask<int> Run(CancellationToken token) => _b.WaitAsync(_events, token);

    public override void MakeReady()
    {
        if (_events == POLLIN) Assert.Equal(1L, _a.Send("w"u8));
        else Assert.Equal(_filled, ReceiveExactly(_a, _filled).LongLength);
    }

    public override void CheckSucceeded() => Assert.NotEqual(0, Result & _events);
}

internal static class ScenarioExtensions
{
    /// <summary>Hands both handles of a pair to the scenario to close.</summary>
    public static (SocketHandle, SocketHandle) Owned(this SocketPair pair, PendingScenario owner)
    {
        owner.Own(pair.First);
        owner.Own(pair.Second);
        return (pair.First, pair.Second);
    }
}
