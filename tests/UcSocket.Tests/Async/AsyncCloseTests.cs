using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using Xunit.Abstractions;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// Closing a handle under pending async calls: each completes at once with ECANCELED, no descriptor is left
/// behind, nothing reaches a socket that reuses the number, the epoll registration goes before the descriptor,
/// and other holders of the socket notice nothing. Counts descriptors, so it runs alone.
/// </summary>
[Collection(Support.DescriptorAccountingCollection.Name)]
public partial class AsyncCloseTests(ITestOutputHelper output)
{
    /// <summary>Rounds per kind, measured by the descriptor count.</summary>
    private const int Rounds = 1000;

    /// <summary>Rounds of the warm-up run the descriptor count makes first (what the process opens once, it opens there).</summary>
    private const int WarmUpRounds = 50;

    [LibraryImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static partial int Dup(int fd);

    [Theory]
    [MemberData(nameof(PendingScenario.Names), MemberType = typeof(PendingScenario))]
    public void CloseRacingAPendingOperation(string kind)
    {
        var stats = new RaceStats();
        using var closer = new Racer();
        var skew = new RaceSkew();
        int runs = 0;
        DescriptorAccounting.AssertNoLeak(warmUp: true, action: () =>
        {
            stats = new RaceStats(); // the statistics of the last (measured) run
            int rounds = runs++ == 0 ? WarmUpRounds : Rounds;
            for (int round = 0; round < rounds; round++) Round(kind, round, closer, skew, stats);
        });
        output.WriteLine($"{kind}: {stats.Pending} closed while pending ({stats.AtOnce} complete when Close returned, slowest after {stats.SlowestMs:F2} ms); " +
            $"racing: {stats.RacedBefore} closed before the call, {stats.RacedDuring} during it");
        Assert.Equal(Rounds, stats.Pending + stats.RacedBefore + stats.RacedDuring);
        // Nothing but the close completes these, and it completes them before it returns. ConnectAsync is an async
        // method: it ends when its continuation has run, on the thread pool. A call in the middle of an attempt
        // (an event woke it) finishes that attempt first: a rare exception, not the rule.
        if (!kind.StartsWith("connect", StringComparison.Ordinal))
            Assert.True(stats.AtOnce >= stats.Pending * 99 / 100, $"only {stats.AtOnce} of {stats.Pending} calls were complete when Close returned");
    }

    private static void Round(string kind, int round, Racer closer, RaceSkew skew, RaceStats stats)
    {
        using var scenario = PendingScenario.All[kind]();
        if (round % 2 == 0)
        {
            // Closed while surely waiting.
            scenario.Start(CancellationToken.None);
            Assert.False(scenario.IsCompleted, "the call did not wait");
            scenario.Target.Dispose();
            long closed = Stopwatch.GetTimestamp();
            if (scenario.IsCompleted) stats.AtOnce++;
            Assert.True(CompletesWithinLimit(() => scenario.IsCompleted), $"round {round}: the close did not complete the call");
            stats.SlowestMs = Math.Max(stats.SlowestMs, MillisecondsSince(closed));
            AssertClosedUnder(scenario.Outcome(), scenario.Call, round);
            stats.Pending++;
            return;
        }

        // Closed on another thread while this one calls: before the call, during its first attempt, or while it waits.
        var target = scenario.Target;
        closer.Start(target.Dispose, skew.RacerDelay);
        Racer.SpinFor(skew.TestDelay);
        bool started = true;
        try
        {
            scenario.Start(CancellationToken.None);
        }
        catch (ObjectDisposedException)
        {
            started = false;
        }
        closer.Wait();
        if (!started)
        {
            stats.RacedBefore++;
            skew.RacerWon();
            return;
        }
        Assert.True(CompletesWithinLimit(() => scenario.IsCompleted), $"round {round}: the close did not complete the call");
        var outcome = scenario.Outcome();
        if (outcome is ObjectDisposedException)
        {
            stats.RacedBefore++; // an async method (ConnectAsync) reports a closed handle through its task
            skew.RacerWon();
            return;
        }
        AssertClosedUnder(outcome, scenario.Call, round);
        stats.RacedDuring++;
        skew.TestWon();
    }

    private static void AssertClosedUnder(Exception? outcome, string call, int round)
    {
        var error = Assert.IsType<UcSocketException>(outcome, exactMatch: true);
        Assert.True(error.Code == Errno.ECANCELED, $"round {round}: {error.Message}");
        Assert.Equal($"{call}: Operation canceled", error.Message);
    }

    private sealed class RaceStats
    {
        public int Pending, AtOnce, RacedBefore, RacedDuring;
        public double SlowestMs;
    }

    [Fact]
    public async Task PendingCallsOfAClosedHandleNeverReachASocketThatReusesItsNumber()
    {
        const int rounds = 200;
        int reused = 0;
        for (int round = 0; round < rounds; round++)
        {
            var (a, b) = Pair(SOCK_STREAM)!;
            int oldFd = b.FileNo();
            long oldInode = EpollRegistrations.SocketInode(oldFd);
            var receiving = b.RecvAsync(new byte[8]).AsTask();
            var waiting = b.WaitAsync(POLLIN).AsTask();
            b.Dispose();
            var (c, d) = Pair(SOCK_STREAM)!;
            using (a)
            using (c)
            using (d)
            {
                if (c.FileNo() == oldFd || d.FileNo() == oldFd) reused++;
                await FailsWith(receiving, Errno.ECANCELED, "recv()");
                await FailsWith(waiting, Errno.ECANCELED, "poll()");
                // The new sockets get their own data: no call of the old handle takes it, none was left registered.
                var buffer = new byte[8];
                var newReceive = c.RecvAsync(buffer).AsTask();
                Assert.Equal(3L, d.Send("new"u8));
                Assert.Equal(3, await newReceive.Within());
                Assert.Empty(a.Recv(8)!); // the old socket had no other holder: its peer sees the end
                Assert.Equal(0, EpollRegistrations.CountFor(oldInode));
                Assert.Equal(1, EpollRegistrations.CountFor(EpollRegistrations.SocketInode(c.FileNo())));
                Assert.Throws<ObjectDisposedException>(() => { _ = b.RecvAsync(buffer); });
                Assert.Throws<ObjectDisposedException>(() => { _ = b.SendAsync(buffer); });
            }
        }
        output.WriteLine($"{reused} of {rounds} rounds reused the closed handle's number");
        // Descriptors are allocated lowest first and nothing else runs in this collection: the number comes back.
        Assert.True(reused >= rounds / 2, $"only {reused} of {rounds} rounds reused the number: the test did not test reuse");
    }

    [Fact]
    public async Task TheRegistrationGoesBeforeTheDescriptorAndOtherHoldersNoticeNothing()
    {
        var (client, server) = TcpPair();
        using (client)
        {
            // Another holder of the server's socket, as a dup, fork or SCM_RIGHTS makes one.
            using var other = Open(Dup(server.FileNo()))!;
            Assert.NotNull(other);
            long inode = EpollRegistrations.SocketInode(server.FileNo());
            Assert.Equal(inode, EpollRegistrations.SocketInode(other.FileNo()));

            long filled = Fill(server, new byte[1024], client);
            var receiving = server.RecvAsync(new byte[8]);
            var sending = server.SendAsync("cancelled"u8.ToArray());
            var waiting = server.WaitAsync(POLLRDHUP);
            Assert.False(receiving.IsCompleted || sending.IsCompleted || waiting.IsCompleted);
            Assert.Equal(1, EpollRegistrations.CountFor(inode));

            server.Dispose();
            // Nothing else completes them, and no attempt of theirs can be running (the peer is idle): complete now.
            Assert.True(receiving.IsCompleted && waiting.IsCompleted, "the close did not complete the receive and the wait at once");
            // The send may be in an attempt that returning ACKs started; it ends right after.
            Assert.True(CompletesWithinLimit(() => sending.IsCompleted), "the close did not complete the send");
            await FailsWith(receiving.AsTask(), Errno.ECANCELED, "recv()");
            await FailsWith(waiting.AsTask(), Errno.ECANCELED, "poll()");
            // ACKs for what the peer already holds can make room while the close lands: a send attempt that was
            // running then goes through whole, and reports it; otherwise it is cancelled.
            long sentToo = 0;
            if (sending.IsCompletedSuccessfully) sentToo = await sending;
            else await FailsWith(sending.AsTask(), Errno.ECANCELED, "send()");

            // Unregistered although the socket lives on: an epoll registration belongs to the file, not to the number.
            Assert.Equal(0, EpollRegistrations.CountFor(inode));
            // No shutdown: the peer sees neither end of stream nor a cancelled send, and the other holder works both ways.
            Assert.Equal(filled + sentToo, ReceiveExactly(client, filled + sentToo).LongLength);
            Assert.Null(client.Recv(16, MSG_DONTWAIT));
            Assert.Equal(Errno.EAGAIN, client.Error(true));
            Assert.Equal(5L, other.Send("still"u8));
            Assert.Equal("still"u8.ToArray(), ReceiveExactly(client, 5));
            Assert.Equal(4L, client.Send("here"u8));
            Assert.Equal(4, await other.RecvAsync(new byte[8]).Within());
        }
    }

    [Fact]
    public async Task ClosingAListenerUnderAPendingAcceptLeavesItsOtherHolderListening()
    {
        var listener = TcpListener();
        using var other = Open(Dup(listener.FileNo()))!;
        var accepting = listener.AcceptAsync().AsTask();
        listener.Dispose();
        await FailsWith(accepting, Errno.ECANCELED, "accept4()");
        using var client = Create(AF_INET, SOCK_STREAM)!;
        await client.ConnectAsync(other.SockName()!).Within();
        using var server = await other.AcceptAsync().Within();
        Assert.Equal(client.SockName()!.Port, server.PeerName()!.Port);
    }

    [Fact]
    public async Task ACallOnAClosedHandleThrowsObjectDisposed()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        a.Dispose();
        using (b)
        {
            var buffer = new byte[8];
            using var control = new ControlBuffer(64);
            var batch = new DatagramBatch(1, 8);
            Assert.Throws<ObjectDisposedException>(() => { _ = a.RecvAsync(buffer); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.SendAsync(buffer); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.RecvMsgAsync(buffer, control); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.SendMsgAsync(buffer, control); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.RecvMmsgAsync(batch); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.SendMmsgAsync(batch); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.AcceptAsync(); });
            Assert.Throws<ObjectDisposedException>(() => { _ = a.WaitAsync(POLLIN); });
            await Assert.ThrowsAsync<ObjectDisposedException>(() => a.ConnectAsync("127.0.0.1:1").AsTask());
        }
    }
}
