using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Tmds.Linux;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// Each option encoded through the generated marshaller, handed to the kernel with a raw setsockopt, read back
/// with a raw getsockopt and decoded through the generated marshaller; the values expected are what the man
/// pages (socket(7), ip(7), ipv6(7), tcp(7)) say the kernel does, and the bytes are laid out by hand from the
/// C headers.
/// </summary>
public class RawRoundTripTests
{
    private static Dictionary<string, object?> Dict(params (string Key, object? Value)[] items)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in items) d[k] = v;
        return d;
    }

    // ---- SO_LINGER: struct linger { int l_onoff; int l_linger; } ----

    [Fact]
    public void Linger_EncodesAsTwoNativeInts()
    {
        Assert.Equal(new byte[] { 1, 0, 0, 0, 5, 0, 0, 0 }, Raw.Encode(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5)));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x2C, 0x01, 0, 0 }, Raw.Encode(SockOpt.SoLinger, new Linger(OnOff: 0, Seconds: 300)));

        Assert.True(SockOpt.SoLinger.TryEncodeUcode(Dict(("onoff", 1), ("linger", 5)), out var ucode, out var error), error.Context);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 5, 0, 0, 0 }, ucode);
    }

    [Fact]
    public void Linger_RoundTripsThroughTheKernel()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_LINGER, Raw.Encode(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5)));

        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8);
        Assert.Equal(new byte[] { 1, 0, 0, 0, 5, 0, 0, 0 }, raw);
        Assert.Equal(new Linger(OnOff: 1, Seconds: 5), Raw.Decode(SockOpt.SoLinger, raw));

        Assert.True(SockOpt.SoLinger.TryDecodeUcode(raw, out var value, out var error), error.Context);
        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(1, Convert.ToInt32(dict["onoff"]));
        Assert.Equal(5, Convert.ToInt32(dict["linger"]));
        Assert.Equal(2, dict.Count);
    }

    [Fact]
    public void Linger_KernelReportsOnOffAsZeroOrOne()
    {
        // socket(7): l_onoff is a flag; the kernel keeps SOCK_LINGER and reports it back as 1.
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_LINGER, Raw.Encode(SockOpt.SoLinger, new Linger(OnOff: 7, Seconds: 3)));
        Assert.Equal(new Linger(OnOff: 1, Seconds: 3), Raw.Decode(SockOpt.SoLinger, Raw.Get(s.FileNo(), SOL_SOCKET, SO_LINGER, 8)));
    }

    // ---- SO_RCVTIMEO: struct timeval { time_t tv_sec; suseconds_t tv_usec; } (LP64: 8 + 8) ----

    [Fact]
    public void Timeval_EncodesAsTwoLongs()
    {
        var bytes = Raw.Encode(SockOpt.SoRcvTimeo, new Timeval(Seconds: 2, Microseconds: 500000));
        Assert.Equal(16, bytes.Length);
        // 500000 = 0x0007A120
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0x20, 0xA1, 0x07, 0, 0, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void RcvTimeo_RoundTripsThroughTheKernel()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        // Half a second is a whole number of jiffies for every HZ, so the kernel gives back exactly what was set.
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_RCVTIMEO, Raw.Encode(SockOpt.SoRcvTimeo, new Timeval(Seconds: 2, Microseconds: 500000)));
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_RCVTIMEO, 16);
        Assert.Equal(16, raw.Length);
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(raw));
        Assert.Equal(500000L, BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(8)));
        Assert.Equal(new Timeval(Seconds: 2, Microseconds: 500000), Raw.Decode(SockOpt.SoRcvTimeo, raw));

        Assert.True(SockOpt.SoRcvTimeo.TryDecodeUcode(raw, out var value, out var error), error.Context);
        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(2L, Convert.ToInt64(dict["sec"]));
        Assert.Equal(500000L, Convert.ToInt64(dict["usec"]));
    }

    [Fact]
    public void RcvTimeo_KernelRejectsMicrosecondsOfAWholeSecond()
    {
        // sock_set_timeout: tv_usec outside [0, 1000000) is EDOM.
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var bytes = Raw.Encode(SockOpt.SoRcvTimeo, new Timeval(Seconds: 0, Microseconds: 1000000));
        Assert.Equal(Errno.EDOM, Raw.SetSockOpt(s.FileNo(), SOL_SOCKET, SO_RCVTIMEO, bytes));
    }

    // ---- SO_REUSEADDR: int used as a boolean ----

    [Fact]
    public void ReuseAddr_RoundTripsThroughTheKernel()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, Raw.Encode(SockOpt.SoReuseAddr, true));
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, Raw.Encode(SockOpt.SoReuseAddr, false));

        Assert.Equal(0, Raw.GetInt(s.FileNo(), SOL_SOCKET, SO_REUSEADDR));
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_REUSEADDR, Raw.Encode(SockOpt.SoReuseAddr, true));
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_REUSEADDR, 4);
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, raw);
        Assert.True(Raw.Decode(SockOpt.SoReuseAddr, raw));
        Assert.True(SockOpt.SoReuseAddr.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal(true, value);

        Raw.Set(s.FileNo(), SOL_SOCKET, SO_REUSEADDR, Raw.Encode(SockOpt.SoReuseAddr, false));
        Assert.False(Raw.Decode(SockOpt.SoReuseAddr, Raw.Get(s.FileNo(), SOL_SOCKET, SO_REUSEADDR, 4)));
    }

    // ---- SO_RCVBUF: int, doubled by the kernel ----

    [Fact]
    public void RcvBuf_KernelDoublesTheValue()
    {
        // socket(7): "The kernel doubles this value (to allow space for bookkeeping overhead) when it is set
        // using setsockopt(2), and this doubled value is returned by getsockopt(2)." Capped by rmem_max.
        int max = int.Parse(Raw.ReadProc("/proc/sys/net/core/rmem_max"));
        int request = Math.Min(32768, max);
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var bytes = Raw.Encode(SockOpt.SoRcvBuf, request);
        Assert.Equal(BitConverter.GetBytes(request), bytes);
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_RCVBUF, bytes);
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_RCVBUF, 4);
        Assert.Equal(request * 2, Raw.Decode(SockOpt.SoRcvBuf, raw));
        Assert.True(SockOpt.SoRcvBuf.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal(request * 2, value);
    }

    // ---- SO_TYPE: read-only int ----

    [Theory]
    [InlineData(SOCK_STREAM)]
    [InlineData(SOCK_DGRAM)]
    public void Type_IsTheSocketType(int type)
    {
        using var s = Create(AF_INET, type)!;
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_TYPE, 4);
        Assert.Equal(type, Raw.Decode(SockOpt.SoType, raw));
        Assert.True(SockOpt.SoType.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal(type, value);
        // socket(7) lists SO_TYPE as get-only: the kernel has no setter for it.
        Assert.Equal(Errno.ENOPROTOOPT, Raw.SetSockOpt(s.FileNo(), SOL_SOCKET, SO_TYPE, BitConverter.GetBytes(type)));
        Assert.False(SockOpt.SoType.CanSet);
    }

    [Fact]
    public void Type_OfAUnixSocketPairIsWhatPairWasAskedFor()
    {
        var pair = Pair(SOCK_DGRAM)!;
        using var a = pair.First;
        using var b = pair.Second;
        Assert.Equal(SOCK_DGRAM, Raw.Decode(SockOpt.SoType, Raw.Get(a.FileNo(), SOL_SOCKET, SO_TYPE, 4)));
    }

    // ---- SO_BINDTODEVICE: NUL-terminated interface name ----

    [Fact]
    public void BindToDevice_EncodesTheNameWithItsNul()
    {
        Assert.Equal(new byte[] { (byte)'l', (byte)'o', 0 }, Raw.Encode(SockOpt.SoBindToDevice, "lo"));
        Assert.True(SockOpt.SoBindToDevice.TryEncodeUcode("lo", out var ucode, out _));
        Assert.Equal(new byte[] { (byte)'l', (byte)'o', 0 }, ucode);
    }

    [Fact]
    public void BindToDevice_RoundTripsThroughTheKernelWithoutTrailingNuls()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, Raw.Encode(SockOpt.SoBindToDevice, "lo"));

        // The kernel answers strlen(name) + 1 bytes: "lo\0".
        var raw = Raw.Get(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, 16 /* IFNAMSIZ */);
        Assert.Equal(new byte[] { (byte)'l', (byte)'o', 0 }, raw);
        Assert.Equal("lo", Raw.Decode(SockOpt.SoBindToDevice, raw));
        Assert.True(SockOpt.SoBindToDevice.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal("lo", value);

        // A buffer padded with NULs (as a fixed char[IFNAMSIZ] would be) decodes the same.
        var padded = new byte[16];
        raw.CopyTo(padded, 0);
        Assert.Equal("lo", Raw.Decode(SockOpt.SoBindToDevice, padded));

        // An empty name unbinds (socket(7)); the kernel then reports zero bytes.
        Raw.Set(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, Raw.Encode(SockOpt.SoBindToDevice, ""));
        var unbound = Raw.Get(s.FileNo(), SOL_SOCKET, SO_BINDTODEVICE, 16);
        Assert.Empty(unbound);
        Assert.Equal("", Raw.Decode(SockOpt.SoBindToDevice, unbound));
    }

    // ---- IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP: struct ip_mreqn (in_addr, in_addr, int) ----

    [Fact]
    public void IpMreqn_IsTwelveBytesInHeaderOrder()
    {
        int lo = Raw.LoopbackIndex;
        var mreq = new IpMreqn(Multiaddr: Parse4("239.1.2.3"), Address: Parse4("127.0.0.1"), Ifindex: lo);
        var bytes = Raw.Encode(SockOpt.IpAddMembership, mreq);
        var expected = new byte[12];
        new byte[] { 239, 1, 2, 3, 127, 0, 0, 1 }.CopyTo(expected, 0);
        BinaryPrimitives.WriteInt32LittleEndian(expected.AsSpan(8), lo);
        Assert.Equal(expected, bytes);

        // ucode style: the interface may be named.
        Assert.True(SockOpt.IpAddMembership.TryEncodeUcode(
            Dict(("multiaddr", "239.1.2.3"), ("address", "127.0.0.1"), ("ifindex", "lo")), out var ucode, out var error), error.Context);
        Assert.Equal(expected, ucode);
    }

    [Fact]
    public void AddMembership_JoinsOnLoopback_ASecondJoinIsEaddrinuse_DropLeaves()
    {
        const string group = "239.7.1.1";
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var join = Raw.Encode(SockOpt.IpAddMembership, new IpMreqn(Multiaddr: Parse4(group), Ifindex: Raw.LoopbackIndex));
        Assert.False(Raw.IgmpHasGroup("lo", group));

        Assert.Equal(0, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_ADD_MEMBERSHIP, join));
        Assert.True(Raw.IgmpHasGroup("lo", group));
        // ip(7): joining a group the socket is already a member of fails with EADDRINUSE.
        Assert.Equal(Errno.EADDRINUSE, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_ADD_MEMBERSHIP, join));

        var drop = Raw.Encode(SockOpt.IpDropMembership, new IpMreqn(Multiaddr: Parse4(group), Ifindex: Raw.LoopbackIndex));
        Assert.Equal(join, drop);
        Assert.Equal(0, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_DROP_MEMBERSHIP, drop));
        Assert.False(Raw.IgmpHasGroup("lo", group));
        // Not a member any more: the kernel says EADDRNOTAVAIL.
        Assert.Equal(Errno.EADDRNOTAVAIL, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_DROP_MEMBERSHIP, drop));
    }

    [Fact]
    public void AddMembership_UcodeDictionaryJoinsToo()
    {
        const string group = "239.7.1.2";
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(SockOpt.IpAddMembership.TryEncodeUcode(Dict(("multiaddr", group), ("ifindex", "lo")), out var join, out var error), error.Context);
        Assert.Equal(12, join.Length);
        Assert.Equal(0, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_ADD_MEMBERSHIP, join));
        Assert.True(Raw.IgmpHasGroup("lo", group));
        Assert.Equal(Errno.EADDRINUSE, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_ADD_MEMBERSHIP, join));
        Assert.Equal(0, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_DROP_MEMBERSHIP, join));
    }

    [Fact]
    public void AddMembership_IsWriteOnly()
    {
        Assert.False(SockOpt.IpAddMembership.CanGet);
        Assert.False(SockOpt.IpAddMembership.TryDecodeUcode(new byte[12], out _, out var error));
        Assert.Equal(Errno.EOPNOTSUPP, error.Code);
        Assert.Equal("Socket option is write only", error.Context);
    }

    // ---- IP_MULTICAST_IF: set as ip_mreqn, read back as in_addr ----

    [Fact]
    public void MulticastIf_SetAsMreqn_ReadBackAsInAddr()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var set = Raw.Encode(SockOpt.IpMulticastIf, new IpMreqn(Address: Parse4("127.0.0.1"), Ifindex: Raw.LoopbackIndex));
        Assert.Equal(12, set.Length);
        Raw.Set(s.FileNo(), IPPROTO_IP, IP_MULTICAST_IF, set);

        // ip(7): getsockopt returns the in_addr of the interface address that was set.
        var raw = Raw.Get(s.FileNo(), IPPROTO_IP, IP_MULTICAST_IF, 4);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, raw);
        var addr = Raw.Decode(SockOpt.IpMulticastIf, raw);
        Assert.Equal(0x7F000001u, addr.Value);
        Assert.Equal("127.0.0.1", addr.ToString());
        Assert.True(SockOpt.IpMulticastIf.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal("127.0.0.1", value);
    }

    [Fact]
    public void MulticastIf_UnknownInterfaceIndexIsRejectedByTheKernel()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        var set = Raw.Encode(SockOpt.IpMulticastIf, new IpMreqn(Ifindex: 0x7FFF0000));
        Assert.Equal(Errno.EADDRNOTAVAIL, Raw.SetSockOpt(s.FileNo(), IPPROTO_IP, IP_MULTICAST_IF, set));
    }

    // ---- IPV6_MULTICAST_IF: interface index ----

    [Fact]
    public void Ipv6MulticastIf_RoundTripsTheLoopbackIndex()
    {
        int lo = Raw.LoopbackIndex;
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        var byName = Raw.Encode(SockOpt.Ipv6MulticastIf, new InterfaceId("lo"));
        Assert.Equal(BitConverter.GetBytes(lo), byName);
        Assert.Equal(byName, Raw.Encode(SockOpt.Ipv6MulticastIf, new InterfaceId(lo)));
        Assert.True(SockOpt.Ipv6MulticastIf.TryEncodeUcode("lo", out var ucode, out _));
        Assert.Equal(byName, ucode);

        Raw.Set(s.FileNo(), IPPROTO_IPV6, IPV6_MULTICAST_IF, byName);
        var raw = Raw.Get(s.FileNo(), IPPROTO_IPV6, IPV6_MULTICAST_IF, 4);
        Assert.Equal(lo, BinaryPrimitives.ReadInt32LittleEndian(raw));
        Assert.Equal(lo, Raw.Decode(SockOpt.Ipv6MulticastIf, raw).Index);
        Assert.True(SockOpt.Ipv6MulticastIf.TryDecodeUcode(raw, out var value, out _));
        Assert.Equal("lo", value);
    }

    [Fact]
    public void Ipv6MulticastIf_UnknownNameDoesNotEncode()
    {
        Assert.False(SockOpt.Ipv6MulticastIf.SetCodec.TryWrite(new InterfaceId("nosuchif0"), new byte[4], out _, out var error));
        Assert.Contains("nosuchif0", error);
    }

    // ---- TCP_INFO: struct tcp_info (linux/tcp.h) ----

    [Fact]
    public void TcpInfo_OnAConnectedPairIsEstablished()
    {
        using var pair = TcpPair.Open();
        int fd = pair.Client.FileNo();
        var raw = Raw.Get(fd, IPPROTO_TCP, TCP_INFO, TcpInfo.NativeSize);
        Assert.Equal(TcpInfo.NativeSize, raw.Length); // the kernel's struct is at least as long as the spec's
        var info = Raw.Decode(SockOpt.TcpInfo, raw);

        Assert.Equal(1, info.State); // TCP_ESTABLISHED in linux/tcp.h (enum tcp_state)
        Assert.Equal(1, TCP_ESTABLISHED);

        // tcp(7): TCP_MAXSEG reads the current MSS, which is what tcp_info reports as snd_mss.
        int maxseg = Raw.GetInt(fd, IPPROTO_TCP, TCP_MAXSEG);
        Assert.Equal((uint)maxseg, info.SndMss);
        // Loopback's MTU is 65536: the MSS lies between the RFC 1122 minimum and MTU - 40.
        Assert.InRange(info.SndMss, 536u, 65496u);
        Assert.InRange(info.RcvMss, 88u /* TCP_MIN_MSS */, 65496u);

        // The layout from linux/tcp.h, worked out by hand: six __u8, the wscale byte (snd in the low nibble,
        // rcv in the high one), the flags byte, then __u32 rto, ato, snd_mss, rcv_mss.
        Assert.Equal(raw[0], info.State);
        Assert.Equal(raw[6] & 0xF, info.SndWscale);
        Assert.Equal(raw[6] >> 4, info.RcvWscale);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(8)), info.Rto);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(16)), info.SndMss);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(20)), info.RcvMss);
        // tcp(7): the initial retransmission timeout is at least 200 ms (TCP_RTO_MIN), in microseconds.
        Assert.True(info.Rto >= 200_000, $"rto {info.Rto}");

        Assert.True(SockOpt.TcpInfo.TryDecodeUcode(raw, out var value, out _));
        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal(1, Convert.ToInt32(dict["state"]));
        Assert.Equal((long)maxseg, Convert.ToInt64(dict["snd_mss"]));
    }

    [Fact]
    public void TcpInfo_OnAListeningSocketIsListen()
    {
        using var s = TcpPair.Listening();
        var info = Raw.Decode(SockOpt.TcpInfo, Raw.Get(s.FileNo(), IPPROTO_TCP, TCP_INFO, TcpInfo.NativeSize));
        Assert.Equal(10, info.State); // TCP_LISTEN in linux/tcp.h
        Assert.Equal(10, TCP_LISTEN);
    }

    [Fact]
    public void TcpInfo_ShortKernelAnswerReadsAsZeroPadded()
    {
        // An older kernel returns a shorter struct: fields past its end are zero, those before it intact.
        var raw = new byte[24];
        raw[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(16), 1460);
        var info = Raw.Decode(SockOpt.TcpInfo, raw);
        Assert.Equal(1, info.State);
        Assert.Equal(1460u, info.SndMss);
        Assert.Equal(0u, info.RcvMss);
    }

    // ---- SO_PEERCRED: struct ucred { pid_t pid; uid_t uid; gid_t gid; } ----

    [Fact]
    public void PeerCred_OnASocketPairIsThisProcess()
    {
        var pair = Pair()!;
        using var a = pair.First;
        using var b = pair.Second;
        var raw = Raw.Get(a.FileNo(), SOL_SOCKET, SO_PEERCRED, 12);
        Assert.Equal(12, raw.Length);
        // By hand: pid at 0, uid at 4, gid at 8.
        Assert.Equal(Environment.ProcessId, BinaryPrimitives.ReadInt32LittleEndian(raw));
        Assert.Equal(Uid, BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(4)));
        Assert.Equal(Gid, BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(8)));

        var cred = Raw.Decode(SockOpt.SoPeerCred, raw);
        Assert.Equal(Environment.ProcessId, cred.Pid);
        Assert.Equal(Uid, cred.Uid);
        Assert.Equal(Gid, cred.Gid);

        Assert.True(SockOpt.SoPeerCred.TryDecodeUcode(raw, out var value, out _));
        var dict = Assert.IsType<Dictionary<string, object?>>(value);
        Assert.Equal((long)Environment.ProcessId, Convert.ToInt64(dict["pid"]));
        Assert.Equal((long)Uid, Convert.ToInt64(dict["uid"]));
        Assert.Equal((long)Gid, Convert.ToInt64(dict["gid"]));
    }

    internal static uint Uid => LibC.getuid();

    internal static uint Gid => LibC.getgid();

    internal static InAddr Parse4(string text)
    {
        Assert.True(InAddr.TryParse(text, out var a), text);
        return a;
    }
}
