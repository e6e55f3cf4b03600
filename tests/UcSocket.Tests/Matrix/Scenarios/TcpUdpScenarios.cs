using System.Text;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of IPPROTO_TCP and IPPROTO_UDP control messages.</summary>
internal static class TcpUdpScenarios
{
    /// <summary>
    /// TCP_CM_INQ: ten bytes arrive on a connection whose receiver has TCP_INQ on; a four-byte read leaves six in
    /// the queue, which the control message reports.
    /// </summary>
    [CmsgScenario("tcp-inq")]
    public static ReceivedMessage Inq()
    {
        var (listener, client, server) = SocketScenarios.TcpConnection4();
        using var _ = listener;
        using var __ = client;
        using var ___ = server;
        Assert.True(server.SetOpt(IPPROTO_TCP, TCP_INQ, true), server.Error());
        Assert.Equal(10, client.Send("0123456789"));
        // All ten bytes must be queued before the read, or the count left behind would vary: a peek with
        // MSG_WAITALL returns only once they are.
        Assert.Equal("0123456789", Encoding.ASCII.GetString(server.Recv(10, MSG_PEEK | MSG_WAITALL)!));
        var message = server.RecvMsg(4, 64)!;
        Assert.Equal("0123", Encoding.ASCII.GetString((byte[])message.Data));
        return message;
    }

    /// <summary>
    /// UDP_GRO: 1200 bytes sent in one sendmsg with a UDP_SEGMENT control message of 500 (three segments on the wire)
    /// reach a receiver with UDP_GRO on as one datagram of 1200 bytes, with the segment size in the control message.
    /// </summary>
    [CmsgScenario("udp4-gro")]
    public static ReceivedMessage Gro()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        Assert.True(receiver.SetOpt(IPPROTO_UDP, UDP_GRO, true), receiver.Error());
        var data = new byte[1200];
        for (int i = 0; i < data.Length; i++) data[i] = (byte)i;
        var segment = new ControlMessage(IPPROTO_UDP, UDP_SEGMENT, 500);
        Assert.Equal(1200, sender.SendMsg(data, new[] { segment }, receiver.SockName()));
        var message = receiver.RecvMsg(65536, 256)!;
        Assert.Equal(data, (byte[])message.Data);
        return message;
    }
}
