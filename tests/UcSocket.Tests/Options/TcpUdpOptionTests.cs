using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Options;

/// <summary>
/// What the option matrix cannot show for the TCP and UDP levels: the kernel's own struct sizes and newer tcp_info
/// members, options whose effect is only visible on the wire or over time (MD5 signatures, saved SYNs, repair-mode
/// timestamps, GSO and GRO, UDP-Lite coverage), and bad input. Everything runs on loopback in the test run's network
/// namespace.
/// </summary>
public class TcpUdpOptionTests
{

    // ---- struct tcp_info: the running kernel's whole struct ----

    [Fact]
    public void TcpInfo_TheKernelReturnsExactlyTheSpecStruct()
    {
        using var pair = TcpPair.Open();
        // Offer more than any kernel's tcp_info: the kernel writes, and reports, the size of its own struct.
        var raw = Raw.Get(pair.Client.FileNo(), IPPROTO_TCP, TCP_INFO, 1024);
        Assert.Equal(280, raw.Length); // Linux 6.18: 232 bytes of the 6.1 headers, then 48 bytes of newer members
        Assert.Equal(raw.Length, TcpInfo.NativeSize);
        Assert.Equal(TcpInfo.NativeSize, SockOpt.TcpInfo.ReadBufferSize);
    }

    [Fact]
    public void TcpInfo_MembersNewerThanTheHeadersAreReal()
    {
        using var pair = TcpPair.Open();
        Assert.Equal(5, pair.Client.Send("hello"));
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(pair.Server.Recv(5, MSG_WAITALL)!));
        var raw = Raw.Get(pair.Server.FileNo(), IPPROTO_TCP, TCP_INFO, 1024);
        var info = pair.Server.GetOpt(SockOpt.TcpInfo)!.Value;

