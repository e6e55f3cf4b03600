using System;
using System.Collections.Generic;
using Tmds.Linux;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

public class AncillaryTests
{
    private static readonly int Pid = Environment.ProcessId;
    private static readonly uint Uid = LibC.getuid();
    private static readonly uint Gid = LibC.getgid();

    private static ControlMessage Find(ReceivedMessage msg, int level, int type)
    {
        Assert.NotNull(msg.Ancillary);
        return Assert.Single(msg.Ancillary!, c => c.Level == level && c.Type == type);
    }

    private static void AssertThisProcess(ControlMessage creds)
    {
        var d = Assert.IsType<Dictionary<string, object?>>(creds.Data);
        Assert.Equal(Pid, Convert.ToInt32(d["pid"]));
        Assert.Equal(Uid, Convert.ToUInt32(d["uid"]));
        Assert.Equal(Gid, Convert.ToUInt32(d["gid"]));
        Assert.True(creds.TryGetData(Cmsg.ScmCredentials, out var typed));
        Assert.Equal(new Ucred(Pid, Uid, Gid), typed);
        Assert.False(creds.TryGetData(Cmsg.IpTtl, out _));
    }

    [Fact]
    public void CredentialsArriveWithSoPasscred()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSCRED, true));

            // Sent implicitly by the kernel.
            Assert.Equal(1L, a.SendMsg("x"));
            using (var msg = b.RecvMsg(16, 64)!)
                AssertThisProcess(Find(msg, SOL_SOCKET, SCM_CREDENTIALS));

            // Sent explicitly, typed.
            Assert.Equal(1L, a.SendMsg("y", new[] { ControlMessage.Create(Cmsg.ScmCredentials, new Ucred(Pid, Uid, Gid)) }));
            using (var msg = b.RecvMsg(16, 64)!)
                AssertThisProcess(Find(msg, SOL_SOCKET, SCM_CREDENTIALS));

            // Sent explicitly, the ucode way.
            var ucode = new Dictionary<string, object?>
            {
                ["level"] = SOL_SOCKET,
                ["type"] = SCM_CREDENTIALS,
                ["data"] = new Dictionary<string, object?> { ["pid"] = Pid, ["uid"] = Uid, ["gid"] = Gid },
            };
            Assert.Equal(1L, a.SendMsg("z", new[] { ucode }));
            using (var msg = b.RecvMsg(16, 64)!)
            {
                var creds = Find(msg, SOL_SOCKET, SCM_CREDENTIALS);
                AssertThisProcess(creds);
                var dict = creds.ToDictionary();
                Assert.Equal(SOL_SOCKET, dict["level"]);
                Assert.Equal(SCM_CREDENTIALS, dict["type"]);
                Assert.Same(creds.Data, dict["data"]);
            }

            // Sent as a raw payload: struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
            var raw = new byte[12];
            BitConverter.GetBytes(Pid).CopyTo(raw, 0);
            BitConverter.GetBytes(Uid).CopyTo(raw, 4);
            BitConverter.GetBytes(Gid).CopyTo(raw, 8);
            Assert.Equal(1L, a.SendMsg("r", new[] { new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, raw) }));
            using (var msg = b.RecvMsg(16, 64)!)
                AssertThisProcess(Find(msg, SOL_SOCKET, SCM_CREDENTIALS));
        }
    }

    [Fact]
    public void CredentialsOfAnotherProcessAreRefusedByTheKernelUnlessPrivileged()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            // The kernel checks SCM_CREDENTIALS (cmsg_len must be exactly CMSG_LEN(sizeof(struct ucred))) and refuses
            // a pid that is not the sender's: ESRCH for a privileged sender (no process 0), EPERM otherwise.
            var result = a.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmCredentials, new Ucred(0, Uid, Gid)) });
            Assert.Null(result);
            Assert.Contains((int)a.Error(true)!, new[] { 1 /* EPERM */, 3 /* ESRCH */ });
            Assert.StartsWith("sendmsg(): ", a.Error());
        }
    }

    [Fact]
    public void IpTtlIsReportedWithIpRecvttl()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Native.Bind(receiver, "127.0.0.1:0");
        Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RECVTTL, true));
        Assert.Equal(true, receiver.GetOpt(IPPROTO_IP, IP_RECVTTL));
        Assert.True(sender.SetOpt(IPPROTO_IP, IP_TTL, 42));

        Assert.Equal(3L, sender.SendMsg("ttl", null, Native.SockName(receiver)));
        using var msg = receiver.RecvMsg(64, 64)!;
        var ttl = Find(msg, IPPROTO_IP, IP_TTL);
        Assert.Equal(42, ttl.Data);
        Assert.True(ttl.TryGetData(Cmsg.IpTtl, out int typed));
        Assert.Equal(42, typed);
        Assert.Same(Cmsg.IpTtl, ttl.Descriptor);
        Assert.Equal(Native.SockName(sender).Port, msg.Address!.Port);
    }

    [Fact]
    public void IpTtlCanBeSetPerDatagram()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Native.Bind(receiver, "127.0.0.1:0");
        Assert.True(receiver.SetOpt(SockOpt.IpRecvTtl, true));
        var to = Native.SockName(receiver);

        // IP_TTL as a control message on sendmsg overrides the socket's TTL for this datagram.
        Assert.Equal(1L, sender.SendMsg("a", new[] { new ControlMessage(IPPROTO_IP, IP_TTL, 7) }, to));
        Assert.Equal(1L, sender.SendMsg("b", new[] { new Dictionary<string, object?> { ["level"] = IPPROTO_IP, ["type"] = IP_TTL, ["data"] = 9 } }, to));
        using (var msg = receiver.RecvMsg(8, 64)!) Assert.Equal(7, Find(msg, IPPROTO_IP, IP_TTL).Data);
        using (var msg = receiver.RecvMsg(8, 64)!) Assert.Equal(9, Find(msg, IPPROTO_IP, IP_TTL).Data);
    }

    [Fact]
    public void SoTimestampGivesTheArrivalTime()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Native.Bind(receiver, "127.0.0.1:0");
        Assert.True(receiver.SetOpt(SOL_SOCKET, SO_TIMESTAMP, true));

        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(4L, sender.SendMsg("time", null, Native.SockName(receiver)));
        using var msg = receiver.RecvMsg(64, 64)!;
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var stamp = Find(msg, SOL_SOCKET, SO_TIMESTAMP);
        var d = Assert.IsType<Dictionary<string, object?>>(stamp.Data);
        long sec = Convert.ToInt64(d["sec"]), usec = Convert.ToInt64(d["usec"]);
        Assert.InRange(sec, before - 1, after + 1);
        Assert.InRange(usec, 0, 999_999);
        Assert.True(stamp.TryGetData(Cmsg.SoTimestamp, out var tv));
        Assert.Equal(new Timeval(sec, usec), tv);
    }

    [Fact]
    public void SeveralControlMessagesInOneBuffer()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Native.Bind(receiver, "127.0.0.1:0");
        Assert.True(receiver.SetOpt(SOL_SOCKET, SO_TIMESTAMP, true));
        Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RECVTTL, true));
        Assert.True(sender.SetOpt(IPPROTO_IP, IP_TTL, 33));

        Assert.Equal(3L, sender.SendMsg("two", null, Native.SockName(receiver)));
        using var msg = receiver.RecvMsg(64, 256)!;
        Assert.Equal(2, msg.Ancillary!.Count);
        Assert.Equal(33, Find(msg, IPPROTO_IP, IP_TTL).Data);
        Assert.IsType<Dictionary<string, object?>>(Find(msg, SOL_SOCKET, SO_TIMESTAMP).Data);
        Assert.Equal(0, msg.Flags & MSG_CTRUNC);

        // Room for the first message only (CMSG_SPACE(16) = 32): the rest is cut and flagged.
        Assert.Equal(3L, sender.SendMsg("cut", null, Native.SockName(receiver)));
        using var cut = receiver.RecvMsg(64, 32)!;
        Assert.NotEqual(0, cut.Flags & MSG_CTRUNC);
        Assert.Single(cut.Ancillary!, c => c.Level == SOL_SOCKET && c.Type == SO_TIMESTAMP && c.Data is Dictionary<string, object?>);
    }
}
