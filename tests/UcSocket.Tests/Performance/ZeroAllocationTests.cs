using System;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>
/// The typed paths allocate nothing: 10,000 calls of each, on real sockets, counted with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/>. Every call's result is checked too, so a path that
/// stopped working cannot pass by doing nothing.
/// </summary>
public class ZeroAllocationTests
{
    private const int Calls = 10_000;

    /// <summary>Runs <paramref name="call"/> a few times to warm up, then <see cref="Calls"/> times, and returns the bytes allocated meanwhile.</summary>
    private static long AllocatedBy(Action call)
    {
        for (int i = 0; i < 64; i++) call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++) call();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void SpanSendAndRecvOnASocketPair()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            byte[] ping = { 0x5a };
            byte[] buffer = new byte[16];
            long allocated = AllocatedBy(() =>
            {
                if (a.Send(ping.AsSpan()) != 1) Assert.Fail(a.Error());
                if (b.Recv(buffer.AsSpan()) != 1 || buffer[0] != 0x5a) Assert.Fail(b.Error() ?? "wrong byte");
                if (b.Send(ping.AsSpan(), MSG_DONTWAIT) != 1) Assert.Fail(b.Error());
                if (a.Recv(buffer.AsSpan(), 0) != 1) Assert.Fail(a.Error());
            });
            Assert.Equal(0L, allocated);
        }
    }

    [Fact]
    public void TypedIntOption()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        long allocated = AllocatedBy(() =>
        {
            if (s.SetOpt(SockOpt.SoRcvBuf, 4096) != true) Assert.Fail(s.Error());
            // socket(7): the kernel doubles the value it is given.
            if (s.GetOpt(SockOpt.SoRcvBuf) != 8192) Assert.Fail("SO_RCVBUF did not read back as 8192");
            if (!s.TryGetOpt(SockOpt.SoType, out int type) || type != SOCK_STREAM) Assert.Fail("SO_TYPE");
        });
        Assert.Equal(0L, allocated);
    }

    [Fact]
    public void TypedLingerOption()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        int seconds = 0;
        long allocated = AllocatedBy(() =>
        {
            seconds = seconds % 100 + 1;
            if (s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: seconds)) != true) Assert.Fail(s.Error());
            if (s.GetOpt(SockOpt.SoLinger) is not { OnOff: 1 } l || l.Seconds != seconds) Assert.Fail("SO_LINGER did not read back");
        });
        Assert.Equal(0L, allocated);
    }

    [Fact]
    public void TypedTcpInfoOption()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        using var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!));
        using var server = listener.Accept()!;
        long allocated = AllocatedBy(() =>
        {
            if (client.GetOpt(SockOpt.TcpInfo) is not { } info) { Assert.Fail(client.Error()); return; }
            if (info.State != TCP_ESTABLISHED || info.SndMss == 0) Assert.Fail($"tcp_info state {info.State}, snd_mss {info.SndMss}");
        });
        Assert.Equal(0L, allocated);
    }

    [Fact]
    public void RecvMsgIntoCallerBuffersAndControlWalk()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SockOpt.SoPassCred, true));
            var outgoing = new ControlBuffer(ControlBuffer.SpaceFor(12));
            Assert.True(outgoing.TryAdd(Cmsg.ScmCredentials, new Ucred(Environment.ProcessId, Tmds.Linux.LibC.getuid(), Tmds.Linux.LibC.getgid())));
            var incoming = new ControlBuffer(128);
            byte[] data = { 1, 2, 3 };
            byte[] buffer = new byte[64];
            int pid = Environment.ProcessId;
            long allocated = AllocatedBy(() =>
            {
                if (a.SendMsg(data, outgoing) != 3) Assert.Fail(a.Error());
                if (b.RecvMsg(buffer, incoming) is not { Length: 3, Flags: 0 }) Assert.Fail(b.Error() ?? "unexpected length or flags");
                int seen = 0;
                foreach (var m in incoming)
                {
                    if (m.TryGet(Cmsg.ScmCredentials, out Ucred cred) && cred.Pid == pid) seen++;
                }
                if (seen != 1) Assert.Fail("no SCM_CREDENTIALS with this pid");
            });
            Assert.Equal(0L, allocated);
        }
    }

    [Fact]
    public void SendMmsgAndRecvMmsg()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        var destination = RawSocketAddress.From(receiver.SockName())!;
        var senderName = Udp.KernelSockName(sender);
        var outgoing = new DatagramBatch(8, 64);
        var incoming = new DatagramBatch(8, 64);
        outgoing.SetAddressAll(destination);
        for (int i = 0; i < 8; i++) outgoing.Set(i, new byte[] { (byte)i, 0xEE });
        long allocated = AllocatedBy(() =>
        {
            if (sender.SendMmsg(outgoing) != 8) Assert.Fail(sender.Error());
            if (receiver.RecvMmsg(incoming, MSG_WAITFORONE) is not int n) { Assert.Fail(receiver.Error()); return; }
            int got = n;
            while (got < 8)
            {
                if (receiver.RecvMmsg(incoming, got, 8 - got, MSG_WAITFORONE) is not int more) { Assert.Fail(receiver.Error()); return; }
                got += more;
            }
            for (int i = 0; i < 8; i++)
            {
                if (incoming.GetLength(i) != 2 || incoming.GetData(i)[1] != 0xEE) Assert.Fail("wrong datagram");
                if (!incoming.GetAddressBytes(i).SequenceEqual(senderName)) Assert.Fail("wrong sender address");
            }
        });
        Assert.Equal(0L, allocated);
    }
}
