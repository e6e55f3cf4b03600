using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>
/// Sockets.Connect to a UNIX listener whose backlog is full waits, like a TCP connect, until the timeout: the kernel
/// answers a non-blocking connect with EAGAIN then (unix(7)), which is no final failure.
/// </summary>
public class ConnectBacklogTests
{
    /// <summary>A listener with backlog 0 holds one pending connection (af_unix: full when the queue exceeds the backlog).</summary>
    private static (SocketHandle Listener, SocketHandle Queued) FullListener(string path)
    {
        var listener = Listen(path, null, null, backlog: 0)!;
        Assert.NotNull(listener);
        var queued = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(queued.Connect(path), queued.Error());
        // Proof that the backlog is full now: a non-blocking connect is refused with EAGAIN.
        using var probe = Create(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK)!;
        Assert.Null(probe.Connect(path));
        Assert.Equal(Errno.EAGAIN, probe.Error(true));
        return (listener, queued);
    }

    [Fact]
    public async Task AFullBacklogIsWaitedForUntilTheListenerAccepts()
    {
        using var dir = new TempDir();
        string path = dir.File("s");
        var (listener, queued) = FullListener(path);
        using (listener)
        using (queued)
        {
            var clock = Stopwatch.StartNew();
            var accepting = Task.Run(() =>
            {
                Thread.Sleep(300);
                return listener.Accept();
            });
            using var client = Connect(path, null, null, 10_000);
            Assert.True(client is not null, Error());
            Assert.InRange(clock.ElapsedMilliseconds, 250, 9_000);
            Assert.Null(Error());
            using var first = await accepting;
            Assert.NotNull(first);
            using var second = listener.Accept()!;
            // The connected socket has no leftover send timeout and is blocking.
            Assert.Equal(new Timeval(0, 0), client!.GetOpt(SockOpt.SoSndTimeo));
            Assert.Equal(3L, client.Send("abc"));
            Assert.Equal("abc"u8.ToArray(), second.Recv(16));
        }
    }

    [Fact]
    public void AFullBacklogThatStaysFullTimesOut()
    {
        using var dir = new TempDir();
        string path = dir.File("s");
        var (listener, queued) = FullListener(path);
        using (listener)
        using (queued)
        {
            var clock = Stopwatch.StartNew();
            Assert.Null(Connect(path, null, null, 300));
            Assert.InRange(clock.ElapsedMilliseconds, 250, 5_000);
            Assert.Equal("Connection timed out: Connection timed out", Error());
        }
    }
}
