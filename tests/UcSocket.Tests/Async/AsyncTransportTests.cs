using System;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Async.AsyncTestSupport;

namespace UcSocket.Tests.Async;

/// <summary>
/// The async calls on every transport (TCP, UDP, UNIX stream, datagram and seqpacket): data both ways, backpressure,
/// end of stream, RDHUP, connection resets, and a send and a receive pending together.
/// </summary>
public class AsyncTransportTests
{
    /// <summary>A connected stream pair of <paramref name="transport"/>: "tcp" or "unix".</summary>
    private static (SocketHandle A, SocketHandle B) StreamPair(string transport)
    {
        if (transport == "tcp") return TcpPair();
        var pair = Pair(SOCK_STREAM)!;
        return (pair.First, pair.Second);
    }

    /// <summary>Bytes whose value tells their position, so that a lost, doubled or reordered chunk shows.</summary>
    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++) data[i] = (byte)(i * 31 + i / 251 + seed);
        return data;
    }

    /// <summary>Receives with RecvAsync until <paramref name="count"/> bytes arrived.</summary>
    private static async Task<byte[]> ReceiveAllAsync(SocketHandle s, int count, int chunk = 65536)
    {
        var result = new byte[count];
        int done = 0;
        while (done < count)
        {
            int n = await s.RecvAsync(result.AsMemory(done, Math.Min(chunk, count - done))).Within();
            Assert.True(n > 0, $"end of stream after {done} of {count} bytes");
            done += n;
        }
        return result;
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ASendToAFullBufferCompletesOnceThePeerDrains(string transport)
    {
        var (a, b) = StreamPair(transport);
        using (a)
        using (b)
        {
            // The receiver keeps its own buffer: a TCP window shrunk to a few kilobytes would crawl through a
            // megabyte at one delayed ACK per segment.
            long filled = Fill(a, new byte[4096]);
            var data = Pattern(1 << 20, 7);
            var sending = a.SendAsync(data);
            Assert.False(sending.IsCompleted, "the send did not wait for room");
            var received = await ReceiveAllAsync(b, (int)filled + data.Length, chunk: 1000);
            Assert.Equal(data.Length, await sending.Within());
            Assert.Equal(data, received[(int)filled..]);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task BulkDataBothWaysAtOnce(string transport)
    {
        var (a, b) = StreamPair(transport);
        using (a)
        using (b)
        {
            var there = Pattern(3 << 20, 1);
            var back = Pattern(3 << 20, 2);
            // Each socket has a send and a receive pending together, each in small pieces.
            var aSends = a.SendAsync(there).AsTask();
            var bSends = b.SendAsync(back).AsTask();
            var bReceives = ReceiveAllAsync(b, there.Length, chunk: 7000);
            var aReceives = ReceiveAllAsync(a, back.Length, chunk: 5000);
            Assert.Equal(there.Length, await aSends.Within());
            Assert.Equal(back.Length, await bSends.Within());
            Assert.Equal(there, await bReceives);
            Assert.Equal(back, await aReceives);
        }
    }

    [Fact]
    public async Task APendingSendAndAPendingReceiveCompleteIndependently()
    {
        var (client, server) = TcpPair();
        using (client)
        using (server)
        {
            long filled = Fill(server, new byte[4096], client);
            var buffer = new byte[8];
            var receiving = server.RecvAsync(buffer);
            var sending = server.SendAsync("tail"u8.ToArray());
            Assert.False(receiving.IsCompleted || sending.IsCompleted);
            Assert.Equal(2L, client.Send("in"u8));
            Assert.Equal(2, await receiving.Within());
            Assert.False(sending.IsCompleted, "the send completed without room");
            var drained = ReceiveExactly(client, filled + 4);
            Assert.Equal(4, await sending.Within());
            Assert.Equal("tail"u8.ToArray(), drained[^4..]);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task EndOfStreamIsAZeroLengthReceive(string transport)
    {
        var (a, b) = StreamPair(transport);
        using (a)
        using (b)
        {
            var buffer = new byte[8];
            var receiving = b.RecvAsync(buffer);
            Assert.False(receiving.IsCompleted);
            Assert.True(a.Shutdown(SHUT_WR));
            Assert.Equal(0, await receiving.Within());
            var again = b.RecvAsync(buffer);
            Assert.True(again.IsCompletedSuccessfully, "end of stream stays readable");
            Assert.Equal(0, await again);
            // The other direction is still open.
            Assert.Equal(4, await b.SendAsync("back"u8.ToArray()).Within());
            Assert.Equal("back"u8.ToArray(), ReceiveExactly(a, 4));
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task WaitAsyncReportsRdhupWhenThePeerShutsDownItsSending(string transport)
    {
        var (a, b) = StreamPair(transport);
        using (a)
        using (b)
        {
            var hangup = b.WaitAsync(POLLRDHUP);
            Assert.False(hangup.IsCompleted);
            Assert.True(a.Shutdown(SHUT_WR));
            int events = await hangup.Within();
            Assert.NotEqual(0, events & POLLRDHUP);
            Assert.Equal(0, events & POLLHUP); // only half closed: b can still send
            Assert.Equal(0, await b.RecvAsync(new byte[8]).Within());
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task AWaitForRdhupDoesNotHoldUpReceives(string transport)
    {
        var (a, b) = StreamPair(transport);
        using (a)
        using (b)
        {
            // A common pattern: one task watches for the peer going away while others wait for data and read it.
            var hangup = b.WaitAsync(POLLRDHUP);
            var readable = b.WaitAsync(POLLIN);
            var buffer = new byte[8];
            var receiving = b.RecvAsync(buffer);
            Assert.Equal(4L, a.Send("data"u8));
            Assert.NotEqual(0, await readable.Within() & POLLIN);
            Assert.Equal(4, await receiving.Within());
            Assert.False(hangup.IsCompleted, "data is no hang-up");
            Assert.True(a.Shutdown(SHUT_WR));
            Assert.NotEqual(0, await hangup.Within() & POLLRDHUP);
        }
    }

    [Fact]
    public async Task APeerResetFailsThePendingReceiveWithEconnreset()
    {
        var (client, server) = TcpPair();
        using (server)
        {
            var receiving = server.RecvAsync(new byte[8]);
            Assert.False(receiving.IsCompleted);
            ResetAndClose(client);
            await FailsWith(receiving.AsTask(), Errno.ECONNRESET, "recv()");
            // The error was reported once; the connection is gone: end of stream, and sending fails.
            Assert.Equal(0, await server.RecvAsync(new byte[8]).Within());
            await FailsWith(server.SendAsync("x"u8.ToArray()).AsTask(), Errno.EPIPE, "send()");
        }
    }

    [Fact]
    public async Task APeerResetFailsThePendingSendWithEconnreset()
    {
        var (client, server) = TcpPair();
        using (server)
        {
            Fill(server, new byte[4096], client);
            var sending = server.SendAsync(new byte[100_000]);
            Assert.False(sending.IsCompleted);
            ResetAndClose(client);
            await FailsWith(sending.AsTask(), Errno.ECONNRESET, "send()");
        }
    }

    [Fact]
    public async Task APeerResetEndsAWaitWithErrorEvents()
    {
        var (client, server) = TcpPair();
        using (server)
        {
            var waiting = server.WaitAsync(POLLIN);
            ResetAndClose(client);
            int events = await waiting.Within();
            Assert.NotEqual(0, events & POLLERR);
            Assert.NotEqual(0, events & POLLHUP);
        }
    }

    /// <summary>SO_LINGER on with a zero timeout: close(2) sends a RST instead of a FIN.</summary>
    private static void ResetAndClose(SocketHandle s)
    {
        Assert.True(s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 0)), s.Error());
        s.Dispose();
    }

    [Fact]
    public async Task UdpDatagramsWithAddresses()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"));
        Assert.True(sender.Bind("127.0.0.1:0"));
        var to = RawSocketAddress.From(receiver.SockName())!;

        // One message with its sender's address.
        var from = new RawSocketAddress();
        var buffer = new byte[64];
        var receiving = receiver.RecvMsgAsync(buffer, null, from);
        Assert.False(receiving.IsCompleted);
        Assert.Equal(5L, await sender.SendMsgAsync("hello"u8.ToArray(), null, to).Within());
        var result = await receiving.Within();
        Assert.Equal(5L, result.Length);
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
        Assert.Equal(sender.SockName()!.Port, from.Port);
    }

    [Fact]
    public async Task UdpBatchesArriveWhole()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"));
        Assert.True(sender.Connect(receiver.SockName()!));
        var outgoing = new DatagramBatch(3, 64);
        for (int i = 0; i < 3; i++) outgoing.Set(i, Pattern(10 + i, i));
        var incoming = new DatagramBatch(8, 64);
        var receiving = receiver.RecvMmsgAsync(incoming);
        Assert.False(receiving.IsCompleted);
        Assert.Equal(3, await sender.SendMmsgAsync(outgoing).Within());
        int first = await receiving.Within();
        Assert.InRange(first, 1, 3);
        for (int i = 0; i < first; i++)
        {
            Assert.Equal(Pattern(10 + i, i), incoming.GetData(i).ToArray());
            Assert.Equal(sender.SockName()!.Port, incoming.GetAddress(i)!.Port);
        }
        // Whatever did not come with the first call is queued already.
        for (int next = first; next < 3; next++)
        {
            int n = await receiver.RecvMmsgAsync(incoming).Within();
            for (int i = 0; i < n; i++) Assert.Equal(Pattern(10 + next + i, next + i), incoming.GetData(i).ToArray());
            next += n - 1;
        }
        // A connected UDP socket with RecvAsync/SendAsync.
        var buffer = new byte[64];
        var single = receiver.RecvAsync(buffer);
        Assert.Equal(3, await sender.SendAsync("one"u8.ToArray()).Within());
        Assert.Equal(3, await single.Within());
    }

    [Fact]
    public async Task UnixDatagramsBetweenNamedSockets()
    {
        using var dir = new TempDir();
        using var a = Create(AF_UNIX, SOCK_DGRAM)!;
        using var b = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(a.Bind(dir.File("a.sock")));
        Assert.True(b.Bind(dir.File("b.sock")));
        var from = new RawSocketAddress();
        var buffer = new byte[64];
        var receiving = b.RecvMsgAsync(buffer, null, from);
        Assert.False(receiving.IsCompleted);
        Assert.Equal(3L, await a.SendMsgAsync("dgm"u8.ToArray(), null, RawSocketAddress.From(dir.File("b.sock"))).Within());
        Assert.Equal(3L, (await receiving.Within()).Length);
        Assert.Equal(dir.File("a.sock"), from.ToSocketAddress()!.Path);
        Assert.Equal("dgm"u8.ToArray(), buffer[..3]);
    }

    [Fact]
    public async Task SeqpacketKeepsMessageBoundariesAndReportsTruncation()
    {
        var (a, b) = Pair(SOCK_SEQPACKET)!;
        using (a)
        using (b)
        {
            var small = new byte[4];
            var receiving = b.RecvMsgAsync(small, null);
            Assert.Equal(10, await a.SendAsync(Pattern(10, 3)).Within());
            Assert.Equal(5, await a.SendAsync(Pattern(5, 4)).Within());
            var first = await receiving.Within();
            Assert.True(first.IsTruncated);
            Assert.Equal(Pattern(10, 3)[..4], small);
            var buffer = new byte[64];
            Assert.Equal(5, await b.RecvAsync(buffer).Within());
            Assert.Equal(Pattern(5, 4), buffer[..5]);
        }
    }

    [Fact]
    public async Task SendMmsgToAFullUnixDatagramPeerCompletesOnceItDrains()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(a.SetOpt(SockOpt.SoSndBuf, 4096));
            int filled = 0;
            while (a.Send("f"u8, MSG_DONTWAIT) is 1L) filled++;
            var outgoing = new DatagramBatch(8, 16);
            for (int i = 0; i < 8; i++) outgoing.Set(i, new[] { (byte)('0' + i) });
            var sending = a.SendMmsgAsync(outgoing);
            Assert.False(sending.IsCompleted, "the batch did not wait for room");
            var incoming = new DatagramBatch(4, 16);
            var received = new System.Collections.Generic.List<byte>();
            while (received.Count < filled + 8)
            {
                int n = await b.RecvMmsgAsync(incoming).Within();
                for (int i = 0; i < n; i++) received.Add(incoming.GetData(i)[0]);
            }
            Assert.Equal(8, await sending.Within());
            Assert.Equal("01234567"u8.ToArray(), received.ToArray()[filled..]);
        }
    }

    [Fact]
    public async Task ANonBlockingSocketStillWaitsAsyncButNeverSync()
    {
        // Non-blocking by its creator's choice: sync calls never wait, async calls do.
        using var listener = TcpListener();
        using var client = Create(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)!;
        await client.ConnectAsync(listener.SockName()!).Within();
        using var server = listener.Accept()!;
        var buffer = new byte[8];
        var receiving = client.RecvAsync(buffer);
        Assert.False(receiving.IsCompleted);
        Assert.Equal(2L, server.Send("nb"u8));
        Assert.Equal(2, await receiving.Within());
        Assert.Null(client.Recv(buffer.AsSpan()));
        Assert.Equal(Errno.EAGAIN, client.Error(true));
    }

    [Fact]
    public async Task ReceivesStartedFromSeveralThreadsAtOnceGetEveryByte()
    {
        // Receives that start together find the queue empty and try at once, each on its own thread; one that finds
        // nothing while another takes the data must still be woken for what is left.
        const int bytes = 20_000;
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            int received = 0;
            var readers = new Task[4];
            for (int r = 0; r < readers.Length; r++)
            {
                readers[r] = Task.Run(async () =>
                {
                    var buffer = new byte[7];
                    while (Volatile.Read(ref received) < bytes)
                    {
                        int n = await b.RecvAsync(buffer);
                        if (n == 0) return;
                        Interlocked.Add(ref received, n);
                    }
                });
            }
            var chunk = new byte[100];
            for (int sent = 0; sent < bytes; sent += chunk.Length) Assert.Equal(chunk.Length, await a.SendAsync(chunk).Within());
            // Every byte is read; then the end of stream releases the readers still waiting.
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref received) == bytes, Limit), $"{Volatile.Read(ref received)} of {bytes} bytes received");
            Assert.True(a.Shutdown(SHUT_WR));
            await Task.WhenAll(readers).Within();
        }
    }

    [Fact]
    public async Task PendingReceivesOfEveryKindCompleteInTheOrderTheyWereMade()
    {
        // recv, recvmsg and recvmmsg share one queue: 60 of them pending, then 60 datagrams, each to the next in line.
        const int count = 60;
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            var buffers = new byte[count][];
            var batches = new DatagramBatch?[count];
            var receives = new Task<long>[count];
            for (int i = 0; i < count; i++)
            {
                buffers[i] = new byte[8];
                switch (i % 3)
                {
                    case 0:
                        receives[i] = AsLong(b.RecvAsync(buffers[i]));
                        break;
                    case 1:
                        receives[i] = RecvMsgLength(b.RecvMsgAsync(buffers[i], null));
                        break;
                    default:
                        batches[i] = new DatagramBatch(1, 8);
                        receives[i] = AsLong(b.RecvMmsgAsync(batches[i]!));
                        break;
                }
            }
            for (int i = 0; i < count; i++) Assert.False(receives[i].IsCompleted, $"receive {i} did not wait");
            for (int i = 0; i < count; i++) Assert.Equal(1, await a.SendAsync(new[] { (byte)i }).Within());
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(1L, await receives[i].Within());
                byte got = batches[i] is { } batch ? batch.GetData(0)[0] : buffers[i][0];
                Assert.True(got == (byte)i, $"receive {i} got datagram {got}");
            }
        }

        static async Task<long> AsLong(ValueTask<int> receive) => await receive;
        static async Task<long> RecvMsgLength(ValueTask<ReceiveResult> receive) => (await receive).Length;
    }
}
