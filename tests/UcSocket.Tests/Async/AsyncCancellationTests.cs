using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// Cancellation at every point an async call can be in: before it starts, while it waits, and at the instant it
/// completes. A cancelled call takes nothing and sends nothing, and the socket goes on serving the same call.
/// </summary>
public class AsyncCancellationTests(ITestOutputHelper output)
{
    /// <summary>Rounds of the cancellation-against-completion race per kind (each on fresh sockets).</summary>
    private const int RaceRounds = 100;

    [Theory]
    [MemberData(nameof(PendingScenario.Names), MemberType = typeof(PendingScenario))]
    public async Task CancelledBeforeStartTakesNothing(string kind)
    {
        using var scenario = PendingScenario.All[kind]();
        // Ready first: a call that ran anyway would complete, and take the data, connection or room.
        scenario.MakeReady();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        scenario.Start(cts.Token);
        Assert.True(scenario.IsCompleted, "a call with a cancelled token did not complete at once");
        var error = Assert.IsAssignableFrom<OperationCanceledException>(scenario.Outcome());
        Assert.Equal(cts.Token, error.CancellationToken);
        await scenario.CheckUntouchedAndUsable(madeReady: true);
    }

    [Theory]
    [MemberData(nameof(PendingScenario.Names), MemberType = typeof(PendingScenario))]
    public async Task CancelledWhilePendingEndsAtOnceAndLeavesTheSocketUsable(string kind)
    {
        using var scenario = PendingScenario.All[kind]();
        using var cts = new CancellationTokenSource();
        scenario.Start(cts.Token);
        Assert.False(scenario.IsCompleted, "the call did not wait");
        cts.Cancel();
        await IsCanceledBy(scenario.AsTask(), cts.Token);
        await scenario.CheckUntouchedAndUsable(madeReady: false);
    }

