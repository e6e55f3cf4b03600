using System;
using System.Buffers.Binary;
using System.Linq;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of IPPROTO_IP control messages.</summary>
internal static class IpScenarios
{
    private static readonly byte[] NopOptions = { 1, 1, 1, 0 }; // three NOPs and an end-of-list: one 32-bit word

    [CmsgScenario("udp4-ttl")]
    public static ReceivedMessage Ttl() =>
        SocketScenarios.Udp4(r => Assert.True(r.SetOpt(IPPROTO_IP, IP_RECVTTL, true)), s => Assert.True(s.SetOpt(IPPROTO_IP, IP_TTL, 42)));

    [CmsgScenario("udp4-tos")]
    public static ReceivedMessage Tos() =>
        SocketScenarios.Udp4(r => Assert.True(r.SetOpt(IPPROTO_IP, IP_RECVTOS, true)), s => Assert.True(s.SetOpt(IPPROTO_IP, IP_TOS, 40)));

    [CmsgScenario("udp4-options")]
    public static ReceivedMessage Options() =>
        SocketScenarios.Udp4(r => Assert.True(r.SetOpt(IPPROTO_IP, IP_RECVOPTS, true)), s => Assert.True(s.SetOpt(IPPROTO_IP, IP_OPTIONS, NopOptions)));

    /// <summary>
    /// The sender adds a Record Route option with one free slot through an IP_RETOPTS control message (the send
    /// direction of the type); the kernel records 127.0.0.1 in it, and the receiver gets the option back.
    /// </summary>
    [CmsgScenario("udp4-retopts")]
    public static ReceivedMessage ReturnOptions()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RETOPTS, true));
        byte[] recordRoute = { 7, 7, 4, 0, 0, 0, 0, 0 }; // type 7, length 7, pointer at the free slot; one byte of padding
        Assert.True(sender.SendMsg("ping", new[] { new ControlMessage(IPPROTO_IP, IP_RETOPTS, recordRoute) }, receiver.SockName()) == 4, sender.Error());
        return receiver.RecvMsg(2048, 1024)!;
    }

    /// <summary>
    /// The sender picks its source address with an IP_PKTINFO control message (127.0.0.2, also on lo); the
    /// receiver sees that address and gets its own IP_PKTINFO.
    /// </summary>
    [CmsgScenario("udp4-pktinfo")]
    public static ReceivedMessage PacketInfo()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IP, IP_PKTINFO, true));
        Assert.True(InAddr.TryParse("127.0.0.2", out var local));
        var source = new InPktinfo(LocalAddress: local);
        Assert.True(sender.SendMsg("ping", new[] { ControlMessage.Create(Cmsg.IpPktInfo, source) }, receiver.SockName()) == 4, sender.Error());
        var message = receiver.RecvMsg(2048, 1024)!;
        Assert.Equal("127.0.0.2", message.Address?.Address);
        return message;
    }

    [CmsgScenario("udp4-origdstaddr")]
    public static ReceivedMessage OriginalDestination() =>
        SocketScenarios.Udp4(r => Assert.True(r.SetOpt(IPPROTO_IP, IP_RECVORIGDSTADDR, true)));

    /// <summary>A datagram to a closed port of 127.0.0.1: the ICMP port unreachable lands in the error queue.</summary>
    [CmsgScenario("udp4-recverr")]
    public static ReceivedMessage Error() =>
        ErrorQueue(AF_INET, "127.0.0.1", s => Assert.True(s.SetOpt(IPPROTO_IP, IP_RECVERR, true)));

    /// <summary>
    /// IPv4 never fragments on lo (its MTU is above the largest IPv4 packet), so a raw socket sends a UDP datagram
    /// to 127.0.0.1 in two hand-made fragments; the receiver gets the reassembled datagram and the size of the
    /// larger fragment (20-byte header and 1008 bytes of data).
    /// </summary>
    [CmsgScenario("udp4-fragsize")]
    public static ReceivedMessage FragmentSize()
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var raw = Create(AF_INET, SOCK_RAW, IPPROTO_RAW)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RECVFRAGSIZE, true));
        int port = receiver.SockName()!.Port!.Value;

        var payload = Enumerable.Range(0, 1200).Select(i => (byte)i).ToArray();
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(0), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), (ushort)port);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8); // checksum 0: none (RFC 768)
        const int firstData = 1008;
        Assert.Equal(20 + firstData, (long?)raw.Send(Ipv4Fragment(udp.AsSpan(0, firstData), 0, more: true), 0, "127.0.0.1"));
        Assert.Equal(20 + udp.Length - firstData, (long?)raw.Send(Ipv4Fragment(udp.AsSpan(firstData), firstData, more: false), 0, "127.0.0.1"));

        var message = receiver.RecvMsg(2048, 1024)!;
        Assert.Equal(payload, Assert.IsType<byte[]>(message.Data));
        return message;
    }

    /// <summary>An IPv4 header (protocol UDP, 127.0.0.1 to 127.0.0.1, id 0x5a5a) and one fragment of data.</summary>
    private static byte[] Ipv4Fragment(ReadOnlySpan<byte> data, int offset, bool more)
    {
        var packet = new byte[20 + data.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x5a5a);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((more ? 0x2000 : 0) | offset / 8));
        packet[8] = 64;
        packet[9] = (byte)IPPROTO_UDP;
        packet[12] = packet[16] = 127;
        packet[15] = packet[19] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20)));
        data.CopyTo(packet.AsSpan(20));
        return packet;
    }

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/> plus <paramref name="sum"/>.</summary>
    internal static ushort Checksum(ReadOnlySpan<byte> data, uint sum = 0)
    {
        for (int i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (data.Length % 2 == 1) sum += (uint)data[^1] << 8;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary>
    /// Sends a datagram to a port of <paramref name="host"/> that was just closed, waits for the error to be queued
    /// (POLLERR), and reads it with MSG_ERRQUEUE.
    /// </summary>
    internal static ReceivedMessage ErrorQueue(int family, string host, Action<SocketHandle> prepare)
    {
        string target;
        using (var closed = Create(family, SOCK_DGRAM)!)
        {
            Assert.True(closed.Bind(family == AF_INET6 ? $"[{host}]:0" : host + ":0"), closed.Error());
            target = closed.SockName()!.ToString();
        }
        using var s = Create(family, SOCK_DGRAM)!;
        prepare(s);
        Assert.Equal(4, s.Send("ping", 0, target));
        var events = Poll(5000, s);
        Assert.True(events is { Count: 1 } && (events[0].Events & POLLERR) != 0, "no error was queued: " + (Sockets.Error() ?? "timeout"));
        var message = s.RecvMsg(2048, 1024, MSG_ERRQUEUE)!;
        Assert.True(message is not null, s.Error());
        Assert.True((message.Flags & MSG_ERRQUEUE) != 0, "the message did not come from the error queue");
        return message;
    }
}
