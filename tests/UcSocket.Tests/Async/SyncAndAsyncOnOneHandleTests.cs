using System;
using System.Diagnostics;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// A handle used both ways keeps each meaning: its blocking calls block (or honour their timeout) after async
/// calls, and its async calls never block a thread.
/// </summary>
public class SyncAndAsyncOnOneHandleTests
{
    // From asm-generic/fcntl.h: O_NONBLOCK 04000 (octal), as /proc/self/fdinfo shows the flags.
    private const int O_NONBLOCK = 0x800;

    /// <summary>A timeout long enough to tell from a call that did not wait, short enough to keep the test quick.</summary>
    private const int TimeoutMs = 300;

    private static void SetReceiveTimeout(SocketHandle s, int ms) =>
        Assert.True(s.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: ms / 1000, Microseconds: ms % 1000 * 1000)), s.Error());

    /// <summary>Asserts that <paramref name="call"/> waited for the receive timeout, then failed with EAGAIN as the kernel's timeout does.</summary>
    private static void AssertWaitsForTheTimeout(SocketHandle s, Func<object?> call)
    {
        long start = Stopwatch.GetTimestamp();
        Assert.Null(call());
        double waited = MillisecondsSince(start);
        Assert.Equal(Errno.EAGAIN, s.Error(true));
        // The kernel rounds the timeout to its clock; a call that did not block returns within microseconds.
        Assert.True(waited >= TimeoutMs - 20, $"returned after {waited:F1} ms: the call did not block for its timeout");
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ABlockingRecvAfterRecvAsyncStillBlocksForItsTimeout(string transport)
    {
        var (a, b) = transport == "tcp" ? TcpPair() : UnixPair();
        using (a)
        using (b)
        {
            var buffer = new byte[8];
            var receiving = b.RecvAsync(buffer);
            Assert.False(receiving.IsCompleted);
            Assert.Equal(1L, a.Send("a"u8));
            Assert.Equal(1, await receiving.Within());
            // The async call used MSG_DONTWAIT: the socket itself was left blocking.
            Assert.Equal(0, TcpTests.FdInfoFlags(b.FileNo()) & O_NONBLOCK);

            SetReceiveTimeout(b, TimeoutMs);
            AssertWaitsForTheTimeout(b, () => b.Recv(buffer.AsSpan()));
            // And it still receives what comes, sync and async in turn.
            for (int i = 0; i < 50; i++)
            {
                Assert.Equal(1, await a.SendAsync(new[] { (byte)i }).Within());
                Assert.Equal(1L, b.Recv(buffer.AsSpan()));
                Assert.Equal((byte)i, buffer[0]);
                Assert.Equal(1L, b.Send(new[] { (byte)(i + 1) }));
                Assert.Equal(1, await a.RecvAsync(buffer).Within());
                Assert.Equal((byte)(i + 1), buffer[0]);
            }
        }
    }

    [Fact]
    public async Task ABlockingAcceptAfterAcceptAsyncStillBlocks()
    {
        using var listener = TcpListener();
        var accepting = listener.AcceptAsync();
        using (var first = Create(AF_INET, SOCK_STREAM)!)
        {
            Assert.True(first.Connect(listener.SockName()!));
            (await accepting.Within()).Dispose();
        }
        // AcceptAsync needs the listener non-blocking (accept4 takes no per-call flag): documented, and visible.
        Assert.Equal(O_NONBLOCK, TcpTests.FdInfoFlags(listener.FileNo()) & O_NONBLOCK);

        SetReceiveTimeout(listener, TimeoutMs);
        AssertWaitsForTheTimeout(listener, () => listener.Accept());

        // Without a timeout it waits for the connection (on another thread), and what it accepts is a blocking socket.
        SetReceiveTimeout(listener, (int)Limit.TotalMilliseconds);
        var blockingAccept = Task.Factory.StartNew(() => listener.Accept(), TaskCreationOptions.LongRunning);
        using var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!));
        using var server = await blockingAccept.Within();
        Assert.NotNull(server);
        Assert.Equal(client.SockName()!.Port, server!.PeerName()!.Port);
        Assert.Equal(0, TcpTests.FdInfoFlags(server.FileNo()) & O_NONBLOCK);
        SetReceiveTimeout(server, TimeoutMs);
        AssertWaitsForTheTimeout(server, () => server.Recv(8));

        // And AcceptAsync goes on working beside it.
        var next = listener.AcceptAsync();
        using var second = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(second.Connect(listener.SockName()!));
        using var secondServer = await next.Within();
        Assert.Equal(second.SockName()!.Port, secondServer.PeerName()!.Port);
    }

    [Fact]
    public async Task ABlockingSendAfterSendAsyncStillWaitsForRoom()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            long filled = Fill(a, new byte[1024]);
            var sending = a.SendAsync("async"u8.ToArray());
            Assert.False(sending.IsCompleted);
            var drained = Task.Run(() => ReceiveExactly(b, filled + 5 + 4));
            Assert.Equal(5, await sending.Within());
            Assert.Equal(0, TcpTests.FdInfoFlags(a.FileNo()) & O_NONBLOCK);
            // A blocking send of a stream socket sends everything, waiting for room as needed.
            Assert.Equal(4L, a.Send("sync"u8));
            var all = await drained.Within();
            Assert.Equal("asyncsync"u8.ToArray(), all[^9..]);
        }
    }

    private static (SocketHandle, SocketHandle) UnixPair()
    {
        var pair = Pair(SOCK_STREAM)!;
        return (pair.First, pair.Second);
    }
}
