using System;
using System.Collections.Generic;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

/// <summary>Every receive path behaves the same: packet sockets (which refuse MSG_CMSG_CLOEXEC) and cut control data.</summary>
public class ReceivePathTests
{
    // linux/if_ether.h: ETH_P_802_EX1, the local experimental EtherType.
    private const int ETH_P_802_EX1 = 0x88B5;

    private static (SocketHandle Rx, SocketHandle Tx, SocketAddress Destination) PacketPair()
    {
        Namespace.RequirePrivateNetworkNamespace();
        var rx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        Assert.True(rx.Bind(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["interface"] = "lo", ["protocol"] = ETH_P_802_EX1 }));
        var tx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        var destination = new SocketAddress(AF_PACKET) { Interface = "lo", Protocol = ETH_P_802_EX1, Address = "00:00:00:00:00:00" };
        return (rx, tx, destination);
    }

    [Fact]
    public void PacketSocketsReceiveOnTheAllocationFreeMessagePath()
    {
        var (rx, tx, to) = PacketPair();
        using (rx)
        using (tx)
        {
            Assert.Equal(5L, tx.Send("frame"u8, 0, to));
            var buffer = new byte[1500];
            using var control = new ControlBuffer(256);
            var from = new RawSocketAddress();
            var result = rx.RecvMsg(buffer, control, from);
            Assert.True(result.HasValue, rx.Error());
            Assert.Equal(5L, result!.Value.Length);
            Assert.Equal("frame"u8.ToArray(), buffer[..5]);
            Assert.Equal(AF_PACKET, from.Family);

            Assert.Equal(5L, tx.Send("again"u8, 0, to));
            Assert.NotNull(rx.RecvMsg(buffer, null));
            Assert.Equal("again"u8.ToArray(), buffer[..5]);
        }
    }

    [Fact]
    public void PacketSocketsReceiveBatches()
    {
        var (rx, tx, to) = PacketPair();
        using (rx)
        using (tx)
        {
            Assert.Equal(3L, tx.Send("one"u8, 0, to));
            Assert.Equal(3L, tx.Send("two"u8, 0, to));
            var batch = new DatagramBatch(4, 1500, ControlBuffer.SpaceFor(64));
            Assert.Equal(2, rx.RecvMmsg(batch, MSG_WAITFORONE));
            Assert.Equal("one"u8.ToArray(), batch.GetData(0).ToArray());
            Assert.Equal("two"u8.ToArray(), batch.GetData(1).ToArray());
        }
    }

    [Fact]
    public void AControlMessageTheKernelCutIsNeverAZeroPaddedValue()
    {
        using var rx = Create(AF_INET, SOCK_DGRAM)!;
        using var tx = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(rx.Bind("127.0.0.1:0"));
        Assert.True(rx.SetOpt(SockOpt.IpPktInfo, true));
        var to = rx.SockName()!;
        var buffer = new byte[64];

        // A header and 8 of struct in_pktinfo's 12 bytes fit: the kernel cuts the message and reports MSG_CTRUNC.
        using var small = new ControlBuffer(24);
        Assert.Equal(2L, tx.Send("hi"u8, 0, to));
        var cut = rx.RecvMsg(buffer, small)!.Value;
        Assert.True(cut.IsControlTruncated);
        Assert.True(small.IsTruncated);
        Assert.False(small.TryGet(Cmsg.IpPktInfo, out _));
        foreach (var m in small)
        {
            Assert.True(m.IsTruncated);
            Assert.Equal(8, m.Payload.Length);
            Assert.False(m.TryGet(Cmsg.IpPktInfo, out _));
        }

        // The allocating path gives the bytes that arrived instead of a value.
        Assert.Equal(2L, tx.Send("hi"u8, 0, to));
        using var msg = rx.RecvMsg(64, 24)!;
        Assert.True(msg.IsControlTruncated);
        var c = Assert.Single(msg.Ancillary!);
        Assert.Equal(8, Assert.IsType<byte[]>(c.Data).Length);

        // With room for it the same message decodes.
        using var roomy = new ControlBuffer(ControlBuffer.SpaceFor(12));
        Assert.Equal(2L, tx.Send("hi"u8, 0, to));
        Assert.False(rx.RecvMsg(buffer, roomy)!.Value.IsControlTruncated);
        Assert.False(roomy.IsTruncated);
        Assert.True(roomy.TryGet(Cmsg.IpPktInfo, out var info));
        Assert.Equal("127.0.0.1", info.Address.ToString());
    }

    [Fact]
    public void SpaceForRefusesPayloadsWhoseSpaceOverflows()
    {
        Assert.Equal(16 + 8, ControlBuffer.SpaceFor(5));
        Assert.Throws<ArgumentOutOfRangeException>("payloadLength", () => ControlBuffer.SpaceFor(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>("payloadLength", () => ControlBuffer.SpaceFor(int.MaxValue - 16));
        Assert.Throws<ArgumentOutOfRangeException>("payloadLength", () => ControlBuffer.SpaceFor(-1));
        Assert.True(ControlBuffer.SpaceFor(int.MaxValue - 23) > 0);
    }
}
