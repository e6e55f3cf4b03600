using System;
using System.Threading;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class CloseRaceTests
{
    [Theory]
    [InlineData(SOCK_STREAM)]
    [InlineData(SOCK_DGRAM)]
    public void CloseWakesABlockedRecvWhichNeverTouchesAReusedDescriptor(int type)
    {
        for (int round = 0; round < 10; round++)
        {
            var (a, b) = Pair(type)!;
            int oldFd = a.FileNo();
            byte[]? result = null;
            object? code = "unset";
            using var entered = new ManualResetEventSlim();
            var reader = new Thread(() =>
            {
                entered.Set();
                result = a.Recv(64);
                code = a.Error(true);
            });
            reader.IsBackground = true;
            reader.Start();
            entered.Wait();
            Thread.Sleep(30); // let it block in recvfrom

            Assert.True(a.Close());
            Assert.True(reader.Join(TimeSpan.FromSeconds(10)), "the blocked Recv did not return after Close");
            // Woken by the shutdown in Close: an empty result (end of stream) or an error, never data.
            Assert.True(result is { Length: 0 } || (result is null && code is int), $"unexpected result in round {round}");

            // New sockets now likely reuse the number; the closed handle must not act on them.
            var (c, d) = Pair(type)!;
            using (b)
            using (c)
            using (d)
            {
                Assert.Equal(4L, d.Send("new!"));
                Assert.Null(a.Recv(64, MSG_DONTWAIT));
                Expect.Error(a, "Invalid socket context", Errno.EBADF);
                Assert.Null(a.Send("x"));
                Assert.Equal(-1, a.FileNo());
                Assert.Equal("new!"u8.ToArray(), c.Recv(64, MSG_DONTWAIT));
                if (c.FileNo() == oldFd || d.FileNo() == oldFd)
                {
                    // The number was reused: the new socket is intact and unaffected by the old handle.
                    Assert.Equal(2L, c.Send("ok"));
                    Assert.Equal("ok"u8.ToArray(), d.Recv(64));
                }
            }
            Assert.Null(a.Close());
            Expect.Error(a, "Invalid socket context", Errno.EBADF);
        }
    }

    [Fact]
    public void CloseWakesABlockedAccept()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        SocketHandle? accepted = null;
        object? code = null;
        using var entered = new ManualResetEventSlim();
        var t = new Thread(() =>
        {
            entered.Set();
            accepted = listener.Accept();
            code = listener.Error(true);
        }) { IsBackground = true };
        t.Start();
        entered.Wait();
        Thread.Sleep(30);
        Assert.True(listener.Close());
        Assert.True(t.Join(TimeSpan.FromSeconds(10)), "the blocked Accept did not return after Close");
        Assert.Null(accepted);
        Assert.Equal(125, code); // ECANCELED: a call blocked in this handle when it is closed
    }
}
