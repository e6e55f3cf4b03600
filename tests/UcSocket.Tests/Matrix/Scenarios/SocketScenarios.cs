using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of SOL_SOCKET control messages.</summary>
internal static class SocketScenarios
{
    [CmsgScenario("rights")]
    public static ReceivedMessage Rights()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.Equal(1, a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { b.SafeHandle }) }));
            return b.RecvMsg(16, 64)!;
        }
    }

    [CmsgScenario("credentials")]
    public static ReceivedMessage Credentials()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSCRED, true));
            Assert.Equal(1, a.Send("x"));
            return b.RecvMsg(16, 64)!;
        }
    }

    [CmsgScenario("timestamp")]
    public static ReceivedMessage Timestamp() => Udp4(r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMP, true)));

    [CmsgScenario("timestampns")]
    public static ReceivedMessage TimestampNs() => Timed(SO_TIMESTAMPNS, r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMPNS, true), r.Error()), "nsec");

    [CmsgScenario("timestamp-new")]
    public static ReceivedMessage TimestampNew() => Timed(SO_TIMESTAMP_NEW, r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMP_NEW, true), r.Error()), "usec");

    [CmsgScenario("timestampns-new")]
    public static ReceivedMessage TimestampNsNew() => Timed(SO_TIMESTAMPNS_NEW, r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMPNS_NEW, true), r.Error()), "nsec");

    [CmsgScenario("timestamping")]
    public static ReceivedMessage Timestamping() => Timed(SO_TIMESTAMPING, r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMPING,
        new Dictionary<string, object?> { ["flags"] = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE }), r.Error()), "ts");

    [CmsgScenario("timestamping-new")]
    public static ReceivedMessage TimestampingNew() => Timed(SO_TIMESTAMPING_NEW, r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMPING_NEW,
        new Dictionary<string, object?> { ["flags"] = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE }), r.Error()), "ts");

    /// <summary>
    /// A receive buffer too small for 50 datagrams: the kernel drops most, and the next datagram queued after the
    /// drops carries their count, which must equal the datagrams sent but never read.
    /// </summary>
    [CmsgScenario("rxq-ovfl")]
    public static ReceivedMessage RxqOverflow()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        Assert.True(receiver.SetOpt(SOL_SOCKET, SO_RXQ_OVFL, true), receiver.Error());
        Assert.True(receiver.SetOpt(SOL_SOCKET, SO_RCVBUF, 1024), receiver.Error());
        var to = receiver.SockName();
        const int sent = 50;
        var payload = new byte[1000];
        for (int i = 0; i < sent; i++) Assert.NotNull(sender.Send(payload, 0, to));
        int read = 0;
        while (receiver.Recv(2048, MSG_DONTWAIT) is not null) read++;
        Assert.InRange(read, 1, sent - 1);
        Assert.NotNull(sender.Send("last", 0, to));
        var message = receiver.RecvMsg(2048, 1024)!;
        var drops = message.Ancillary!.Single(c => c.Level == SOL_SOCKET && c.Type == SO_RXQ_OVFL);
        Assert.Equal((uint)(sent - read), Assert.IsType<uint>(drops.Data));
        return message;
    }

    [CmsgScenario("mark")]
    public static ReceivedMessage Mark() =>
        Udp4(r => Assert.True(r.SetOpt(SOL_SOCKET, SO_RCVMARK, true), r.Error()), s => Assert.True(s.SetOpt(SOL_SOCKET, SO_MARK, 77), s.Error()));

    [CmsgScenario("priority")]
    public static ReceivedMessage Priority() =>
        Udp4(r => Assert.True(r.SetOpt(SOL_SOCKET, SO_RCVPRIORITY, true), r.Error()), s => Assert.True(s.SetOpt(SOL_SOCKET, SO_PRIORITY, 5), s.Error()));

    /// <summary>
    /// TCP statistics with a software transmit timestamp: a connected pair over 127.0.0.1, the client asks for
    /// SOF_TIMESTAMPING_OPT_STATS and reads its error queue after sending.
    /// </summary>
    [CmsgScenario("opt-stats")]
    public static ReceivedMessage OptStats()
    {
        var (listener, client, server) = SocketScenarios.TcpConnection4();
        using var _ = listener;
        using var __ = client;
        using var ___ = server;
        int flags = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
                    SOF_TIMESTAMPING_OPT_TSONLY | SOF_TIMESTAMPING_OPT_STATS;
        Assert.True(client.SetOpt(SOL_SOCKET, SO_TIMESTAMPING, new Dictionary<string, object?> { ["flags"] = flags }), client.Error());
        Assert.Equal(5, client.Send("hello"));
        for (int attempt = 0; attempt < 100; attempt++)
        {
            var message = client.RecvMsg(256, 1024, MSG_ERRQUEUE | MSG_DONTWAIT);
            if (message is not null) return message;
            Thread.Sleep(10);
        }
        throw new InvalidOperationException("no transmit timestamp arrived on the error queue: " + client.Error());
    }

    [CmsgScenario("inq")]
    public static ReceivedMessage Inq()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_INQ, true), b.Error());
            Assert.Equal(11, a.Send("hello world"));
            var message = b.RecvMsg(4, 64)!;
            Assert.Equal(4, message.Length);
            return message;
        }
    }

    /// <summary>A datagram between a UNIX socket pair with SO_PASSPIDFD: the pidfd received must name this process.</summary>
    [CmsgScenario("pidfd")]
    public static ReceivedMessage Pidfd()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSPIDFD, true), b.Error());
            Assert.Equal(1, a.Send("x"));
            var message = b.RecvMsg(16, 64)!;
            var pidfd = Assert.IsType<FileDescriptors>(message.Ancillary!.Single(c => c.Level == SOL_SOCKET && c.Type == SCM_PIDFD).Data);
            Assert.Equal(Environment.ProcessId, PidOf(pidfd[0]));
            return message;
        }
    }

    /// <summary>The process a pidfd refers to, from its /proc fdinfo ("Pid:" line).</summary>
    public static int PidOf(System.Runtime.InteropServices.SafeHandle pidfd)
    {
        var line = File.ReadAllLines($"/proc/self/fdinfo/{pidfd.DangerousGetHandle()}").Single(l => l.StartsWith("Pid:", StringComparison.Ordinal));
        return int.Parse(line["Pid:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A datagram over 127.0.0.1 to a receiver with a receive-timestamp option, resent until one carries the
    /// timestamp <paramref name="type"/>: software receive timestamps start only once the kernel switched its
    /// timestamping on, which it does asynchronously after a socket asks for it. The timestamp must be now.
    /// </summary>
    private static ReceivedMessage Timed(int type, Action<SocketHandle> prepare, string fraction)
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        prepare(receiver);
        var to = receiver.SockName();
        for (int attempt = 0; ; attempt++)
        {
            long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.NotNull(sender.Send("ping", 0, to));
            var message = receiver.RecvMsg(2048, 1024)!;
            var stamp = message.Ancillary!.FirstOrDefault(c => c.Level == SOL_SOCKET && c.Type == type);
            if (stamp is not null)
            {
                var time = Assert.IsAssignableFrom<IDictionary<string, object?>>(stamp.Data);
                if (fraction == "ts") time = Assert.IsAssignableFrom<IDictionary<string, object?>>(((System.Collections.IList)time["ts"]!)[0]);
                Assert.InRange(Convert.ToInt64(time["sec"], System.Globalization.CultureInfo.InvariantCulture), before - 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
                Assert.InRange(Convert.ToInt64(time[fraction == "ts" ? "nsec" : fraction], System.Globalization.CultureInfo.InvariantCulture), 0, fraction == "usec" ? 999_999 : 999_999_999);
                return message;
            }
            Assert.True(attempt < 100, $"no timestamp of type {type} after {attempt} datagrams");
            message.Dispose();
            Thread.Sleep(20);
        }
    }

    /// <summary>A connected TCP pair over 127.0.0.1 and its listener; the caller disposes all three.</summary>
    public static (SocketHandle Listener, SocketHandle Client, SocketHandle Server) TcpConnection4()
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"), listener.Error());
        Assert.True(listener.Listen(), listener.Error());
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        return (listener, client, listener.Accept()!);
    }

    /// <summary>A datagram over 127.0.0.1 to a receiver prepared by <paramref name="prepare"/>, received with room for control data.</summary>
    public static ReceivedMessage Udp4(Action<SocketHandle> prepare, Action<SocketHandle>? prepareSender = null, object? data = null)
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        prepare(receiver);
        prepareSender?.Invoke(sender);
        Assert.NotNull(sender.Send(data ?? "ping", 0, receiver.SockName()));
        return receiver.RecvMsg(2048, 1024)!;
    }

    /// <summary>The same over ::1.</summary>
    public static ReceivedMessage Udp6(Action<SocketHandle> prepare, Action<SocketHandle>? prepareSender = null, object? data = null)
    {
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        prepare(receiver);
        prepareSender?.Invoke(sender);
        Assert.NotNull(sender.Send(data ?? "ping", 0, receiver.SockName()));
        return receiver.RecvMsg(2048, 1024)!;
    }
}
