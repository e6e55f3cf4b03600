using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class PacketTests
{
    // linux/if_ether.h: ETH_P_802_EX1, the local experimental EtherType; linux/if_arp.h: ARPHRD_LOOPBACK.
    private const int ETH_P_802_EX1 = 0x88B5, ARPHRD_LOOPBACK = 772;

    // The loopback device is registered first in every network namespace: index 1 (LOOPBACK_IFINDEX, net_namespace.h).
    private const int LoopbackIndex = 1;

    [Theory]
    [InlineData("lo")]
    [InlineData(LoopbackIndex)]
    public void DatagramPacketSocketBoundToLoReceivesAFrameSentOnLo(object iface)
    {
        Namespace.RequirePrivateNetworkNamespace();

        using var rx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        Assert.NotNull(rx);
        Assert.True(rx.Bind(new Dictionary<string, object?>
        {
            ["family"] = AF_PACKET,
            ["interface"] = iface,
            ["protocol"] = ETH_P_802_EX1,
        }));
        Expect.NoError(rx);
        var bound = rx.SockName()!;
        Assert.Equal(AF_PACKET, bound.Family);
        Assert.Equal(LoopbackIndex, bound.Interface!.Value.Index);
        Assert.Equal(ETH_P_802_EX1, bound.Protocol);
        Assert.Equal(ARPHRD_LOOPBACK, bound.HardwareType);

        using var tx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        byte[] payload = System.Text.Encoding.ASCII.GetBytes("frame on lo via UcSocket");
        var destination = new SocketAddress(AF_PACKET)
        {
            Interface = "lo",
            Protocol = ETH_P_802_EX1,
            Address = "00:00:00:00:00:00",
        };
        Assert.Equal((long)payload.Length, tx.Send(payload, 0, destination));

        var from = new SocketAddress();
        var received = rx.Recv(1500, 0, from);
        Assert.Equal(payload, received);
        Assert.Equal(AF_PACKET, from.Family);
        Assert.Equal(LoopbackIndex, from.Interface!.Value.Index);
        Assert.Equal(ETH_P_802_EX1, from.Protocol);
        Assert.Equal(ARPHRD_LOOPBACK, from.HardwareType);
        Assert.Equal(PACKET_HOST, from.PacketType);
        Assert.Equal("00:00:00:00:00:00", from.Address); // lo's hardware address, the frame's source
    }

    [Fact]
    public void BadPacketAddressesAreRefused()
    {
        Namespace.RequirePrivateNetworkNamespace();
        using var s = Create(AF_PACKET, SOCK_DGRAM, 0)!;

        Assert.Null(s.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["interface"] = "lo", ["address"] = "zz:11" }));
        Expect.Error(s, "Invalid hardware address", Errno.EINVAL);
        Assert.Null(s.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["address"] = "00:11:22:33:44:55:66:77:88" }));
        Expect.Error(s, "Invalid hardware address", Errno.EINVAL);
        Assert.Null(s.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["address"] = 5 }));
        Expect.Error(s, "Invalid hardware address", Errno.EINVAL);
        Assert.Null(s.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["interface"] = "nosuchif0" }));
        Expect.Error(s, "Unable to resolve interface nosuchif0", Errno.ENODEV);
        Assert.Null(s.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["protocol"] = 65536 }));
        Expect.Error(s, "Invalid protocol number", Errno.EINVAL);
    }
}
