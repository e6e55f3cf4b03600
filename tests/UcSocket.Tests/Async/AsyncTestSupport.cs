using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Async;

/// <summary>Bounded waits, socket set-ups and outcome checks the async tests share.</summary>
internal static class AsyncTestSupport
{
    /// <summary>
    /// The longest any single wait of these tests may take: far above what a healthy run needs (milliseconds) on a
    /// loaded 2-core machine, so that only a hang fails on time.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>The operation as a task that fails with <see cref="TimeoutException"/> after <see cref="Limit"/>.</summary>
    public static Task<T> Within<T>(this ValueTask<T> operation) => operation.AsTask().WaitAsync(Limit);

    /// <inheritdoc cref="Within{T}(ValueTask{T})"/>
    public static Task Within(this ValueTask operation) => operation.AsTask().WaitAsync(Limit);

    /// <inheritdoc cref="Within{T}(ValueTask{T})"/>
    public static Task<T> Within<T>(this Task<T> operation) => operation.WaitAsync(Limit);

    /// <inheritdoc cref="Within{T}(ValueTask{T})"/>
    public static Task Within(this Task operation) => operation.WaitAsync(Limit);

    /// <summary>
    /// Spins (scheduling nothing, so that it observes a completion without a thread-pool hop) until
    /// <paramref name="isCompleted"/> says so, at most <see cref="Limit"/>: true when it did.
    /// </summary>
    public static bool CompletesWithinLimit(Func<bool> isCompleted) => SpinWait.SpinUntil(isCompleted, Limit);

    /// <summary>Asserts that <paramref name="operation"/> fails with errno <paramref name="code"/> and the message <c>"call: strerror"</c>.</summary>
    public static async Task<UcSocketException> FailsWith(Task operation, int code, string call)
    {
        var error = await Assert.ThrowsAsync<UcSocketException>(() => operation.WaitAsync(Limit));
        Assert.Equal(code, error.Code);
        Assert.Equal($"{call}: {Errno.Text(code)}", error.Message);
        return error;
    }

    /// <summary>Asserts that <paramref name="operation"/> ends with an <see cref="OperationCanceledException"/> for <paramref name="token"/>.</summary>
    public static async Task IsCanceledBy(Task operation, CancellationToken token)
    {
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => operation.WaitAsync(Limit));
        Assert.Equal(token, error.CancellationToken);
    }

    /// <summary>A connected loopback TCP pair (the listener is closed again).</summary>
    public static (SocketHandle Client, SocketHandle Server) TcpPair()
    {
        using var listener = TcpListener();
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        var server = listener.Accept()!;
        Assert.NotNull(server);
        return (client, server);
    }

    /// <summary>A TCP socket listening on 127.0.0.1 and an ephemeral port.</summary>
    public static SocketHandle TcpListener(int backlog = 128)
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"), listener.Error());
        Assert.True(listener.Listen(backlog), listener.Error());
        return listener;
    }

    /// <summary>
    /// A TCP listener whose accept queue is full: backlog 0 and one connection waiting in it. The kernel then drops
    /// every further SYN (tcp_conn_request: "sk_acceptq_is_full" is ack_backlog &gt; max_ack_backlog), so a connect
    /// to it stays in SYN_SENT. <paramref name="queued"/> is the connection in the queue; accept it to make room.
    /// </summary>
    public static SocketHandle FullTcpListener(out SocketHandle queued)
    {
        var listener = TcpListener(backlog: 0);
        queued = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(queued.Connect(listener.SockName()!), queued.Error());
        // The client is connected once the SYN-ACK came back; the listener queues the child when the ACK arrives.
        Assert.NotEmpty(Poll(10_000, listener)!);
        return listener;
    }

    /// <summary>
    /// A UNIX stream listener at <paramref name="path"/> whose backlog is full (backlog 0 and one connection
    /// queued): a non-blocking connect to it says EAGAIN until it is accepted.
    /// </summary>
    public static SocketHandle FullUnixListener(string path, out SocketHandle queued)
    {
        var listener = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(listener.Bind(path), listener.Error());
        Assert.True(listener.Listen(0), listener.Error());
        queued = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(queued.Connect(listener.SockName()!), queued.Error());
        return listener;
    }

    /// <summary>
    /// Makes <paramref name="sender"/>'s sends wait: shrinks its send buffer (and the receiver's, for TCP) and sends
    /// <paramref name="chunk"/> with MSG_DONTWAIT until the kernel says EAGAIN. Returns the bytes that went out.
    /// </summary>
    public static long Fill(SocketHandle sender, ReadOnlySpan<byte> chunk, SocketHandle? receiver = null)
    {
        Assert.True(sender.SetOpt(SockOpt.SoSndBuf, 4096), sender.Error());
        if (receiver is not null) Assert.True(receiver.SetOpt(SockOpt.SoRcvBuf, 4096), receiver.Error());
        long total = 0;
        for (int i = 0; i < 100_000; i++)
        {
            long? sent = sender.Send(chunk, MSG_DONTWAIT);
            if (sent is null)
            {
                Assert.Equal(Errno.EAGAIN, sender.Error(true));
                // TCP: the receiver's window may still open after the first EAGAIN; a second one in a row is final.
                if (sender.Send(chunk, MSG_DONTWAIT) is { } more)
                {
                    total += more;
                    continue;
                }
                return total;
            }
            total += sent.Value;
        }
        Assert.Fail("the send buffer never filled");
        return total;
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes (blocking, bounded by SO_RCVTIMEO) and returns them.</summary>
    public static byte[] ReceiveExactly(SocketHandle receiver, long count)
    {
        Assert.True(receiver.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: (long)Limit.TotalSeconds, Microseconds: 0)), receiver.Error());
        var result = new byte[count];
        long done = 0;
        while (done < count)
        {
            long? n = receiver.Recv(result.AsSpan((int)done));
            Assert.True(n is > 0, $"after {done} of {count} bytes: {receiver.Error() ?? "end of stream"}");
            done += n!.Value;
        }
        return result;
    }

    /// <summary>Receives with MSG_DONTWAIT until the kernel says EAGAIN; returns the number of bytes taken.</summary>
    public static long Drain(SocketHandle receiver)
    {
        var buffer = new byte[65536];
        long total = 0;
        while (receiver.Recv(buffer.AsSpan(), MSG_DONTWAIT) is { } n and > 0) total += n;
        return total;
    }

    /// <summary>Milliseconds since <paramref name="start"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static double MillisecondsSince(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;
}

