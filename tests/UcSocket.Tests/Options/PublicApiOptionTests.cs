using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// The same options through SocketHandle.SetOpt/GetOpt, typed (<c>SockOpt.*</c>) and ucode style (level, option,
/// plain value or dictionary). What the API sets is checked with a raw getsockopt, and what is set raw is read
/// through the API, so neither side only agrees with itself.
/// </summary>
public class PublicApiOptionTests
{
    private static Dictionary<string, object?> Dict(params (string Key, object? Value)[] items)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in items) d[k] = v;
        return d;
    }

    private static Dictionary<string, object?> AsDict(object? value)
    {
        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        return dict;
    }

    // ---- SO_LINGER ----

    [Fact]
    public void Linger_Typed()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5)));
        Assert.Null(s.Error());
        Assert.Equal(new byte[] { 1, 0, 0, 0, 5, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
        Assert.Equal(new Linger(OnOff: 1, Seconds: 5), s.GetOpt(SockOpt.SoLinger));

        Assert.True(s.TryGetOpt(SockOpt.SoLinger, out Linger linger));
        Assert.Equal(5, linger.Seconds);
    }

    [Fact]
    public void Linger_UcodeStyle()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("onoff", 1), ("linger", 5))));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 5, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));

        // Set raw, read the ucode way.
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_LINGER, new byte[] { 1, 0, 0, 0, 9, 0, 0, 0 });
        var dict = AsDict(s.GetOpt(SOL_SOCKET, SO_LINGER));
        Assert.Equal(1, Convert.ToInt32(dict["onoff"]));
        Assert.Equal(9, Convert.ToInt32(dict["linger"]));

        // Missing fields are zero: {onoff: 0} turns lingering off. The kernel keeps the old linger time when
        // l_onoff is 0 (sk_setsockopt only stores it when lingering is switched on).
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("onoff", 0))));
        Assert.Equal(new Linger(OnOff: 0, Seconds: 9), s.GetOpt(SockOpt.SoLinger));
    }

    [Fact]
    public void Linger_UcodeStyleAcceptsTheTypedStructAndNumericStrings()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, new Linger(OnOff: 1, Seconds: 4)));
        Assert.Equal(new Linger(1, 4), s.GetOpt(SockOpt.SoLinger));
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_LINGER, Dict(("onoff", "1"), ("linger", 6L))));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 6, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8));
    }

    // ---- SO_RCVTIMEO ----

    [Fact]
    public void RcvTimeo_TypedAndUcode()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        // The kernel keeps timeouts in jiffies; half a second is whole for every HZ, so it reads back unchanged.
        Assert.Equal(true, s.SetOpt(SockOpt.SoRcvTimeo, new Timeval(Seconds: 3, Microseconds: 500000)));
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_RCVTIMEO, 16);
        Assert.Equal(3L, BinaryPrimitives.ReadInt64LittleEndian(raw));
        Assert.Equal(500000L, BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8)));

        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, Dict(("sec", 1), ("usec", 500000))));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0x20, 0xA1, 0x07, 0, 0, 0, 0, 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_RCVTIMEO, 16));
        Assert.Equal(new Timeval(1, 500000), s.GetOpt(SockOpt.SoRcvTimeo));
        var dict = AsDict(s.GetOpt(SOL_SOCKET, SO_RCVTIMEO));
        Assert.Equal(1L, Convert.ToInt64(dict["sec"]));
        Assert.Equal(500000L, Convert.ToInt64(dict["usec"]));
    }

    [Fact]
    public void RcvTimeo_KernelErrorIsReportedAsSetsockopt()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_RCVTIMEO, Dict(("sec", 0), ("usec", 1000000))));
        Assert.Equal(Errno.EDOM, s.Error(true));
        Assert.Equal("setsockopt(): Numerical argument out of domain", s.Error());
    }

    // ---- SO_REUSEADDR ----

    [Fact]
    public void ReuseAddr_IsABool()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(false, s.GetOpt(SOL_SOCKET, SO_REUSEADDR));
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_REUSEADDR, true));
        Assert.Equal(1, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_REUSEADDR));
        Assert.Equal(true, s.GetOpt(SOL_SOCKET, SO_REUSEADDR));
        Assert.Equal(true, s.GetOpt(SockOpt.SoReuseAddr));

        // Numbers are accepted as booleans, as in ucode.
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_REUSEADDR, 0));
        Assert.Equal(0, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_REUSEADDR));
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_REUSEADDR, 42));
        Assert.Equal(1, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_REUSEADDR));

        Assert.Equal(true, s.SetOpt(SockOpt.SoReuseAddr, false));
        Assert.Equal(false, s.GetOpt(SockOpt.SoReuseAddr));
    }

    // ---- SO_RCVBUF ----

    [Fact]
    public void RcvBuf_ReadsBackDoubled()
    {
        int max = int.Parse(Raw.ReadProc("/proc/sys/net/core/rmem_max"));
        int request = Math.Min(16384, max);
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_RCVBUF, request));
        Assert.Equal(request * 2, s.GetOpt(SOL_SOCKET, SO_RCVBUF));
        Assert.Equal(request * 2, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_RCVBUF));

        Assert.Equal(true, s.SetOpt(SockOpt.SoRcvBuf, request / 2));
        Assert.Equal(request, s.GetOpt(SockOpt.SoRcvBuf));
    }

    // ---- SO_TYPE ----

    [Fact]
    public void Type_TypedAndUcode()
    {
        using var tcp = Create(AF_INET, SOCK_STREAM)!;
        using var udp = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Equal(SOCK_STREAM, tcp.GetOpt(SockOpt.SoType));
        Assert.Equal(SOCK_DGRAM, udp.GetOpt(SockOpt.SoType));
        Assert.Equal(1, tcp.GetOpt(SOL_SOCKET, SO_TYPE));
        Assert.Equal(2, udp.GetOpt(SOL_SOCKET, SO_TYPE));
    }

    // ---- SO_BINDTODEVICE ----

    [Fact]
    public void BindToDevice_TypedAndUcode()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(SOL_SOCKET, SO_BINDTODEVICE, "lo"));
        Assert.Equal(new byte[] { (byte)'l', (byte)'o', 0 }, Raw.Get(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, 16));
        var value = Assert.IsType<string>(s.GetOpt(SOL_SOCKET, SO_BINDTODEVICE));
        Assert.Equal("lo", value);
        Assert.Equal("lo", s.GetOpt(SockOpt.SoBindToDevice));

        Assert.Equal(true, s.SetOpt(SockOpt.SoBindToDevice, ""));
        Assert.Empty(Raw.Get(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, 16));
        Assert.Equal("", s.GetOpt(SockOpt.SoBindToDevice));
    }

    [Fact]
    public void BindToDevice_UnknownDeviceIsEnodevFromTheKernel()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_BINDTODEVICE, "nosuchif0"));
        Assert.Equal(Errno.ENODEV, s.Error(true));
        Assert.Equal("setsockopt(): No such device", s.Error());
    }

    // ---- IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP ----

    [Fact]
    public void Membership_UcodeStyle()
    {
        const string group = "239.7.2.1";
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var join = Dict(("multiaddr", group), ("ifindex", "lo"));
        Assert.Equal(true, s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, join));
        Assert.True(Raw.IgmpHasGroup("lo", group));

        Assert.Null(s.SetOpt(IPPROTO_IP, IP_ADD_MEMBERSHIP, join));
        Assert.Equal(Errno.EADDRINUSE, s.Error(true));
        Assert.Equal("setsockopt(): Address already in use", s.Error());

        Assert.Equal(true, s.SetOpt(IPPROTO_IP, IP_DROP_MEMBERSHIP, join));
        Assert.False(Raw.IgmpHasGroup("lo", group));
        Assert.Null(s.Error());
    }

    [Fact]
    public void Membership_Typed()
    {
        const string group = "239.7.2.2";
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var mreq = new IpMreqn(Multiaddr: RawRoundTripTests.Parse4(group), Ifindex: Raw.LoopbackIndex);
        Assert.Equal(true, s.SetOpt(SockOpt.IpAddMembership, mreq));
        Assert.True(Raw.IgmpHasGroup("lo", group));
        Assert.Null(s.SetOpt(SockOpt.IpAddMembership, mreq));
        Assert.Equal(Errno.EADDRINUSE, s.Error(true));
        Assert.Equal(true, s.SetOpt(SockOpt.IpDropMembership, mreq));
        Assert.False(Raw.IgmpHasGroup("lo", group));
    }

    // ---- IP_MULTICAST_IF ----

    [Fact]
    public void MulticastIf_UcodeSetsADictionaryAndGetsAString()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(IPPROTO_IP, IP_MULTICAST_IF, Dict(("address", "127.0.0.1"), ("ifindex", "lo"))));
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, Raw.Get(s.FileNo(), IPPROTO_IP, IP_MULTICAST_IF, 4));
        Assert.Equal("127.0.0.1", s.GetOpt(IPPROTO_IP, IP_MULTICAST_IF));
    }

    [Fact]
    public void MulticastIf_Typed()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(SockOpt.IpMulticastIf, new IpMreqn(Address: RawRoundTripTests.Parse4("127.0.0.1"), Ifindex: Raw.LoopbackIndex)));
        Assert.Equal(InAddr.FromValue(0x7F000001), s.GetOpt(SockOpt.IpMulticastIf));
        // Back to "any": an all-zero request resets it (ip(7): INADDR_ANY selects the default interface).
        Assert.Equal(true, s.SetOpt(SockOpt.IpMulticastIf, new IpMreqn()));
        Assert.Equal(new byte[4], Raw.Get(s.FileNo(), IPPROTO_IP, IP_MULTICAST_IF, 4));
        Assert.Equal(InAddr.Any, s.GetOpt(SockOpt.IpMulticastIf));
    }

    // ---- IPV6_MULTICAST_IF ----

    [Fact]
    public void Ipv6MulticastIf_UcodeGivesTheName()
    {
        int lo = Raw.LoopbackIndex;
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF, "lo"));
        Assert.Equal(lo, Raw.GetInt(s.FileNo(), IPPROTO_IPV6, IPV6_MULTICAST_IF));
        Assert.Equal("lo", s.GetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF));

        // An index works as well, and unsetting (0) reads back as the number 0: there is no interface 0 to name.
        Assert.Equal(true, s.SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF, 0));
        Assert.Equal(0, Raw.GetInt(s.FileNo(), IPPROTO_IPV6, IPV6_MULTICAST_IF));
        Assert.Equal(0, s.GetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF));
        Assert.Equal(true, s.SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF, lo));
        Assert.Equal("lo", s.GetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF));
    }

    [Fact]
    public void Ipv6MulticastIf_Typed()
    {
        int lo = Raw.LoopbackIndex;
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Equal(true, s.SetOpt(SockOpt.Ipv6MulticastIf, new InterfaceId("lo")));
        var id = s.GetOpt(SockOpt.Ipv6MulticastIf);
        Assert.NotNull(id);
        Assert.Equal(lo, id.Value.Index);
        Assert.Equal("lo", id.Value.ToString());
    }

    [Fact]
    public void Ipv6MulticastIf_UnknownNameNamesIt()
    {
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(IPPROTO_IPV6, IPV6_MULTICAST_IF, "nosuchif0"));
        Assert.StartsWith("Unable to resolve interface nosuchif0: ", s.Error());
        Assert.Equal(0, Raw.GetInt(s.FileNo(), IPPROTO_IPV6, IPV6_MULTICAST_IF));
    }

    // ---- TCP_INFO ----

    [Fact]
    public void TcpInfo_Typed()
    {
        using var pair = TcpPair.Open();
        var info = pair.Server.GetOpt(SockOpt.TcpInfo);
        Assert.NotNull(info);
        Assert.Equal(1, info.Value.State); // TCP_ESTABLISHED
        Assert.Equal((uint)Raw.GetInt(pair.Server.FileNo(), IPPROTO_TCP, TCP_MAXSEG), info.Value.SndMss);
        Assert.InRange(info.Value.SndMss, 536u, 65496u);
        Assert.InRange(info.Value.RcvMss, 88u, 65496u);

        using var listener = TcpPair.Listening();
        Assert.Equal(10, listener.GetOpt(SockOpt.TcpInfo)!.Value.State); // TCP_LISTEN
    }

    [Fact]
    public void TcpInfo_UcodeIsADictionary()
    {
        using var pair = TcpPair.Open();
        var dict = AsDict(pair.Client.GetOpt(IPPROTO_TCP, TCP_INFO));
        Assert.Equal(1, Convert.ToInt32(dict["state"]));
        Assert.Equal((long)Raw.GetInt(pair.Client.FileNo(), IPPROTO_TCP, TCP_MAXSEG), Convert.ToInt64(dict["snd_mss"]));
        Assert.Contains("rcv_mss", dict.Keys);
        Assert.Contains("snd_wscale", dict.Keys);
        Assert.Contains("bytes_acked", dict.Keys);

        using var listener = TcpPair.Listening();
        Assert.Equal(10, Convert.ToInt32(AsDict(listener.GetOpt(IPPROTO_TCP, TCP_INFO))["state"]));
    }

    // ---- SO_PEERCRED ----

    [Fact]
    public void PeerCred_TypedAndUcode()
    {
        var pair = Pair()!;
        using var a = pair.First;
        using var b = pair.Second;
        var cred = b.GetOpt(SockOpt.SoPeerCred);
        Assert.NotNull(cred);
        Assert.Equal(Environment.ProcessId, cred.Value.Pid);
        Assert.Equal(RawRoundTripTests.Uid, cred.Value.Uid);
        Assert.Equal(RawRoundTripTests.Gid, cred.Value.Gid);

        var dict = AsDict(a.GetOpt(SOL_SOCKET, SO_PEERCRED));
        Assert.Equal((long)Environment.ProcessId, Convert.ToInt64(dict["pid"]));
        Assert.Equal((long)RawRoundTripTests.Uid, Convert.ToInt64(dict["uid"]));
        Assert.Equal((long)RawRoundTripTests.Gid, Convert.ToInt64(dict["gid"]));
    }

    // ---- TCP_CONGESTION: NUL-terminated string ----

    [Fact]
    public void Congestion_IsTheNamespaceDefaultWithoutTrailingNuls()
    {
        string expected = Raw.ReadProc("/proc/sys/net/ipv4/tcp_congestion_control");
        using var s = Create(AF_INET, SOCK_STREAM)!;

        // The kernel fills the whole TCP_CA_NAME_MAX (16) buffer: the name, then NULs.
        var raw = Raw.Get(s.FileNo(), IPPROTO_TCP, TCP_CONGESTION, 16);
        Assert.Equal(16, raw.Length);
        Assert.Equal(0, raw[^1]);

        var ucode = Assert.IsType<string>(s.GetOpt(IPPROTO_TCP, TCP_CONGESTION));
        Assert.Equal(expected, ucode);
        Assert.DoesNotContain('\0', ucode);
        Assert.Equal(expected, s.GetOpt(SockOpt.TcpCongestion));
    }

    [Fact]
    public void Congestion_SetRenoReadsBackReno()
    {
        // reno is built into every kernel (tcp_cong.c) and allowed to unprivileged users.
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, s.SetOpt(IPPROTO_TCP, TCP_CONGESTION, "reno"));
        Assert.Equal("reno", s.GetOpt(IPPROTO_TCP, TCP_CONGESTION));
        var raw = Raw.Get(s.FileNo(), IPPROTO_TCP, TCP_CONGESTION, 16);
        Assert.Equal("reno\0\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), raw);

        using var t = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(true, t.SetOpt(SockOpt.TcpCongestion, "reno"));
        Assert.Equal("reno", t.GetOpt(SockOpt.TcpCongestion));
    }
}
