using System;
using System.Buffers.Binary;
using System.Linq;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of IPPROTO_IPV6 control messages.</summary>
internal static class Ipv6Scenarios
{
    private static readonly byte[] PadNHeader = { 17, 0, 1, 4, 0, 0, 0, 0 }; // next header UDP, one PadN option: 8 bytes

    [CmsgScenario("udp6-tclass")]
    public static ReceivedMessage TrafficClass() =>
        SocketScenarios.Udp6(r => Assert.True(r.SetOpt(IPPROTO_IPV6, IPV6_RECVTCLASS, true)), s => Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_TCLASS, 40)));

    /// <summary>Traffic class 40 and no flow label: the flow information is 40 &lt;&lt; 20.</summary>
    [CmsgScenario("udp6-flowinfo")]
    public static ReceivedMessage FlowInfo() =>
        SocketScenarios.Udp6(r => Assert.True(r.SetOpt(IPPROTO_IPV6, IPV6_FLOWINFO, true)), s =>
        {
            Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_AUTOFLOWLABEL, false));
            Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_TCLASS, 40));
        });

    [CmsgScenario("udp6-hoplimit")]
    public static ReceivedMessage HopLimit() =>
        SocketScenarios.Udp6(r => Assert.True(r.SetOpt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, true)), s => Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 42)));

    [CmsgScenario("udp6-2292hoplimit")]
    public static ReceivedMessage Rfc2292HopLimit() =>
        SocketScenarios.Udp6(r => Assert.True(r.SetOpt(IPPROTO_IPV6, IPV6_2292HOPLIMIT, true)), s => Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 42)));

    /// <summary>The sender names its source address and interface with an IPV6_PKTINFO control message.</summary>
    [CmsgScenario("udp6-pktinfo")]
    public static ReceivedMessage PacketInfo() => WithPacketInfo(IPV6_RECVPKTINFO);

    [CmsgScenario("udp6-2292pktinfo")]
    public static ReceivedMessage Rfc2292PacketInfo() => WithPacketInfo(IPV6_2292PKTINFO);

    private static ReceivedMessage WithPacketInfo(int option)
    {
        Assert.True(In6Addr.TryParse("::1", out var loopback));
        Assert.True(new InterfaceId("lo").TryResolve(out int lo));
        var info = new In6Pktinfo(Address: loopback, Interface: (uint)lo);
        return Send(option, ControlMessage.Create(Cmsg.Ipv6PktInfo, info));
    }

    /// <summary>The sender adds the header with a control message (the send direction of the type).</summary>
    [CmsgScenario("udp6-hopopts")]
    public static ReceivedMessage HopByHopOptions() => Send(IPV6_RECVHOPOPTS, new ControlMessage(IPPROTO_IPV6, IPV6_HOPOPTS, PadNHeader));

    [CmsgScenario("udp6-2292hopopts")]
    public static ReceivedMessage Rfc2292HopByHopOptions() => Send(IPV6_2292HOPOPTS, new ControlMessage(IPPROTO_IPV6, IPV6_HOPOPTS, PadNHeader));

    [CmsgScenario("udp6-dstopts")]
    public static ReceivedMessage DestinationOptions() => Send(IPV6_RECVDSTOPTS, new ControlMessage(IPPROTO_IPV6, IPV6_DSTOPTS, PadNHeader));

    [CmsgScenario("udp6-2292dstopts")]
    public static ReceivedMessage Rfc2292DestinationOptions() => Send(IPV6_2292DSTOPTS, new ControlMessage(IPPROTO_IPV6, IPV6_DSTOPTS, PadNHeader));

    [CmsgScenario("udp6-origdstaddr")]
    public static ReceivedMessage OriginalDestination() =>
        SocketScenarios.Udp6(r => Assert.True(r.SetOpt(IPPROTO_IPV6, IPV6_RECVORIGDSTADDR, true)));

    /// <summary>A datagram to a closed port of ::1: the ICMPv6 port unreachable lands in the error queue.</summary>
    [CmsgScenario("udp6-recverr")]
    public static ReceivedMessage Error() =>
        IpScenarios.ErrorQueue(AF_INET6, "::1", s => Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_RECVERR, true)));

    /// <summary>
    /// The largest UDP datagram (65527 bytes) does not fit lo's MTU of 65536 in one IPv6 packet: with IPV6_DONTFRAG
    /// the send fails with EMSGSIZE and the path MTU is queued for the next receive.
    /// </summary>
    [CmsgScenario("udp6-pathmtu")]
    public static ReceivedMessage PathMtu()
    {
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(s.Bind("[::1]:0"), s.Error());
        Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_RECVPATHMTU, true));
        Assert.True(s.SetOpt(IPPROTO_IPV6, IPV6_DONTFRAG, true));
        Assert.Null(s.Send(new byte[65527], 0, "[::1]:9"));
        Assert.Equal(90 /* EMSGSIZE */, s.Error(true));
        var message = s.RecvMsg(2048, 1024, MSG_DONTWAIT)!;
        Assert.True(message is not null, s.Error());
        return message;
    }

    /// <summary>
    /// The same datagram without IPV6_DONTFRAG is fragmented; the sender cuts its fragments at 1280 bytes
    /// (IPV6_MTU), and the receiver gets the reassembled datagram and the size of the largest fragment.
    /// </summary>
    [CmsgScenario("udp6-fragsize")]
    public static ReceivedMessage FragmentSize()
    {
        var data = Enumerable.Range(0, 65527).Select(i => (byte)i).ToArray();
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IPV6, IPV6_RECVFRAGSIZE, true));
        Assert.True(sender.SetOpt(IPPROTO_IPV6, IPV6_MTU, 1280));
        Assert.Equal(data.Length, sender.Send(data, 0, receiver.SockName()));
        var message = receiver.RecvMsg(65536, 1024)!;
        Assert.Equal(data, Assert.IsType<byte[]>(message.Data));
        return message;
    }

    /// <summary>
    /// Linux sends no routing header that a receiver on lo accepts (segment routing is off, type 2 needs Mobile
    /// IPv6), so a raw socket sends a UDP datagram to ::1 behind an 8-byte routing header of type 0 with no
    /// segments left, which the receiver must accept and report.
    /// </summary>
    [CmsgScenario("udp6-rthdr")]
    public static ReceivedMessage RoutingHeader() => WithRoutingHeader(IPV6_RECVRTHDR);

    [CmsgScenario("udp6-2292rthdr")]
    public static ReceivedMessage Rfc2292RoutingHeader() => WithRoutingHeader(IPV6_2292RTHDR);

    private static ReceivedMessage WithRoutingHeader(int option)
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var raw = Create(AF_INET6, SOCK_RAW, IPPROTO_RAW)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IPV6, option, true));
        int port = receiver.SockName()!.Port!.Value;

        var payload = "ping"u8.ToArray();
        var packet = new byte[40 + 8 + 8 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(packet.Length - 40));
        packet[6] = (byte)IPPROTO_ROUTING;
        packet[7] = 64;
        packet[23] = packet[39] = 1; // ::1 to ::1
        RoutingHeaderBytes.CopyTo(packet, 40);
        var udp = packet.AsSpan(48);
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)port);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        payload.CopyTo(udp[8..]);
        // The pseudo-header: source, destination, upper-layer length, next header (RFC 8200 8.1).
        uint sum = 1 + 1 + (uint)udp.Length + (uint)IPPROTO_UDP;
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], IpScenarios.Checksum(udp, sum));
        Assert.Equal(packet.Length, (long?)raw.Send(packet, 0, "[::1]:0"));

        var message = receiver.RecvMsg(2048, 1024)!;
        Assert.Equal(payload, Assert.IsType<byte[]>(message.Data));
        return message;
    }

    /// <summary>Next header UDP, length 0 (8 bytes), type 0, no segments left.</summary>
    internal static readonly byte[] RoutingHeaderBytes = { 17, 0, 0, 0, 0, 0, 0, 0 };

    /// <summary>A datagram over ::1 sent with one control message, to a receiver with <paramref name="option"/> on.</summary>
    private static ReceivedMessage Send(int option, ControlMessage cmsg)
    {
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IPV6, option, true));
        Assert.True(sender.SendMsg("ping", new[] { cmsg }, receiver.SockName()) == 4, sender.Error());
        return receiver.RecvMsg(2048, 1024)!;
    }
}
