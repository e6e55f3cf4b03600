using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Messages;
using Io = UcSocket.Tests.Messages.Native;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Lifecycle;

/// <summary>
/// A received socket descriptor becomes a <see cref="SocketHandle"/> in one call (<c>TakeSocket</c>), on every
/// receive path, with exactly one owner afterwards: counted in /proc/self/fd, and checked by the peer, which sees
/// the end of the stream exactly when that owner closes.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public class TakeSocketTests
{
    private static int DescriptorCount() => Directory.GetFiles("/proc/self/fd").Length;

    private static void CollectEverything()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>A loopback TCP connection: the client, and the server side the caller will send away.</summary>
    private static (SocketHandle Client, SocketHandle Server) Connected()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!));
        return (client, listener.Accept()!);
    }

    private static void SendDescriptors(SocketHandle via, params System.Runtime.InteropServices.SafeHandle[] handles) =>
        Assert.Equal(1L, via.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(handles)) }));

    /// <summary>Data goes both ways between the client and the handle that took the server side.</summary>
    private static void AssertTalks(SocketHandle client, SocketHandle taken)
    {
        Assert.Equal(4L, client.Send("ping"));
        Assert.Equal("ping"u8.ToArray(), taken.Recv(16));
        Assert.Equal(4L, taken.Send("pong"));
        Assert.Equal("pong"u8.ToArray(), client.Recv(16));
    }

    /// <summary>
    /// The client reads the end of the stream once the last descriptor of the server side closed: a socket with a
    /// second owner somewhere would stay silent instead.
    /// </summary>
    private static void AssertPeerSeesEnd(SocketHandle client)
    {
        Assert.True(Io.WaitReadable(client.FileNo(), 5000), "the peer never saw the connection end");
        Assert.Equal(Array.Empty<byte>(), client.Recv(16));
    }

    [Fact]
    public void FromAReceivedMessageTheHandleIsTheOnlyOwner()
    {
        var (client, server) = Connected();
        var (a, b) = Pair()!;
        using (client)
        using (a)
        using (b)
        {
            SendDescriptors(a, server.SafeHandle);
            server.Dispose();
            int baseline = DescriptorCount();
            var message = b.RecvMsg(16, 64)!;
            var fds = Assert.IsType<FileDescriptors>(Assert.Single(message.Ancillary!).Data);
            int number = Io.Fd(fds[0]);
            Assert.Equal(baseline + 1, DescriptorCount());

            using var taken = message.TakeSocket(0);
            Assert.NotNull(taken);
            Assert.Null(Error());
            Assert.Equal(number, taken.FileNo()); // the same descriptor, not a copy
            Assert.Equal(baseline + 1, DescriptorCount());
            Assert.True(fds[0].IsClosed);
            Assert.Empty(message.TakeFileDescriptors()); // the message owns nothing any more

            message.Dispose();
            fds.Dispose();
            CollectEverything();
            Assert.Equal(baseline + 1, DescriptorCount());
            AssertTalks(client, taken);
            Assert.Equal(SOCK_STREAM, taken.GetOpt(SOL_SOCKET, SO_TYPE));
            Assert.Equal(AF_INET, taken.SockName()!.Family);

            taken.Dispose();
            Assert.Equal(baseline, DescriptorCount());
            Assert.False(DescriptorAccounting.IsOpen(number));
            AssertPeerSeesEnd(client);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SocketHandle TakeAndDropTheMessage(SocketHandle from)
    {
        var message = from.RecvMsg(16, 64)!; // never disposed: left to the collector
        return message.TakeSocket(0)!;
    }

    [Fact]
    public void NoFinalizerClosesATakenSocket()
    {
        var (client, server) = Connected();
        var (a, b) = Pair()!;
        using (client)
        using (a)
        using (b)
        {
            SendDescriptors(a, server.SafeHandle);
            server.Dispose();
            int baseline = DescriptorCount();
            using var taken = TakeAndDropTheMessage(b);
            CollectEverything();
            Assert.Equal(baseline + 1, DescriptorCount());
            AssertTalks(client, taken);
            taken.Dispose();
            Assert.Equal(baseline, DescriptorCount());
            AssertPeerSeesEnd(client);
        }
    }

    [Fact]
    public void FromAControlBufferItStaysOpenAcrossReuseClearAndDispose()
    {
        var (client, server) = Connected();
        var (a, b) = Pair()!;
        var (read, write) = Io.Pipe();
        using (client)
        using (a)
        using (b)
        using (read)
        using (write)
        {
            SendDescriptors(a, server.SafeHandle);
            server.Dispose();
            int baseline = DescriptorCount();
            var control = new ControlBuffer(ControlBuffer.SpaceFor(4));
            var data = new byte[8];
            Assert.NotNull(b.RecvMsg(data, control));
            using var taken = control.TakeSocket(0);
            Assert.NotNull(taken);
            Assert.Equal(baseline + 1, DescriptorCount());
            Assert.Empty(control.TakeFileDescriptors());

            // The next receive into the buffer closes what it left untaken: the pipe it brings, never the socket.
            SendDescriptors(a, write);
            Assert.NotNull(b.RecvMsg(data, control));
            Assert.Equal(baseline + 2, DescriptorCount());
            control.Clear();
            Assert.Equal(baseline + 1, DescriptorCount());
            control.Dispose();
            CollectEverything();
            Assert.Equal(baseline + 1, DescriptorCount());
            AssertTalks(client, taken);

            taken.Dispose();
            Assert.Equal(baseline, DescriptorCount());
            AssertPeerSeesEnd(client);
        }
    }

    [Fact]
    public async Task AfterRecvMsgAsyncOneCallGivesTheSocket()
    {
        var (client, server) = Connected();
        var (a, b) = Pair(SOCK_SEQPACKET)!;
        using (client)
        using (a)
        using (b)
        {
            using var control = new ControlBuffer(ControlBuffer.SpaceFor(4));
            var receiving = b.RecvMsgAsync(new byte[8], control);
            SendDescriptors(a, server.SafeHandle);
            server.Dispose();
            Assert.Equal(1L, (await receiving.AsTask().WaitAsync(TimeSpan.FromSeconds(10))).Length);
            int baseline = DescriptorCount();
            using var taken = control.TakeSocket(0)!;
            Assert.NotNull(taken);
            var buffer = new byte[16];
            Assert.Equal(4L, client.Send("ping"));
            Assert.Equal(4, await taken.RecvAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(4, await taken.SendAsync("pong"u8.ToArray()));
            Assert.Equal("pong"u8.ToArray(), client.Recv(16));
            control.Dispose();
            Assert.Equal(baseline, DescriptorCount());

            taken.Dispose();
            Assert.Equal(baseline - 1, DescriptorCount());
            AssertPeerSeesEnd(client);
        }
    }

    [Fact]
    public void FromTheFileDescriptorsOfAControlMessage()
    {
        var (client, server) = Connected();
        var (a, b) = Pair()!;
        using (client)
        using (a)
        using (b)
        {
            SendDescriptors(a, server.SafeHandle);
            server.Dispose();
            using var control = new ControlBuffer(ControlBuffer.SpaceFor(4));
            Assert.NotNull(b.RecvMsg(new byte[8], control));
            Assert.True(control.TryGet(Cmsg.ScmRights, out var fds));
            int baseline = DescriptorCount();
            using var taken = fds!.TakeSocket(0);
            Assert.NotNull(taken);
            Assert.True(fds[0].IsClosed);
            Assert.Empty(control.TakeFileDescriptors());
            fds.Dispose();
            control.Clear();
            Assert.Equal(baseline, DescriptorCount());
            AssertTalks(client, taken);
        }
    }

    [Fact]
    public void FailuresChangeNothingAndNameTheProblem()
    {
        var (client, server) = Connected();
        var (a, b) = Pair()!;
        var (read, write) = Io.Pipe();
        using (client)
        using (a)
        using (b)
        using (write)
        {
            SendDescriptors(a, read, server.SafeHandle);
            read.Dispose();
            server.Dispose();
            var message = b.RecvMsg(16, 64)!;
            var fds = Assert.IsType<FileDescriptors>(Assert.Single(message.Ancillary!).Data);
            int receivedPipe = Io.Fd(fds[0]);
            int baseline = DescriptorCount();

            Assert.Null(message.TakeSocket(0));
            Assert.Equal(88, Error(true)); // ENOTSOCK
            Assert.Equal("getsockopt(): Socket operation on non-socket", Error());
            Assert.Null(message.TakeSocket(2));
            Assert.Equal(22, Error(true));
            Assert.Equal("Invalid index argument (2; 2 descriptors received): Invalid argument", Error());
            Assert.Null(message.TakeSocket(-1));
            Assert.Equal(22, Error(true));
            Assert.Null(fds.TakeSocket(7));
            Assert.Equal("Invalid index argument (7; 2 descriptors): Invalid argument", Error());
            Assert.Equal(baseline, DescriptorCount());
            Assert.False(fds[0].IsClosed);
            Assert.True(DescriptorAccounting.IsOpen(receivedPipe));

            using var taken = message.TakeSocket(1);
            Assert.NotNull(taken);
            Assert.Null(message.TakeSocket(1));
            Assert.Equal(9, Error(true)); // EBADF
            Assert.Equal("Descriptor 1 was taken or closed already: Bad file descriptor", Error());

            // The pipe is still the message's: its Dispose closes it, and the socket stays.
            message.Dispose();
            Assert.False(DescriptorAccounting.IsOpen(receivedPipe));
            Assert.Equal(baseline - 1, DescriptorCount());
            AssertTalks(client, taken);
        }
    }

    [Fact]
    public void DescriptorsGivenForSendingCannotBeTaken()
    {
        var (client, server) = Connected();
        using (client)
        using (server)
        {
            var outgoing = new FileDescriptors(server.SafeHandle);
            Assert.Null(outgoing.TakeSocket(0));
            Assert.Equal(22, Error(true));
            Assert.Equal("Descriptors given for sending belong to their caller and cannot be taken: Invalid argument", Error());

            // Decoded from bytes: numbers, never owners.
            Assert.True(Cmsg.ScmRights.TryDecode(BitConverter.GetBytes(server.FileNo()), out var decoded, out _));
            Assert.Null(decoded!.TakeSocket(0));
            Assert.Equal(22, Error(true));

            Assert.False(server.IsClosed);
            AssertTalks(client, server);
        }
    }

    [Fact]
    public async Task ConcurrentTakesOfOneDescriptorMakeOneHandle()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            int baseline = DescriptorCount();
            for (int round = 0; round < 200; round++)
            {
                var (x, y) = Pair()!;
                using (y)
                {
                    SendDescriptors(a, x.SafeHandle);
                    x.Dispose();
                    using var message = b.RecvMsg(16, 64)!;
                    var results = new SocketHandle?[2];
                    using var start = new Barrier(2);
                    var other = Task.Run(() =>
                    {
                        start.SignalAndWait();
                        results[1] = message.TakeSocket(0);
                    });
                    start.SignalAndWait();
                    results[0] = message.TakeSocket(0);
                    await other;
                    Assert.True(results[0] is null ^ results[1] is null, $"round {round}: exactly one take must succeed");
                    var winner = results[0] ?? results[1]!;
                    winner.Dispose();
                    // y's peer had one descriptor, now closed: y reads the end of the stream.
                    Assert.Equal(Array.Empty<byte>(), y.Recv(16));
                }
            }
            Assert.Equal(baseline, DescriptorCount());
        }
    }

    [Fact]
    public async Task AListenerMadeNonBlockingByAcceptAsyncArrivesNonBlocking()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        using var cts = new CancellationTokenSource();
        var pending = listener.AcceptAsync(cts.Token).AsTask(); // sets O_NONBLOCK on the shared file description
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            SendDescriptors(a, listener.SafeHandle);
            using var message = b.RecvMsg(16, 64)!;
            using var taken = message.TakeSocket(0)!;
            Assert.NotNull(taken);
            Assert.Null(taken.Accept());
            Assert.Equal(11, Error(true)); // EAGAIN: blocking calls do not wait on a non-blocking socket
            var accepting = taken.AcceptAsync().AsTask();
            using var client = Create(AF_INET, SOCK_STREAM)!;
            Assert.True(client.Connect(listener.SockName()!));
            using var accepted = await accepting.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(client.SockName()!.Port, accepted.PeerName()!.Port);
        }
    }
}
