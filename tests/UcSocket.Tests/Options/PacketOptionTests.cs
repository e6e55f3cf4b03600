using System.Collections.Generic;
using System.Linq;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Matrix.Scenarios;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// SOL_PACKET options whose effect shows in what the socket then receives or reports, beyond the option matrix's
/// set-and-read-back. Frames go on lo inside the test run's network namespace, with an EtherType of their own.
/// </summary>
public class PacketOptionTests
{
    private static SocketAddress Lo(int protocol) => new(AF_PACKET) { Protocol = protocol, Interface = "lo", Address = "00:00:00:00:00:00" };

    [Fact]
    public void StatisticsCountTheFramesReceivedAndReadingResetsThem()
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var rx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        Assert.True(rx.Bind(Lo(ETH_P_TSN)), rx.Error());
        using var tx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        var payload = Enumerable.Repeat((byte)0x5a, 40).ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(40L, tx.Send(payload, 0, Lo(ETH_P_TSN)));
        for (int i = 0; i < 3; i++) Assert.Equal(payload, rx.Recv(100));

        Assert.Equal(new TpacketStatsV3(Packets: 3, Drops: 0, FreezeQueueCount: 0), rx.GetOpt(SockOpt.PacketStatistics));
        var again = Assert.IsType<Dictionary<string, object?>>(rx.GetOpt(SOL_PACKET, PACKET_STATISTICS));
        Assert.Equal(0u, again["packets"]);
    }

    [Fact]
    public void AuxDataDescribesTheFrameTyped()
    {
        using var message = PacketScenarios.AuxData();
        var aux = Assert.Single(message.Ancillary!, c => c.Level == SOL_PACKET && c.Type == PACKET_AUXDATA);
        var data = Assert.IsType<Dictionary<string, object?>>(aux.Data);
        Assert.True(aux.TryGetData(Cmsg.PacketAuxData, out var typed));
        // 50 bytes of payload behind the Ethernet header; the network header starts right after it.
        Assert.Equal((uint)(ETH_HLEN + 50), typed.Length);
        Assert.Equal(typed.Length, typed.SnapLength);
        Assert.Equal(ETH_HLEN, typed.NetworkOffset);
        Assert.Equal((uint)TP_STATUS_USER, typed.Status & TP_STATUS_USER);
        Assert.Equal(typed.Length, data["len"]);
        Assert.Equal(((byte[])message.Data).Length, (int)typed.Length);
    }

    [Fact]
    public void FanoutReadsBackTheGroupJoined()
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var s = Create(AF_PACKET, SOCK_RAW, 0)!;
        // Bound to an EtherType nothing sends: the socket receives nothing, so it never rolls over.
        Assert.True(s.Bind(new SocketAddress(AF_PACKET) { Protocol = ETH_P_IEEEPUPAT, Interface = "lo" }), s.Error());
        Assert.Null(s.GetOpt(SockOpt.PacketRolloverStats));
        Assert.Equal(22, s.Error(true)); // EINVAL: no fanout group yet
        Assert.Equal(true, s.SetOpt(SockOpt.PacketFanout, new FanoutArgs(Id: 4245, TypeFlags: PACKET_FANOUT_CPU | PACKET_FANOUT_FLAG_ROLLOVER, MaxMembers: 8)));
        Assert.Equal(new FanoutArgs(Id: 4245, TypeFlags: PACKET_FANOUT_CPU | PACKET_FANOUT_FLAG_ROLLOVER), s.GetOpt(SockOpt.PacketFanout));
        Assert.Equal(new TpacketRolloverStats(), s.GetOpt(SockOpt.PacketRolloverStats));
    }

    [Fact]
    public void HeaderLengthIsThatOfTheFirstTPacketVersion()
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var s = Create(AF_PACKET, SOCK_RAW, 0)!;
        Assert.Equal(TpacketHdr.NativeSize, s.GetOpt(SockOpt.PacketHdrLen));
        Assert.Equal(true, s.SetOpt(SockOpt.PacketVersion, TPACKET_V3));
        // The answer depends on the version asked about (TPACKET_V1 in a zeroed buffer), not the socket's.
        Assert.Equal(TpacketHdr.NativeSize, s.GetOpt(SockOpt.PacketHdrLen));
    }
}
