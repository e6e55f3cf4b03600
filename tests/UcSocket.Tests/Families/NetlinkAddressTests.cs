using UcSocket.Marshalling;
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using UcSocket.Native;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Families;

/// <summary>
/// AF_NETLINK addresses: struct sockaddr_nl (linux/netlink.h: nl_family at 0, nl_pad at 2, nl_pid at 4, nl_groups at
/// 8, 12 bytes) as SocketAddress port_id and groups, through Sockets.SockAddr, the family codec and the kernel.
/// </summary>
public class NetlinkAddressTests
{
    public static TheoryData<object> Forms => new()
    {
        new Dictionary<string, object?> { ["family"] = AF_NETLINK, ["port_id"] = 4000000000L, ["groups"] = RTMGRP_LINK | RTMGRP_IPV4_IFADDR },
        new Dictionary<string, object?> { ["port_id"] = "4000000000", ["groups"] = 0x11 },
        new SocketAddress(AF_NETLINK) { PortId = 4000000000, Groups = 0x11 },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void SockAddrKeepsPortIdAndGroups(object value)
    {
        var a = SockAddr(value);
        Assert.True(a is not null, Error());
        Assert.Equal(AF_NETLINK, a.Family);
        Assert.Equal(4000000000u, a.PortId);
        Assert.Equal(0x11u, a.Groups);
        Assert.Null(a.Port);
        Assert.Null(a.Address);
        Assert.Equal("4000000000", a.ToString());
        var d = a.ToDictionary();
        Assert.Equal(new[] { "family", "port_id", "groups" }, d.Keys);
        Assert.Equal(4000000000u, d["port_id"]);
    }

    [Fact]
    public void EncodesTheKernelLayout()
    {
        Span<byte> raw = stackalloc byte[Sockaddr.StorageSize];
        Assert.True(Sockaddr.TryEncode(new SocketAddress(AF_NETLINK) { PortId = 0x01020304, Groups = 0x80000001 }, raw, out int length, out var error), error.Context);
        Assert.Equal(12, length);
        Assert.Equal(new byte[] { 16, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0x01, 0, 0, 0x80 }, raw[..12].ToArray());

        var decoded = Sockaddr.Decode(new byte[] { 16, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0 });
        Assert.NotNull(decoded);
        Assert.Equal((AF_NETLINK, (uint?)uint.MaxValue, (uint?)0x10u), (decoded.Family, decoded.PortId, decoded.Groups));
    }

    [Theory]
    [InlineData("port_id", -1L, "Invalid port ID")]
    [InlineData("port_id", 4294967296L, "Invalid port ID")]
    [InlineData("groups", -5L, "Invalid multicast group mask")]
    [InlineData("groups", "many", "Invalid multicast group mask")]
    [InlineData("port", 80, "Invalid port number (AF_NETLINK addresses take port_id)")]
    public void BadFieldsAreRefusedByName(string field, object value, string message)
    {
        Assert.Null(SockAddr(new Dictionary<string, object?> { ["family"] = AF_NETLINK, [field] = value }));
        Assert.Equal(message + ": Invalid argument", Error());
        Assert.Equal(22, Error(true)); // EINVAL
    }

    [Fact]
    public void BindChoosesThePortIdAndGroupsTheKernelReports()
    {
        using var s = Create(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)!;
        Assert.NotNull(s);
        uint portId = 0xC0DE0000u | (uint)(Environment.ProcessId & 0xFFFF);
        Assert.True(s.Bind(new Dictionary<string, object?> { ["family"] = AF_NETLINK, ["port_id"] = portId, ["groups"] = RTMGRP_LINK }), s.Error());

        var name = s.SockName();
        Assert.True(name is not null, s.Error());
        Assert.Equal(AF_NETLINK, name.Family);
        Assert.Equal(portId, name.PortId);
        Assert.Equal((uint)RTMGRP_LINK, name.Groups);
        // The bind's nl_groups is the membership of group 1 (RTNLGRP_LINK): word 0, bit 0.
        var memberships = Assert.IsType<uint[]>(s.GetOpt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS));
        Assert.Equal(1u, memberships[0]);
    }

    [Fact]
    public void BindToPortIdZeroLetsTheKernelChoose()
    {
        using var s = Create(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)!;
        Assert.True(s.Bind(new SocketAddress(AF_NETLINK) { PortId = 0 }), s.Error());
        var name = s.SockName()!;
        Assert.NotEqual(0u, name.PortId);
        Assert.Equal(0u, name.Groups);
    }

    [Fact]
    public void ReceivedMessagesCarryTheSendersPortId()
    {
        using var a = Create(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK)!;
        using var b = Create(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK)!;
        Assert.True(a.Bind(new SocketAddress(AF_NETLINK) { PortId = 0 }), a.Error());
        Assert.True(b.Bind(new SocketAddress(AF_NETLINK) { PortId = 0 }), b.Error());
        var aName = a.SockName()!;
        var bName = b.SockName()!;

        // A message of its own: a netlink header (16 bytes) and a payload, unicast from b to a.
        var message = new byte[20];
        var header = new NetlinkMessageHeader { Length = 20, Type = NLMSG_MIN_TYPE, Sequence = 7 };
        Assert.True(header.TryWrite(message, out var error), error);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), 0x5eed);
        Assert.Equal(20, b.Send(message, 0, aName));

        var from = new SocketAddress();
        var received = a.Recv(64, MSG_DONTWAIT, from);
        Assert.True(received is not null, a.Error());
        Assert.Equal(message, received);
        Assert.Equal(AF_NETLINK, from.Family);
        Assert.Equal(bName.PortId, from.PortId);
        Assert.Equal(0u, from.Groups);
        Assert.Equal(7u, NetlinkMessageHeader.Read(received).Sequence);
    }
}
