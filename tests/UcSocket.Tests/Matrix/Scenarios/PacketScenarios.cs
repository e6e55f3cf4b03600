using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of SOL_PACKET control messages.</summary>
internal static class PacketScenarios
{
    /// <summary>
    /// A 50-byte payload sent as an Ethernet frame (EtherType ETH_P_LOOPBACK, which no other test uses) on lo from a
    /// SOCK_DGRAM packet socket, received by a SOCK_RAW packet socket bound to that EtherType on lo with
    /// PACKET_AUXDATA on: 64 bytes, the 14-byte Ethernet header first.
    /// </summary>
    [CmsgScenario("packet-auxdata")]
    public static ReceivedMessage AuxData()
    {
        Namespace.RequirePrivateNetworkNamespace();
        // 50 bytes, unique to this call: two of these scenarios may run at once, each receiving both frames.
        var payload = Enumerable.Range(0, 50).Select(i => (byte)('A' + i % 26)).ToArray();
        Guid.NewGuid().TryWriteBytes(payload);
        using var receiver = Create(AF_PACKET, SOCK_RAW, 0)!;
        Assert.True(receiver.SetOpt(SOL_PACKET, PACKET_AUXDATA, true), receiver.Error());
        Assert.True(receiver.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["sec"] = 5 }), receiver.Error());
        Assert.True(receiver.Bind(new SocketAddress(AF_PACKET) { Protocol = ETH_P_LOOPBACK, Interface = "lo" }), receiver.Error());

        using var sender = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        var to = new SocketAddress(AF_PACKET) { Protocol = ETH_P_LOOPBACK, Interface = "lo", Address = "00:00:00:00:00:00" };
        Assert.Equal(payload.Length, sender.Send(payload, 0, to));
        return ReceiveFrameEndingWith(receiver, payload);
    }

    /// <summary>Receives frames until one ends with <paramref name="payload"/>; fails on a timeout.</summary>
    public static ReceivedMessage ReceiveFrameEndingWith(SocketHandle receiver, byte[] payload)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var message = receiver.RecvMsg(2048, 1024);
            Assert.True(message is not null, "no frame arrived: " + receiver.Error());
            if (message!.Data is byte[] frame && frame.AsSpan().EndsWith(payload)) return message;
            message.Dispose();
        }
        throw new InvalidOperationException("the frame sent never arrived among 16 others");
    }
}
