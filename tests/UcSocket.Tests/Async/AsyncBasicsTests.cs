using System;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Async;

/// <summary>The awaitable calls on their own: data both ways, accept and connect, cancellation, close.</summary>
public class AsyncBasicsTests
{
    [Fact]
    public async Task ReceivesAndSendsOnAPair()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var buffer = new byte[16];
            var pending = b.RecvAsync(buffer);
            Assert.False(pending.IsCompleted);
            Assert.Equal(5, await a.SendAsync("hello"u8.ToArray()));
            Assert.Equal(5, await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal("hello"u8.ToArray(), buffer[..5]);

            // Data already there: completes at once.
            Assert.Equal(2L, a.Send("hi"u8));
            var now = b.RecvAsync(buffer);
            Assert.True(now.IsCompletedSuccessfully);
            Assert.Equal(2, await now);
        }
    }

    [Fact]
    public async Task SeveralPendingReceivesCompleteInOrder()
    {
        var (a, b) = Pair(SOCK_SEQPACKET)!;
        using (a)
        using (b)
        {
            var buffers = new byte[3][];
            var tasks = new Task<int>[3];
            for (int i = 0; i < 3; i++)
            {
                buffers[i] = new byte[8];
                tasks[i] = b.RecvAsync(buffers[i]).AsTask();
            }
            for (int i = 0; i < 3; i++) Assert.Equal(1L, a.Send(new[] { (byte)('0' + i) }));
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));
            for (int i = 0; i < 3; i++) Assert.Equal((byte)('0' + i), buffers[i][0]);
        }
    }

    [Fact]
    public async Task AcceptsAndConnectsOverTcp()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        var accepting = listener.AcceptAsync();
        using var client = Create(AF_INET, SOCK_STREAM)!;
        await client.ConnectAsync(listener.SockName()!).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var peer = new SocketAddress();
        using var server = await accepting.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(client.SockName()!.Port, server.PeerName()!.Port);
        Assert.Equal(3, await client.SendAsync("abc"u8.ToArray()));
        var buffer = new byte[8];
        Assert.Equal(3, await server.RecvAsync(buffer));
        // The blocking calls of a handle used async keep their meaning.
        Assert.Equal(1L, client.Send("x"u8));
        Assert.Equal("x"u8.ToArray(), server.Recv(8));
        Assert.Null(client.Connect(listener.SockName()!));
        Assert.Equal(Errno.EISCONN, client.Error(true));
    }

    [Fact]
    public async Task ConnectionRefusedIsAnException()
    {
        using var probe = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(probe.Bind("127.0.0.1:0"));
        var closedPort = probe.SockName()!;
        using var client = Create(AF_INET, SOCK_STREAM)!;
        var error = await Assert.ThrowsAsync<UcSocketException>(() => client.ConnectAsync(closedPort).AsTask());
        Assert.Equal(111, error.Code); // ECONNREFUSED
        Assert.Equal("connect(): Connection refused", error.Message);
    }

    [Fact]
    public async Task CancellingOneReceiveLeavesTheOthersAndTheSocket()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            using var cts = new CancellationTokenSource();
            var first = b.RecvAsync(new byte[8], 0, cts.Token).AsTask();
            var second = b.RecvAsync(new byte[8]).AsTask();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
            Assert.Equal(4L, a.Send("data"u8));
            Assert.Equal(4, await second.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task ClosingCompletesPendingOperationsAtOnce()
    {
        var (a, b) = Pair()!;
        using (a)
        {
            var pending = b.RecvAsync(new byte[8]).AsTask();
            var waiting = b.WaitAsync(POLLIN).AsTask();
            b.Dispose();
            var error = await Assert.ThrowsAsync<UcSocketException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(125, error.Code); // ECANCELED
            Assert.Equal("recv(): Operation canceled", error.Message);
            await Assert.ThrowsAsync<UcSocketException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Throws<ObjectDisposedException>(() => { _ = b.RecvAsync(new byte[8]); });
            // The peer did not see a shutdown of the socket: its descriptor simply closed.
            Assert.Equal(Array.Empty<byte>(), a.Recv(8));
        }
    }

    [Fact]
    public async Task DescriptorsArriveOwnedThroughRecvMsgAsync()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            var (read, write) = Messages.Native.Pipe();
            using (read)
            using (write)
            {
                using var control = new ControlBuffer(ControlBuffer.SpaceFor(4));
                var buffer = new byte[8];
                var receiving = b.RecvMsgAsync(buffer, control);
                Assert.Equal(2L, a.SendMsg("fd", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(write)) }));
                var result = await receiving.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(2L, result.Length);
                Assert.True(control.TryGet(Cmsg.ScmRights, out var fds));
                Assert.True(fds!.IsOwned);
                Assert.Single(fds);
            }
        }
    }

    [Fact]
    public async Task AContinuationThatBlocksHoldsUpNothingBehindIt()
    {
        var (a, b) = Pair(SOCK_SEQPACKET)!;
        using (a)
        using (b)
        {
            var second = b.RecvAsync(new byte[8]).AsTask();
            var third = b.RecvAsync(new byte[8]).AsTask();
            // The first receive's continuation waits, blocking its thread, for the third receive of the same queue.
            var first = b.RecvAsync(new byte[8]).AsTask().ContinueWith(_ => third.Wait(TimeSpan.FromSeconds(10)), TaskContinuationOptions.ExecuteSynchronously);
            for (int i = 0; i < 3; i++) Assert.Equal(1L, a.Send(new[] { (byte)i }));
            Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Equal(1, await second);
        }
    }
}
