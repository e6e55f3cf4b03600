using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.SolSocket;

/// <summary>
/// SOL_SOCKET control messages in the sending direction (SO_MARK, SO_PRIORITY, SCM_TXTIME, SCM_TS_OPT_ID), which
/// the kernel takes on sendmsg, and typed receptions through the generated descriptors.
/// </summary>
public class SolSocketMessageTests
{
    private sealed class Udp : IDisposable
    {
        public readonly SocketHandle Receiver = Create(AF_INET, SOCK_DGRAM)!;
        public readonly SocketHandle Sender = Create(AF_INET, SOCK_DGRAM)!;

        public Udp()
        {
            Assert.True(Receiver.Bind("127.0.0.1:0"), Receiver.Error());
            Assert.True(Sender.Connect(Receiver.SockName()!), Sender.Error());
        }

        public void Dispose()
        {
            Receiver.Dispose();
            Sender.Dispose();
        }
    }

    [Fact]
    public void ASentMarkArrivesWithSoRcvmark()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SockOpt.SoRcvMark, true), u.Receiver.Error());
        Assert.Equal(1, u.Sender.SendMsg("x", new[] { ControlMessage.Create(Cmsg.SoMark, 99u) }));
        using var message = u.Receiver.RecvMsg(16, 64)!;
        Assert.True(message.Ancillary!.Single(c => c.Type == SO_MARK).TryGetData(Cmsg.SoMark, out uint mark));
        Assert.Equal(99u, mark);
    }

    [Fact]
    public void ASentPriorityArrivesWithSoRcvpriority()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SockOpt.SoRcvPriority, true), u.Receiver.Error());
        Assert.Equal(1, u.Sender.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SO_PRIORITY, 3) }));
        using var message = u.Receiver.RecvMsg(16, 64)!;
        Assert.Equal(3u, message.Ancillary!.Single(c => c.Level == SOL_SOCKET && c.Type == SO_PRIORITY).Data);
    }

    [Fact]
    public void ATransmitTimeNeedsSoTxtime()
    {
        using var u = new Udp();
        var at = new[] { ControlMessage.Create(Cmsg.ScmTxtime, (ulong)Environment.TickCount64 * 1_000_000UL) };
        Assert.Null(u.Sender.SendMsg("x", at));
        Assert.Equal(22 /* EINVAL */, u.Sender.Error(true));
        const int CLOCK_MONOTONIC = 1;
        Assert.True(u.Sender.SetOpt(SockOpt.SoTxTime, new SockTxtime(ClockId: CLOCK_MONOTONIC)), u.Sender.Error());
        Assert.Equal(1, u.Sender.SendMsg("x", at));
        Assert.Equal("x"u8.ToArray(), u.Receiver.Recv(16));
    }

    /// <summary>
    /// SCM_TS_OPT_ID sets the key of one send's transmit timestamp: the kernel refuses it unless the socket asks for
    /// SOF_TIMESTAMPING_OPT_ID, and reports it back in ee_data of the timestamp's sock_extended_err (IP_RECVERR).
    /// </summary>
    [Fact]
    public void ATimestampKeySentComesBackInTheErrorQueue()
    {
        using var u = new Udp();
        var key = new[] { ControlMessage.Create(Cmsg.ScmTsOptId, 1234u) };
        Assert.Null(u.Sender.SendMsg("x", key));
        Assert.Equal(22 /* EINVAL */, u.Sender.Error(true));

        int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
        Assert.True(u.Sender.SetOpt(SockOpt.SoTimestamping, new SoTimestamping(Flags: flags)), u.Sender.Error());
        Assert.Equal(1, u.Sender.SendMsg("x", key));
        ReceivedMessage? report = null;
        for (int i = 0; i < 100 && report is null; i++)
        {
            report = u.Sender.RecvMsg(16, 512, MSG_ERRQUEUE | MSG_DONTWAIT);
            if (report is null) Thread.Sleep(10);
        }
        Assert.NotNull(report);
        using (report)
        {
            Assert.Contains(report.Ancillary!, c => c.Level == SOL_SOCKET && c.Type == SO_TIMESTAMPING);
            var error = report.Ancillary!.Single(c => c.Level == IPPROTO_IP && c.Type == 11 /* IP_RECVERR */);
            // struct sock_extended_err (linux/errqueue.h): ee_errno, ee_origin, ee_type, ee_code, ee_pad, ee_info, ee_data.
            uint data = error.Data switch
            {
                byte[] raw => BitConverter.ToUInt32(raw, 12),
                IDictionary<string, object?> d => Convert.ToUInt32(d["data"], System.Globalization.CultureInfo.InvariantCulture),
                var other => throw new InvalidOperationException($"IP_RECVERR payload {other}"),
            };
            Assert.Equal(1234u, data);
        }
    }

    [Fact]
    public void SoftwareTimestampsReadTypedFromScmTimestamping()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SockOpt.SoTimestamping,
            new SoTimestamping(Flags: SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)), u.Receiver.Error());
        for (int attempt = 0; ; attempt++)
        {
            long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.Equal(1, u.Sender.Send("x"));
            using var message = u.Receiver.RecvMsg(16, 256)!;
            var stamp = message.Ancillary!.SingleOrDefault(c => c.Level == SOL_SOCKET && c.Type == SO_TIMESTAMPING);
            if (stamp is null)
            {
                // Software receive timestamps start once the kernel switched them on, asynchronously.
                Assert.True(attempt < 100, "no SCM_TIMESTAMPING arrived");
                Thread.Sleep(20);
                continue;
            }
            Assert.True(stamp.TryGetData(Cmsg.SoTimestamping, out ScmTimestamping ts));
            Assert.InRange(ts.Timestamps[0].Seconds, before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            Assert.InRange(ts.Timestamps[0].Nanoseconds, 0, 999_999_999);
            Assert.Equal(default, ts.Timestamps[2]);
            return;
        }
    }
}