/// <summary>
/// A thread that runs an action on request after a busy wait of a given length, so that the action lands anywhere
/// in what the requesting thread does next (a call starting, an attempt running, a completion).
/// </summary>
internal sealed class Racer : IDisposable
{
    private readonly Thread _thread;
    private readonly SemaphoreSlim _go = new(0), _done = new(0);
    private Action? _action;
    private long _delayTicks;
    private volatile bool _stopping;

    public Racer()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "racer" };
        _thread.Start();
    }

    /// <summary>Busy-waits for <paramref name="delayTicks"/> <see cref="Stopwatch"/> ticks.</summary>
    public static void SpinFor(long delayTicks)
    {
        long until = Stopwatch.GetTimestamp() + delayTicks;
        while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(8);
    }

    /// <summary>Starts <paramref name="action"/> on the racer thread after <paramref name="delayTicks"/>.</summary>
    public void Start(Action action, long delayTicks)
    {
        _action = action;
        _delayTicks = delayTicks;
        _go.Release();
    }

    /// <summary>Waits for the action started last to finish (at most <see cref="AsyncTestSupport.Limit"/>).</summary>
    public void Wait() => Assert.True(_done.Wait(AsyncTestSupport.Limit), "the racer did not finish");

    private void Run()
    {
        while (true)
        {
            _go.Wait();
            if (_stopping) return;
            SpinFor(_delayTicks);
            _action!();
            _done.Release();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _go.Release();
        _thread.Join(AsyncTestSupport.Limit);
    }
}

/// <summary>
/// Steers a race between the racer's action and the test thread's toward the instant where either may come first:
/// after each round the side that came first is held back a little more next time, the other a little less. On a
/// loaded machine a fixed spread of delays can miss that instant altogether; this finds it and stays around it.
/// </summary>
internal sealed class RaceSkew
{
    private static readonly long Unit = Math.Max(1, Stopwatch.Frequency / 1_000_000);
    private static readonly long Max = Stopwatch.Frequency / 200;
    private long _ticks; // > 0: the racer waits that long; < 0: the test thread does

    /// <summary>How long the racer waits before its action.</summary>
    public long RacerDelay => Math.Max(0, _ticks);

    /// <summary>How long the test thread waits before its action.</summary>
    public long TestDelay => Math.Max(0, -_ticks);

    /// <summary>The racer's action came first: hold it back more.</summary>
    public void RacerWon() => _ticks = Math.Clamp(_ticks >= 0 ? _ticks * 2 + Unit : _ticks / 2, -Max, Max);

    /// <summary>The test thread's action came first: hold it back more.</summary>
    public void TestWon() => _ticks = Math.Clamp(_ticks <= 0 ? _ticks * 2 - Unit : _ticks / 2, -Max, Max);
}