        // tcpi_rcv_wnd (Linux 6.2) follows tcpi_snd_wnd, the last member of the 6.1 headers at 228: the window this
        // side advertises, never zero on a connection that just received data into an empty queue.
        uint rcvWnd = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(232));
        Assert.True(rcvWnd > 0, "tcpi_rcv_wnd is zero");
        Assert.Equal(rcvWnd, info.RcvWnd);
        // The peer's view of the same window: what the client may send is what the server offers.
        var client = pair.Client.GetOpt(SockOpt.TcpInfo)!.Value;
        Assert.Equal(info.RcvWnd, client.SndWnd);

        // A loopback connection that never timed out: no RTO, no recovery, no rehash (Linux 6.2 and 6.7 members).
        Assert.Equal(0u, info.Rehash);
        Assert.Equal(0, info.TotalRto);
        Assert.Equal(0, info.TotalRtoRecoveries);
        Assert.Equal(0u, info.TotalRtoTime);
        // The last member (Linux 6.18) ends the struct: two bytes at 278.
        Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(278)), info.AccEcnOptionSeen);

        var dict = Assert.IsType<Dictionary<string, object?>>(pair.Server.GetOpt(IPPROTO_TCP, TCP_INFO));
        Assert.Equal((long)rcvWnd, Convert.ToInt64(dict["rcv_wnd"]));
        Assert.True(dict.ContainsKey("accecn_opt_seen"));
    }

    [Fact]
    public void TcpInfo_AShorterStructFromAnOlderKernelReadsAsZeroPadded()
    {
        using var pair = TcpPair.Open();
        var raw = Raw.Get(pair.Client.FileNo(), IPPROTO_TCP, TCP_INFO, 232); // what a 6.1 kernel returns
        Assert.Equal(232, raw.Length);
        var info = Raw.Decode(SockOpt.TcpInfo, raw);
        Assert.Equal(1, info.State);
        Assert.Equal(0u, info.RcvWnd);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(228)), info.SndWnd);
    }

    // ---- TCP_MD5SIG ----

    [Fact]
    public void TcpMd5Sig_EncodesTheLayoutOfLinuxTcpH()
    {
        Assert.True(SockOpt.TcpMd5Sig.TryEncodeUcode(new Dictionary<string, object?> { ["addr"] = "127.0.0.1", ["key"] = "secret" },
            out var raw, out var error), error.Message);
        // struct tcp_md5sig: a 128-byte __kernel_sockaddr_storage, flags, prefixlen, keylen (__u16), ifindex, key[80].
        Assert.Equal(216, raw.Length);
        Assert.Equal(AF_INET, BinaryPrimitives.ReadUInt16LittleEndian(raw));
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, raw[4..8]);
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(130))); // keylen, from the key
        Assert.Equal("secret"u8.ToArray(), raw[136..142]);
        Assert.All(raw[142..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void TcpMd5Sig_AKeyLongerThan80BytesIsAnErrorNamingTheField()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        var value = new Dictionary<string, object?> { ["addr"] = "127.0.0.1", ["key"] = new string('k', 81) };
        Assert.Null(s.SetOpt(IPPROTO_TCP, TCP_MD5SIG, value));
        Assert.Contains("key", s.Error(), StringComparison.Ordinal);
        Assert.Contains("80", s.Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void TcpMd5Sig_ALowercaseTypoIsAnErrorNamingTheField()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        #pragma warning disable UCS104 // the library must refuse it at run time
        Assert.Null(s.SetOpt(IPPROTO_TCP, TCP_MD5SIG, new Dictionary<string, object?> { ["adr"] = "127.0.0.1", ["key"] = "k" }));
        #pragma warning restore UCS104
        Assert.Contains("adr", s.Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void TcpMd5Sig_TheKeyIsInEffect()
    {
        // A listener that signs with a key for 127.0.0.1 drops SYNs without the signature (RFC 2385): a client
        // without the key stays in SYN_SENT; one with the same key connects.
        using var listener = TcpPair.Listening();
        var md5 = new Dictionary<string, object?> { ["addr"] = "127.0.0.1", ["key"] = "loopback-key" };
        Assert.True(listener.SetOpt(IPPROTO_TCP, TCP_MD5SIG, md5), listener.Error());
        var port = listener.SockName()!.Port!.Value;

        using var unsigned = Create(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)!;
        Assert.Null(unsigned.Connect("127.0.0.1", port)); // EINPROGRESS
        using var signed = Create(AF_INET, SOCK_STREAM | SOCK_NONBLOCK)!;
        Assert.True(signed.SetOpt(SockOpt.TcpMd5Sig, Md5(md5)), signed.Error());
        Assert.Null(signed.Connect("127.0.0.1", port));

        Assert.True(WaitForState(signed, TCP_ESTABLISHED), "the signed connect did not complete");
        Thread.Sleep(200); // well before the first SYN retransmission (1 s)
        Assert.Equal(TCP_SYN_SENT, (int)unsigned.GetOpt(SockOpt.TcpInfo)!.Value.State);
    }

    private static TcpMd5sig Md5(Dictionary<string, object?> value)
    {
        Assert.True(TcpMd5sig.TryFromDictionary(value, out var typed, out var error), error);
        return typed;
    }

    private static bool WaitForState(SocketHandle s, int state)
    {
        for (int i = 0; i < 200; i++)
        {
            if (s.GetOpt(SockOpt.TcpInfo)!.Value.State == state) return true;
            Thread.Sleep(5);
        }
        return false;
    }

    // ---- TCP_SAVE_SYN / TCP_SAVED_SYN ----

    [Fact]
    public void TcpSavedSyn_HoldsTheSynHeadersOnce()
    {
        using var listener = TcpPair.Listening();
        Assert.True(listener.SetOpt(SockOpt.TcpSaveSyn, 1), listener.Error());
        var port = listener.SockName()!.Port!.Value;
        using var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect("127.0.0.1", port), client.Error());
        using var server = listener.Accept()!;

        var syn = server.GetOpt(SockOpt.TcpSavedSyn)!;
        // An IPv4 header (version 4, IHL 5, protocol 6 = TCP) from 127.0.0.1, then the TCP header of a SYN to the port.
        Assert.True(syn.Length >= 40, $"{syn.Length} bytes");
        Assert.Equal(0x45, syn[0]);
        Assert.Equal(IPPROTO_TCP, syn[9]);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, syn[12..16]);
        Assert.Equal((int)client.SockName()!.Port!.Value, BinaryPrimitives.ReadUInt16BigEndian(syn.AsSpan(20)));
        Assert.Equal((int)port, BinaryPrimitives.ReadUInt16BigEndian(syn.AsSpan(22)));
        Assert.Equal(0x02, syn[20 + 13] & 0x12); // SYN set, ACK clear
        Assert.Equal((syn[20 + 12] >> 4) * 4, syn.Length - 20); // the data offset covers the rest: headers only

        Assert.Empty(server.GetOpt(SockOpt.TcpSavedSyn)!); // read once
    }

    // ---- TCP_TIMESTAMP in repair mode ----

    [Fact]
    public void TcpTimestamp_RepairModeSetsTheClock()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.SetOpt(SockOpt.TcpTimestamp, 1_000_000u));
        Assert.Equal(EPERM, s.Error(true));

        Assert.True(s.SetOpt(SockOpt.TcpRepair, TCP_REPAIR_ON), s.Error());
        Assert.True(s.SetOpt(SockOpt.TcpTimestamp, 1_000_000u), s.Error());
        // The clock runs on from the value set, in milliseconds (an even value keeps millisecond timestamps).
        Assert.InRange(s.GetOpt(SockOpt.TcpTimestamp)!.Value, 1_000_000u, 1_010_000u);
    }

    // ---- TCP_REPAIR_WINDOW, typed ----

    [Fact]
    public void TcpRepairWindow_TypedRoundTrip()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.GetOpt(SockOpt.TcpRepairWindow));
        Assert.Equal(EPERM, s.Error(true)); // outside repair mode
        Assert.True(s.SetOpt(SockOpt.TcpRepair, TCP_REPAIR_ON), s.Error());
        Assert.True(s.Bind("127.0.0.1:0"), s.Error());
        Assert.True(s.Connect("127.0.0.1:9"), s.Error()); // no handshake in repair mode
        Assert.Equal(TCP_ESTABLISHED, (int)s.GetOpt(SockOpt.TcpInfo)!.Value.State);

        var window = new TcpRepairWindow(SndWl1: 0, SndWnd: 4096, MaxWindow: 8192, RcvWnd: 16384, RcvWup: 0);
        Assert.True(s.SetOpt(SockOpt.TcpRepairWindow, window), s.Error());
        Assert.Equal(window, s.GetOpt(SockOpt.TcpRepairWindow));
        Assert.True(s.SetOpt(SockOpt.TcpRepairOptions, new TcpRepairOpt(Code: (uint)TCPOPT_WINDOW, Value: 7 | (7 << 16))), s.Error());
    }

    // ---- TCP_CC_INFO ----

    [Fact]
    public void TcpCcInfo_IsEmptyForAModuleWithoutInfo()
    {
        using var pair = TcpPair.Open();
        Assert.True(pair.Client.SetOpt(SockOpt.TcpCongestion, "cubic"), pair.Client.Error());
        Assert.Empty(pair.Client.GetOpt(SockOpt.TcpCcInfo)!); // cubic has no get_info
    }

    [CongestionControlFact("bbr")]
    public void TcpCcInfo_IsTheCongestionModulesOwnStruct()
    {
        using var listener = TcpPair.Listening();
        using var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.SetOpt(SockOpt.TcpCongestion, "bbr"), client.Error()); // before connecting: BBR starts with the connection
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        using var server = listener.Accept()!;
        var bbr = client.GetOpt(SockOpt.TcpCcInfo)!;
        // struct tcp_bbr_info (linux/inet_diag.h): bw_lo, bw_hi, min_rtt (us), pacing_gain, cwnd_gain (<< 8), five __u32.
        Assert.Equal(20, bbr.Length);
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(bbr.AsSpan(12)));
        Assert.NotEqual(0u, BinaryPrimitives.ReadUInt32LittleEndian(bbr.AsSpan(16)));
    }

    // ---- TCP_IS_MPTCP (Linux 6.10) ----

    [Fact]
    public void TcpIsMptcp_TrueOnAnMptcpConnectionFalseOnTcp()
    {
        const int IPPROTO_MPTCP = 262; // linux/in.h
        using var listener = Create(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)!;
        Assert.True(listener.Bind("127.0.0.1:0"), listener.Error());
        Assert.True(listener.Listen(), listener.Error());
        using var client = Create(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)!;
        Assert.True(client.Connect(listener.SockName()!), client.Error());
        using var server = listener.Accept()!;
        Assert.True(client.GetOpt(SockOpt.TcpIsMptcp));
        Assert.True(server.GetOpt(SockOpt.TcpIsMptcp));

        using var tcp = TcpPair.Open();
        Assert.False(tcp.Client.GetOpt(SockOpt.TcpIsMptcp));
    }

    // ---- UDP_SEGMENT (a __u16 control message) and UDP_GRO ----

    [Fact]
    public void UdpSegment_PayloadIsANativeU16()
    {
        Assert.True(Cmsg.UdpSegment.TryEncodeUcode(1400, out var payload, out var error), error.Message);
        Assert.Equal(new byte[] { 0x78, 0x05 }, payload);
        Assert.True(Cmsg.UdpSegment.TryDecodeUcode(payload, out var value, out error), error.Message);
        Assert.Equal((ushort)1400, Assert.IsType<ushort>(value));

        Assert.False(Cmsg.UdpSegment.TryEncodeUcode(65536, out _, out error));
        Assert.Contains("65535", error.Message, StringComparison.Ordinal);
        Assert.False(Cmsg.UdpSegment.TryEncodeUcode(-1, out _, out _));
        Assert.False(Cmsg.UdpSegment.TryEncodeUcode("many", out _, out _));
        Assert.False(Cmsg.UdpSegment.TryDecodeUcode(new byte[4], out _, out error)); // an int is not what the kernel sends
        Assert.Contains("4-byte", error.Message, StringComparison.Ordinal);
        Assert.Equal("__u16", Cmsg.UdpSegment.Description);
    }

    [Fact]
    public void UdpSegment_WithoutGroTheReceiverGetsTheSegments()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        var data = new byte[1200];
        Assert.Equal(1200, sender.SendMsg(data, new[] { new ControlMessage(IPPROTO_UDP, UDP_SEGMENT, 500) }, receiver.SockName()));
        var sizes = new List<int>();
        for (int i = 0; i < 3; i++) sizes.Add(receiver.Recv(65536, MSG_DONTWAIT)!.Length);
        Assert.Equal(new[] { 500, 500, 200 }, sizes);
        Assert.Null(receiver.Recv(65536, MSG_DONTWAIT)); // nothing more
    }

    [Fact]
    public void UdpSegment_AsAnOptionSegmentsEverySend()
    {
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        Assert.True(receiver.SetOpt(SockOpt.UdpGro, true), receiver.Error());
        Assert.True(sender.SetOpt(SockOpt.UdpSegment, 300), sender.Error());
        Assert.Equal(900, sender.Send(new byte[900], 0, receiver.SockName()));
        using var message = receiver.RecvMsg(65536, 256)!;
        Assert.Equal(900, ((byte[])message.Data).Length);
        var gro = Assert.Single(message.Ancillary!, c => c.Level == IPPROTO_UDP && c.Type == UDP_GRO);
        Assert.Equal(300, Assert.IsType<int>(gro.Data));
    }

    // ---- UDP-Lite checksum coverage ----

    [Fact]
    public void UdpLite_CoverageBelowWhatTheReceiverRequiresIsDropped()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)!;
        using var sender = Create(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        // Coverage counts from the start of the 8-byte header: 20 covers 12 bytes of data.
        Assert.True(sender.SetOpt(SockOpt.UdpliteSendCscov, 20), sender.Error());
        Assert.True(receiver.SetOpt(SockOpt.UdpliteRecvCscov, 40), receiver.Error());
        Assert.Equal(100, sender.Send(new byte[100], 0, receiver.SockName()));
        Assert.Empty(Poll(100, receiver)!); // dropped: coverage 20 is below the 40 required

        Assert.True(receiver.SetOpt(SockOpt.UdpliteRecvCscov, 20), receiver.Error());
        Assert.Equal(100, sender.Send(new byte[100], 0, receiver.SockName()));
        Assert.Equal(100, receiver.Recv(1000)!.Length);
    }

    [Fact]
    public void UdpLite_CoverageOnAPlainUdpSocketIsRefused()
    {
        using var udp = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(udp.SetOpt(SockOpt.UdpliteSendCscov, 20));
        Assert.Equal(Errno.ENOPROTOOPT, udp.Error(true));
    }

    // ---- TCP states and BPF's copy of them ----

    [Fact]
    public void TcpStates_MatchTheCopyInLinuxBpfH()
    {
        // The kernel keeps its TCP states internal; linux/bpf.h repeats them as BPF_TCP_* "to detect changes between
        // the TCP and BPF versions", in the same order, from BPF_TCP_ESTABLISHED = 1 to BPF_TCP_NEW_SYN_RECV.
        var text = File.ReadAllText("/usr/include/linux/bpf.h");
        int start = text.IndexOf("BPF_TCP_ESTABLISHED = 1", StringComparison.Ordinal);
        Assert.True(start > 0, "no BPF_TCP_ESTABLISHED in linux/bpf.h");
        var names = new List<string>();
        foreach (var line in text[start..].Split('\n'))
        {
            var name = line.Trim().Split(new[] { ' ', '\t', ',', '=' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (name is null || !name.StartsWith("BPF_TCP_", StringComparison.Ordinal)) continue;
            if (name == "BPF_TCP_MAX_STATES") break;
            names.Add(name["BPF_".Length..]);
        }
        Assert.Equal(12, names.Count);
        for (int i = 0; i < names.Count; i++)
            Assert.True(TestConstant(names[i]) == i + 1, $"{names[i]} is {TestConstant(names[i])}, linux/bpf.h says {i + 1}");
    }

    private static int TestConstant(string name) => Matrix.TestSocket.C(name);
}

/// <summary>A test that needs a TCP congestion-control module: skipped, saying why, when the kernel does not offer it.</summary>
internal sealed class CongestionControlFactAttribute : FactAttribute
{
    public CongestionControlFactAttribute(string module)
    {
        var available = System.IO.File.ReadAllText("/proc/sys/net/ipv4/tcp_available_congestion_control").Split(' ', '\n');
        if (Array.IndexOf(available, module) < 0)
            Skip = $"the kernel offers no '{module}' congestion control (/proc/sys/net/ipv4/tcp_available_congestion_control)";
    }
}