    /// <summary>
    /// Every kind but connect-tcp: a TCP connect waiting for a full listener completes only on its SYN's
    /// retransmission, a second later; its race is <see cref="ConnectAsyncCancelledWhileTheHandshakeCompletes"/>.
    /// </summary>
    public static TheoryData<string> RaceKinds()
    {
        var data = new TheoryData<string>();
        foreach (var name in PendingScenario.All.Keys)
            if (name != "connect-tcp") data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RaceKinds))]
    public async Task CancellationRacingCompletionLosesNothing(string kind)
    {
        int completed = 0, cancelled = 0;
        using var racer = new Racer();
        var skew = new RaceSkew();
        for (int round = 0; round < RaceRounds; round++)
        {
            using var scenario = PendingScenario.All[kind]();
            using var cts = new CancellationTokenSource();
            scenario.Start(cts.Token);
            Assert.False(scenario.IsCompleted, "the call did not wait");
            // The cancel and the readiness land in either order, microseconds apart or together.
            racer.Start(cts.Cancel, skew.RacerDelay);
            Racer.SpinFor(skew.TestDelay);
            scenario.MakeReady();
            racer.Wait();
            try
            {
                await scenario.AsTask();
            }
            catch (OperationCanceledException e)
            {
                Assert.Equal(cts.Token, e.CancellationToken);
                cancelled++;
                skew.RacerWon();
                await scenario.CheckUntouchedAndUsable(madeReady: true);
                continue;
            }
            completed++;
            skew.TestWon();
            scenario.CheckSucceeded();
        }
        output.WriteLine($"{kind}: {completed} completed, {cancelled} cancelled");
        Assert.Equal(RaceRounds, completed + cancelled);
    }

    [Fact]
    public async Task ConnectAsyncCancelledWhileTheHandshakeCompletes()
    {
        using var listener = TcpListener();
        Assert.True(listener.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: (long)Limit.TotalSeconds)), listener.Error());
        int connected = 0, cancelled = 0;
        using var racer = new Racer();
        var skew = new RaceSkew();
        var address = listener.SockName()!;
        for (int round = 0; round < RaceRounds; round++)
        {
            using var client = Create(AF_INET, SOCK_STREAM)!;
            using var cts = new CancellationTokenSource();
            // On loopback the handshake is over within the call: the cancel lands before, during or after it.
            racer.Start(cts.Cancel, skew.RacerDelay);
            Racer.SpinFor(skew.TestDelay);
            var connecting = client.ConnectAsync(address, cts.Token).AsTask();
            racer.Wait();
            try
            {
                await connecting.Within();
                connected++;
                skew.TestWon();
            }
            catch (OperationCanceledException e)
            {
                Assert.Equal(cts.Token, e.CancellationToken);
                cancelled++;
                skew.RacerWon();
                // Abandoned: the socket is not connected, and connects again.
                Assert.Null(client.PeerName());
                await client.ConnectAsync(address).Within();
            }
            // The connection works; a handshake the cancel abandoned may have left a reset one in the queue first.
            int port = client.SockName()!.Port!.Value;
            SocketHandle? server;
            while ((server = listener.Accept()) is not null && server.PeerName()?.Port != port) server.Dispose();
            Assert.NotNull(server);
            using (server)
            {
                Assert.Equal(4L, await client.SendAsync("ping"u8.ToArray()).Within());
                Assert.Equal("ping"u8.ToArray(), ReceiveExactly(server, 4));
            }
        }
        output.WriteLine($"connect: {connected} connected, {cancelled} cancelled");
    }

    [Fact]
    public async Task CancellingTheMiddleOfThreeReceivesLeavesTheOthersInOrder()
    {
        var (a, b) = Pair(SOCK_SEQPACKET)!;
        using (a)
        using (b)
        {
            using var cts = new CancellationTokenSource();
            byte[] first = new byte[8], middle = new byte[8], last = new byte[8];
            var firstTask = b.RecvAsync(first).AsTask();
            var middleTask = b.RecvAsync(middle, 0, cts.Token).AsTask();
            var lastTask = b.RecvAsync(last).AsTask();
            cts.Cancel();
            await IsCanceledBy(middleTask, cts.Token);
            Assert.False(firstTask.IsCompleted);
            Assert.False(lastTask.IsCompleted);
            Assert.Equal(1L, a.Send("1"u8));
            Assert.Equal(1L, a.Send("2"u8));
            Assert.Equal(1, await firstTask.Within());
            Assert.Equal(1, await lastTask.Within());
            Assert.Equal((byte)'1', first[0]);
            Assert.Equal((byte)'2', last[0]);
            Assert.Equal(0, middle[0]);
        }
    }

    [Fact]
    public async Task CancellingAPendingReceiveLeavesAPendingSendOfTheSameSocket()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            long filled = Fill(a, new byte[1024]);
            using var cts = new CancellationTokenSource();
            var receiving = a.RecvAsync(new byte[8], 0, cts.Token).AsTask();
            var sending = a.SendAsync("tail"u8.ToArray()).AsTask();
            Assert.False(sending.IsCompleted);
            cts.Cancel();
            await IsCanceledBy(receiving, cts.Token);
            Assert.False(sending.IsCompleted);
            var all = ReceiveExactly(b, filled + 4);
            Assert.Equal(4, await sending.Within());
            Assert.Equal("tail"u8.ToArray(), all[^4..]);
        }
    }

    [Fact]
    public async Task CancellingOneAcceptLeavesTheNextForTheConnection()
    {
        using var listener = TcpListener();
        using var cts = new CancellationTokenSource();
        var first = listener.AcceptAsync(cts.Token).AsTask();
        var second = listener.AcceptAsync().AsTask();
        cts.Cancel();
        await IsCanceledBy(first, cts.Token);
        using var client = Create(AF_INET, SOCK_STREAM)!;
        await client.ConnectAsync(listener.SockName()!).Within();
        using var server = await second.Within();
        Assert.Equal(client.SockName()!.Port, server.PeerName()!.Port);
    }
}
