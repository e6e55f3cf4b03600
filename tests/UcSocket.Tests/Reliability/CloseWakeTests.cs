using System;
using System.Threading;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>
/// Close on one thread wakes every blocking call of the handle on another, whatever instant it lands (see
/// <see cref="CloseRace"/>): the call returns at once (within 2 s on a busy machine) with ECANCELED "&lt;call&gt;(): Operation canceled", or
/// EBADF "Invalid socket context" if it started after Close. Each test runs 400 rounds.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class CloseWakeTests
{
    [Fact]
    public void Accept()
    {
        CloseRace.Run("Accept", () =>
        {
            var listener = BlockingPeers.TcpListener();
            return new RaceTarget(listener, () => listener.Accept());
        }, CloseRace.FailsAs("accept4()"));
    }

    [Fact]
    public void ConnectToATcpListenerDroppingSyns()
    {
        using var listener = new SynDroppingListener();
        CloseRace.Run("Connect (TCP)", () =>
        {
            var s = Create(AF_INET, SOCK_STREAM)!;
            return new RaceTarget(s, () => s.Connect(listener.Address));
        }, CloseRace.FailsAs("connect()"));
    }

    [Fact]
    public void ConnectToAUnixListenerWithAFullBacklog()
    {
        using var listener = new FullUnixListener();
        CloseRace.Run("Connect (UNIX)", () =>
        {
            var s = Create(AF_UNIX, SOCK_STREAM)!;
            return new RaceTarget(s, () => s.Connect(listener.Address));
        }, CloseRace.FailsAs("connect()"));
    }

    public static TheoryData<string> SocketKinds() => new() { "tcp", "udp", "unix-stream", "unix-dgram" };

    [Theory]
    [MemberData(nameof(SocketKinds))]
    public void Recv(string kind)
    {
        using var listener = kind == "tcp" ? BlockingPeers.TcpListener() : null;
        CloseRace.Run($"Recv ({kind})", () =>
        {
            var (s, rest) = Idle(kind, listener);
            return new RaceTarget(s, () => s.Recv(64), rest);
        }, CloseRace.FailsAs("recv()"));
    }

    [Fact]
    public void RecvIntoASpan()
    {
        var buffer = new byte[64];
        CloseRace.Run("Recv(Span)", () =>
        {
            var (s, peer) = Pair(SOCK_STREAM)!;
            return new RaceTarget(s, () => s.Recv(buffer.AsSpan()), peer);
        }, CloseRace.FailsAs("recv()"));
    }

    [Fact]
    public void RecvMsg()
    {
        CloseRace.Run("RecvMsg", () =>
        {
            var (s, peer) = Pair(SOCK_DGRAM)!;
            return new RaceTarget(s, () => s.RecvMsg(64, 64), peer);
        }, CloseRace.FailsAs("recvmsg()"));
    }

    [Fact]
    public void RecvMsgIntoASpanAndAControlBuffer()
    {
        var buffer = new byte[64];
        using var control = new ControlBuffer(64);
        CloseRace.Run("RecvMsg(Span, ControlBuffer)", () =>
        {
            var (s, peer) = Pair(SOCK_DGRAM)!;
            return new RaceTarget(s, () => s.RecvMsg(buffer, control), peer);
        }, CloseRace.FailsAs("recvmsg()"));
    }

    [Fact]
    public void RecvMmsg()
    {
        var batch = new DatagramBatch(1, 64, 64);
        CloseRace.Run("RecvMmsg", () =>
        {
            var (s, peer) = Pair(SOCK_DGRAM)!;
            return new RaceTarget(s, () => s.RecvMmsg(batch), peer);
        }, CloseRace.FailsAs("recvmmsg()"));
    }

    private static readonly byte[] s_big = new byte[65536];

    [Fact]
    public void SendOnAFullBuffer()
    {
        CloseRace.Run("Send", () =>
        {
            var (s, peer) = BlockingPeers.FullSendBuffer();
            return new RaceTarget(s, () => s.Send(s_big), peer);
        }, CloseRace.FailsAs("send()"));
    }

    [Fact]
    public void SendASpanOnAFullBuffer()
    {
        CloseRace.Run("Send(ReadOnlySpan)", () =>
        {
            var (s, peer) = BlockingPeers.FullSendBuffer();
            return new RaceTarget(s, () => s.Send((ReadOnlySpan<byte>)s_big), peer);
        }, CloseRace.FailsAs("send()"));
    }

    [Fact]
    public void SendMsgOnAFullBuffer()
    {
        CloseRace.Run("SendMsg", () =>
        {
            var (s, peer) = BlockingPeers.FullSendBuffer();
            return new RaceTarget(s, () => s.SendMsg(s_big), peer);
        }, CloseRace.FailsAs("sendmsg()"));
    }

    [Fact]
    public void SendMsgFromASpanOnAFullBuffer()
    {
        CloseRace.Run("SendMsg(ReadOnlySpan, ControlBuffer)", () =>
        {
            var (s, peer) = BlockingPeers.FullSendBuffer();
            return new RaceTarget(s, () => s.SendMsg(s_big, (ControlBuffer?)null), peer);
        }, CloseRace.FailsAs("sendmsg()"));
    }

    [Fact]
    public void SendMmsgOnAFullBuffer()
    {
        var batch = new DatagramBatch(1, s_big.Length);
        batch.Set(0, s_big);
        CloseRace.Run("SendMmsg", () =>
        {
            var (s, peer) = BlockingPeers.FullSendBuffer();
            return new RaceTarget(s, () => s.SendMmsg(batch), peer);
        }, CloseRace.FailsAs("sendmmsg()"));
    }

    /// <summary>
    /// Sockets.Poll waiting on a handle that is closed returns, and reports that handle with POLLNVAL; a Poll that
    /// starts after the close reports it so too, or fails with EBADF.
    /// </summary>
    [Fact]
    public void Poll()
    {
        CloseRace.Run("Poll", () =>
        {
            var (s, peer) = Pair(SOCK_STREAM)!;
            return new RaceTarget(s, () => Sockets.Poll(-1, s), peer);
        }, (landing, outcome) =>
        {
            bool invalid = outcome.Value is System.Collections.Generic.IReadOnlyList<PollEvent> events
                && events.Count == 1 && events[0].Index == 0 && (events[0].Events & POLLNVAL) != 0;
            bool closed = outcome.Value is null && Equals(outcome.Code, Errno.EBADF);
            return landing switch
            {
                Landing.Blocked when invalid => null,
                Landing.BeforeCall or Landing.Entering when invalid || closed => null,
                Landing.Blocked => "expected the closed handle reported with POLLNVAL",
                _ => "expected the closed handle reported with POLLNVAL, or null with EBADF",
            };
        });
    }

    /// <summary>
    /// A handle closed while a call blocks on it never acts on the descriptor number afterwards, even when a new
    /// socket got that number: its calls fail with EBADF and the new socket is untouched.
    /// </summary>
    [Fact]
    public void AClosedHandleNeverActsOnAReusedDescriptorNumber()
    {
        for (int round = 0; round < 20; round++)
        {
            var (a, b) = Pair(SOCK_STREAM)!;
            int oldFd = a.FileNo();
            byte[]? result = null;
            object? code = null;
            using var entered = new ManualResetEventSlim();
            int tid = 0;
            var reader = new Thread(() =>
            {
                Volatile.Write(ref tid, ThreadProbe.CurrentThreadId());
                entered.Set();
                result = a.Recv(64);
                code = a.Error(true);
            }) { IsBackground = true };
            reader.Start();
            entered.Wait();
            Assert.True(ThreadProbe.WaitUntilBlocked(tid, () => !reader.IsAlive, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5)),
                "the Recv did not block");
            Assert.True(a.Close());
            Assert.True(reader.Join(CloseRace.Deadline), "the blocked Recv did not return after Close");
            Assert.True(result is null && Equals(code, Errno.ECANCELED),
                $"round {round}: the woken Recv returned {CallOutcome.Describe(result)}, error {code?.ToString() ?? "none"}; expected null with ECANCELED");

            // New sockets now likely reuse the number; the closed handle must not act on them.
            var (c, d) = Pair(SOCK_STREAM)!;
            using (b)
            using (c)
            using (d)
            {
                Assert.Equal(4L, d.Send("new!"));
                Assert.Null(a.Recv(64, MSG_DONTWAIT));
                Expect.Error(a, "Invalid socket context", Errno.EBADF);
                Assert.Null(a.Send("x"));
                Expect.Error(a, "Invalid socket context", Errno.EBADF);
                Assert.Null(a.Shutdown(SHUT_RDWR));
                Assert.Equal(-1, a.FileNo());
                Assert.Equal("new!"u8.ToArray(), c.Recv(64, MSG_DONTWAIT));
                if (c.FileNo() == oldFd || d.FileNo() == oldFd)
                {
                    Assert.Equal(2L, c.Send("ok"));
                    Assert.Equal("ok"u8.ToArray(), d.Recv(64));
                }
            }
            Assert.Null(a.Close());
            Expect.Error(a, "Invalid socket context", Errno.EBADF);
        }
    }

    /// <summary>A socket of <paramref name="kind"/> on which a receive blocks, and what else it needs kept open.</summary>
    private static (SocketHandle Socket, IDisposable Peer) Idle(string kind, SocketHandle? listener)
    {
        switch (kind)
        {
            case "tcp":
                var (client, server) = BlockingPeers.TcpPair(listener!);
                return (server, client);
            case "udp":
                var udp = Create(AF_INET, SOCK_DGRAM)!;
                Assert.True(udp.Bind("127.0.0.1:0"), udp.Error());
                return (udp, udp);
            case "unix-stream":
                var (a, b) = Pair(SOCK_STREAM)!;
                return (a, b);
            case "unix-dgram":
                var (c, d) = Pair(SOCK_DGRAM)!;
                return (c, d);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
