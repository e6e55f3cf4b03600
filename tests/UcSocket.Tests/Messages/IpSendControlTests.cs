using System.Linq;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

/// <summary>
/// The send direction of the IP and IPv6 control-message types the kernel takes on sendmsg (ip(7), ipv6(7)):
/// each one changes the datagram it is sent with, and the receiver on loopback sees the change.
/// </summary>
public class IpSendControlTests
{
    private static (SocketHandle Receiver, SocketHandle Sender) Pair(int family)
    {
        var receiver = Create(family, SOCK_DGRAM)!;
        var sender = Create(family, SOCK_DGRAM)!;
        Assert.True(receiver.Bind(family == AF_INET ? "127.0.0.1:0" : "[::1]:0"), receiver.Error());
        return (receiver, sender);
    }

    private static object? Received(ReceivedMessage message, int level, int type) =>
        message.Ancillary!.Single(c => c.Level == level && c.Type == type).Data;

    [Fact]
    public void TtlAndTosForOneDatagram()
    {
        var (receiver, sender) = Pair(AF_INET);
        using (receiver)
        using (sender)
        {
            Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RECVTTL, true));
            Assert.True(receiver.SetOpt(IPPROTO_IP, IP_RECVTOS, true));
            var cmsgs = new[] { ControlMessage.Create(Cmsg.IpTtl, 3), ControlMessage.Create(Cmsg.IpTos, 0x48) };
            Assert.Equal(4, sender.SendMsg("ping", cmsgs, receiver.SockName()));
            using var message = receiver.RecvMsg(64, 256)!;
            Assert.Equal(3, Received(message, IPPROTO_IP, IP_TTL));
            Assert.Equal(0x48, Received(message, IPPROTO_IP, IP_TOS));

            // The next datagram has the socket's defaults again (64 from net.ipv4.ip_default_ttl, TOS 0).
            Assert.Equal(4, sender.Send("ping", 0, receiver.SockName()));
            using var plain = receiver.RecvMsg(64, 256)!;
            Assert.Equal(64, Received(plain, IPPROTO_IP, IP_TTL));
            Assert.Equal(0, Received(plain, IPPROTO_IP, IP_TOS));
        }
    }

    [Fact]
    public void TrafficClassAndHopLimitForOneDatagram()
    {
        var (receiver, sender) = Pair(AF_INET6);
        using (receiver)
        using (sender)
        {
            Assert.True(receiver.SetOpt(IPPROTO_IPV6, IPV6_RECVTCLASS, true));
            Assert.True(receiver.SetOpt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, true));
            var cmsgs = new[] { ControlMessage.Create(Cmsg.Ipv6Tclass, 0x20), ControlMessage.Create(Cmsg.Ipv6HopLimit, 5) };
            Assert.Equal(4, sender.SendMsg("ping", cmsgs, receiver.SockName()));
            using var message = receiver.RecvMsg(64, 256)!;
            Assert.Equal(0x20, Received(message, IPPROTO_IPV6, IPV6_TCLASS));
            Assert.Equal(5, Received(message, IPPROTO_IPV6, IPV6_HOPLIMIT));
        }
    }

    [Fact]
    public void DontFragmentForOneDatagram()
    {
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        var big = new byte[65527]; // does not fit lo's MTU of 65536 with its IPv6 and UDP headers
        Assert.Null(s.SendMsg(big, new[] { ControlMessage.Create(Cmsg.Ipv6DontFrag, 1) }, "[::1]:9"));
        Assert.Equal(90 /* EMSGSIZE */, s.Error(true));
        Assert.Equal(big.Length, s.SendMsg(big, null, "[::1]:9")); // fragmented when allowed
    }

    [Fact]
    public void DestinationOptionsBeforeARoutingHeaderAreTaken()
    {
        var (receiver, sender) = Pair(AF_INET6);
        using (receiver)
        using (sender)
        {
            // Without a routing header the kernel has nowhere to put them, so the datagram goes out unchanged.
            var cmsg = ControlMessage.Create(Cmsg.Ipv6RtHdrDstOpts, new byte[] { 17, 0, 1, 4, 0, 0, 0, 0 });
            Assert.True(sender.SendMsg("ping", new[] { cmsg }, receiver.SockName()) == 4, sender.Error());
            using var message = receiver.RecvMsg(64)!;
            Assert.Equal("ping"u8.ToArray(), message.Data);
        }
    }

    [Fact]
    public void DestinationOptionsGoOutWithTheirDatagram()
    {
        var (receiver, sender) = Pair(AF_INET6);
        using (receiver)
        using (sender)
        {
            Assert.True(receiver.SetOpt(IPPROTO_IPV6, IPV6_RECVDSTOPTS, true));
            byte[] header = { 17, 0, 1, 4, 0, 0, 0, 0 };
            Assert.Equal(4, sender.SendMsg("ping", new[] { ControlMessage.Create(Cmsg.Ipv6DstOpts, header) }, receiver.SockName()));
            using var message = receiver.RecvMsg(64, 256)!;
            Assert.Equal(header, Received(message, IPPROTO_IPV6, IPV6_DSTOPTS));
        }
    }
}
