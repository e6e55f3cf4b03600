using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Tmds.Linux;
using UcSocket.Tests.Messages;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

using NetSocket = System.Net.Sockets.Socket;

namespace UcSocket.Tests.Async;

/// <summary>
/// SocketHandle and System.Net.Sockets.Socket: each side owns its own descriptor, data flows both ways through
/// either, and closing one never ends the connection for the other.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public class InteropTests
{
    private const int F_GETFL = 3, O_NONBLOCK = 0x800;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public Task AHandleDuplicatedFromASocketLivesOnItsOwn() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var peer = ConnectedNetPair(out var netSide);
        var handle = SocketHandle.DuplicateFrom(netSide);
        using (handle)
        {
            Assert.NotEqual((int)netSide.Handle, handle.FileNo());
            Assert.Equal(AF_INET, handle.SockName()!.Family);
            Assert.Equal(((IPEndPoint)peer.LocalEndPoint!).Port, handle.PeerName()!.Port);

            // Both own a descriptor for the same connection: data through either.
            await SendAndExpectAsync(peer, handle, "to handle");
            await SendAndExpectAsync(handle, peer, "from handle");
            netSide.Send("from socket"u8);
            Assert.Equal("from socket", await ReceiveTextAsync(peer, 11));

            // Closing the Socket closes its descriptor only: the peer sees nothing, the handle goes on.
            netSide.Dispose();
            Assert.False(peer.Poll(100_000, SelectMode.SelectRead));
            await SendAndExpectAsync(handle, peer, "still here");
            await SendAndExpectAsync(peer, handle, "and here");
        }
        // The last descriptor closed: now the peer sees the end of the stream.
        Assert.Equal(0, await peer.ReceiveAsync(new byte[8], SocketFlags.None).WaitAsync(Patience));
    });

    [Fact]
    public Task ClosingTheHandleLeavesTheSocketItWasDuplicatedFrom() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var peer = ConnectedNetPair(out var netSide);
        using (netSide)
        {
            SocketHandle.DuplicateFrom(netSide).Dispose();
            Assert.False(peer.Poll(100_000, SelectMode.SelectRead));
            Assert.Equal(4, await netSide.SendAsync("ping"u8.ToArray()));
            Assert.Equal("ping", await ReceiveTextAsync(peer, 4));
        }
        Assert.Equal(0, await peer.ReceiveAsync(new byte[8], SocketFlags.None).WaitAsync(Patience));
    });

    [Fact]
    public Task TakingOwnershipDisposesTheSocketAndKeepsTheConnection() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var peer = ConnectedNetPair(out var netSide);
        var handle = SocketHandle.TakeOwnershipFrom(netSide);
        using (handle)
        {
            Assert.Throws<ObjectDisposedException>(() => netSide.Available);
            Assert.True(netSide.SafeHandle.IsClosed);
            Assert.False(peer.Poll(100_000, SelectMode.SelectRead));
            await SendAndExpectAsync(peer, handle, "taken over");
            await SendAndExpectAsync(handle, peer, "answer");
        }
        Assert.Equal(0, await peer.ReceiveAsync(new byte[8], SocketFlags.None).WaitAsync(Patience));
    });

    [Fact]
    public Task ASocketDuplicatedFromAHandleLivesOnItsOwn() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (client, server) = await SocketStreamTests.TcpPairAsync();
        using (client)
        {
            var netSide = server.DuplicateToSocket();
            using (netSide)
            {
                Assert.Equal(AddressFamily.InterNetwork, netSide.AddressFamily);
                Assert.Equal(SocketType.Stream, netSide.SocketType);
                Assert.True(netSide.Connected);
                Assert.Equal(client.SockName()!.Port, ((IPEndPoint)netSide.RemoteEndPoint!).Port);
                Assert.NotEqual(server.FileNo(), (int)netSide.Handle);

                Assert.Equal(7, await netSide.SendAsync("via net"u8.ToArray()));
                Assert.Equal("via net", await ReceiveTextAsync(client, 7));
                Assert.Equal(3L, client.Send("abc"u8));
                Assert.Equal("abc", await ReceiveTextAsync(netSide, 3));

                // Closing the handle closes its descriptor only.
                server.Dispose();
                Assert.Null(await PollAsync(client, 100));
                Assert.Equal(2, netSide.Send("ok"u8));
                Assert.Equal("ok", await ReceiveTextAsync(client, 2));
                await SendAndExpectAsync(client, netSide, "back");
                Assert.Throws<ObjectDisposedException>(() => server.DuplicateToSocket());
            }
            Assert.Equal(0, await client.RecvAsync(new byte[8]).AsTask().WaitAsync(Patience));
        }
    });

    [Fact]
    public Task UnixSocketsBothWays() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            using var netA = a.DuplicateToSocket();
            Assert.Equal(AddressFamily.Unix, netA.AddressFamily);
            using var back = SocketHandle.DuplicateFrom(netA);
            Assert.Equal(AF_UNIX, back.SockName()!.Family);
            Assert.Equal(SOCK_STREAM, back.GetOpt(SOL_SOCKET, SO_TYPE));
            await SendAndExpectAsync(back, b, "unix one");
            await SendAndExpectAsync(b, netA, "unix two");
        }
    });

    [Fact]
    public Task AHandlesBlockingCallsBlockAfterTheSocketWentAsync() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        // System.Net.Sockets puts the socket in non-blocking mode for its async calls (O_NONBLOCK is shared by every
        // descriptor): a handle made from a blocking Socket still blocks, waiting in poll.
        using var peer = ConnectedNetPair(out var netSide);
        using (netSide)
        {
            var buffer = new byte[4];
            var receiving = netSide.ReceiveAsync(buffer, SocketFlags.None);
            peer.Send("warm"u8);
            Assert.Equal(4, await receiving.WaitAsync(Patience));
            Assert.True(netSide.Blocking);
            using var handle = SocketHandle.DuplicateFrom(netSide);
            Assert.NotEqual(0, LibC.fcntl(handle.FileNo(), F_GETFL) & O_NONBLOCK);

            var late = Task.Run(async () =>
            {
                await Task.Delay(200);
                peer.Send("late"u8);
            });
            var started = DateTime.UtcNow;
            Assert.Equal("late"u8.ToArray(), handle.Recv(4)); // blocks for the data, no EAGAIN
            Assert.True(DateTime.UtcNow - started > TimeSpan.FromMilliseconds(100));
            await late;
        }
    });

    [Fact]
    public Task AListenerHandsItsConnectionsToASocket() => DescriptorAccounting.AssertNoLeakAsync(async () =>
    {
        using var listener = Listen("127.0.0.1", 0)!;
        // AcceptAsync puts the listener in non-blocking mode; the Socket sees that, and its accepts still work.
        var first = listener.AcceptAsync();
        using (var c1 = await ConnectAsync(listener.SockName()!).AsTask().WaitAsync(Patience))
        using (await first.AsTask().WaitAsync(Patience))
        {
        }
        using var netListener = listener.DuplicateToSocket();
        Assert.NotEqual(0, LibC.fcntl((int)netListener.Handle, F_GETFL) & O_NONBLOCK);
        Assert.True(netListener.Blocking);
        listener.Dispose();
        int port = ((IPEndPoint)netListener.LocalEndPoint!).Port;
        using var client = await ConnectAsync("127.0.0.1", port).AsTask().WaitAsync(Patience);
        using var accepted = await netListener.AcceptAsync().WaitAsync(Patience);
        await SendAndExpectAsync(client, accepted, "handed over");
        using var client2 = await ConnectAsync("127.0.0.1", port).AsTask().WaitAsync(Patience);
        using var accepted2 = await Task.Run(netListener.Accept).WaitAsync(Patience);
        await SendAndExpectAsync(accepted2, client2, "sync accept");
    });

    [Fact]
    public void BadArguments()
    {
        DescriptorAccounting.AssertNoLeak(warmUp: true, action: () =>
        {
            Assert.Throws<ArgumentNullException>(() => SocketHandle.DuplicateFrom(null!));
            Assert.Throws<ArgumentNullException>(() => SocketHandle.TakeOwnershipFrom(null!));
            var disposed = new NetSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => SocketHandle.DuplicateFrom(disposed));
            Assert.Throws<ObjectDisposedException>(() => SocketHandle.TakeOwnershipFrom(disposed));
            var closed = Create(AF_INET, SOCK_STREAM)!;
            closed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => closed.DuplicateToSocket());
            Assert.Throws<ObjectDisposedException>(() => closed.GetStream());
        });
    }

    /// <summary>A connected loopback pair of System.Net.Sockets sockets: the peer, and <paramref name="netSide"/>, the accepted end.</summary>
    private static NetSocket ConnectedNetPair(out NetSocket netSide)
    {
        using var listener = new NetSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new NetSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        peer.Connect(listener.LocalEndPoint!);
        netSide = listener.Accept();
        return peer;
    }

    private static async Task SendAndExpectAsync(object from, object to, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        switch (from)
        {
            case SocketHandle h:
                Assert.Equal(bytes.Length, await h.SendAsync(bytes));
                break;
            case NetSocket s:
                Assert.Equal(bytes.Length, await s.SendAsync(bytes));
                break;
        }
        Assert.Equal(text, await ReceiveTextAsync(to, bytes.Length));
    }

    private static async Task<string> ReceiveTextAsync(object from, int length)
    {
        var buffer = new byte[length];
        int total = 0;
        while (total < length)
        {
            int n = from switch
            {
                SocketHandle h => await h.RecvAsync(buffer.AsMemory(total)).AsTask().WaitAsync(Patience),
                NetSocket s => await s.ReceiveAsync(buffer.AsMemory(total)).AsTask().WaitAsync(Patience),
                _ => throw new ArgumentException("not a socket", nameof(from)),
            };
            Assert.NotEqual(0, n);
            total += n;
        }
        return System.Text.Encoding.UTF8.GetString(buffer);
    }

    /// <summary>POLLIN on a handle within <paramref name="ms"/>: the events, or null when nothing (data or end) arrived.</summary>
    private static async Task<int?> PollAsync(SocketHandle handle, int ms)
    {
        using var cts = new CancellationTokenSource(ms);
        try
        {
            return await handle.WaitAsync(POLLIN, cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
