using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of SOL_NETLINK control messages.</summary>
internal static class NetlinkScenarios
{
    // linux/rtnetlink.h: RTM_NEWLINK 16, RTM_SETLINK 19; linux/if_link.h: IFLA_IFALIAS 20; sizeof(struct ifinfomsg) 16.
    private const int RTM_NEWLINK = 16, RTM_SETLINK = 19, IFLA_IFALIAS = 20, IfInfoMsgSize = 16;

    /// <summary>
    /// A NETLINK_ROUTE socket with NETLINK_PKTINFO on joins RTNLGRP_LINK; another socket sets an alias on lo (and
    /// takes it away again), which the kernel announces to that group with RTM_NEWLINK.
    /// </summary>
    [CmsgScenario("netlink-pktinfo")]
    public static ReceivedMessage PacketInfo()
    {
        Namespace.RequirePrivateNetworkNamespace(); // it changes lo's alias
        using var listener = Create(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)!;
        Assert.True(listener.SetOpt(SOL_SOCKET, SO_RCVTIMEO, new Dictionary<string, object?> { ["sec"] = 5 }), listener.Error());
        // Bound first (port ID 0: the kernel picks one): an unbound socket has the kernel's own port ID 0, to which the
        // kernel does not deliver its multicasts; and a bind replaces the memberships of groups 1 to 32 by nl_groups.
        Assert.True(listener.Bind(new SocketAddress(AF_NETLINK) { PortId = 0 }), listener.Error());
        Assert.True(listener.SetOpt(SOL_NETLINK, NETLINK_PKTINFO, true), listener.Error());
        Assert.True(listener.SetOpt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, RTNLGRP_LINK), listener.Error());

        using var requester = Create(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)!;
        SetLoopbackAlias(requester, "ucsocket-pktinfo");
        try
        {
            for (int attempt = 0; attempt < 16; attempt++)
            {
                var message = listener.RecvMsg(65536, 256);
                Assert.True(message is not null, "no notification arrived: " + listener.Error());
                var header = NetlinkMessageHeader.Read((byte[])message!.Data);
                if (header.Type == RTM_NEWLINK) return message;
                message.Dispose();
            }
            throw new InvalidOperationException("no RTM_NEWLINK among 16 notifications");
        }
        finally
        {
            SetLoopbackAlias(requester, null);
        }
    }

    /// <summary>Sets (or with null removes) lo's alias with RTM_SETLINK and checks the kernel's acknowledgement.</summary>
    public static void SetLoopbackAlias(SocketHandle requester, string? alias)
    {
        var text = alias is null ? Array.Empty<byte>() : Encoding.ASCII.GetBytes(alias + "\0");
        int attributeLength = 4 + text.Length;
        int length = NetlinkMessageHeader.NativeSize + IfInfoMsgSize + (attributeLength + 3) / 4 * 4;
        var request = new byte[length];
        var header = new NetlinkMessageHeader
        {
            Length = (uint)length, Type = RTM_SETLINK, Flags = NLM_F_REQUEST | NLM_F_ACK, Sequence = 1,
        };
        Assert.True(header.TryWrite(request, out var error), error);
        var ifinfo = request.AsSpan(NetlinkMessageHeader.NativeSize, IfInfoMsgSize);
        BinaryPrimitives.WriteInt32LittleEndian(ifinfo[4..], (int)UcSocket.Native.InterfaceNames.NameToIndex("lo")); // ifi_index
        var attribute = request.AsSpan(NetlinkMessageHeader.NativeSize + IfInfoMsgSize);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute, (ushort)attributeLength);
        BinaryPrimitives.WriteUInt16LittleEndian(attribute[2..], IFLA_IFALIAS);
        text.CopyTo(attribute[4..]);

        var kernel = new SocketAddress(AF_NETLINK) { PortId = 0 };
        Assert.Equal(length, requester.Send(request, 0, kernel));
        var ack = requester.Recv(4096)!;
        Assert.True(ack is not null, requester.Error());
        var ackHeader = NetlinkMessageHeader.Read(ack);
        Assert.Equal(NLMSG_ERROR, ackHeader.Type);
        var result = NetlinkError.Read(ack.AsSpan(NetlinkMessageHeader.NativeSize));
        Assert.True(result.Error == 0, $"RTM_SETLINK of lo's alias failed with errno {-result.Error}");
    }
}
