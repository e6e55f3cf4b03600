using System;
using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of SOL_SOCKET control messages.</summary>
internal static class SocketScenarios
{
    [CmsgScenario("rights")]
    public static ReceivedMessage Rights()
    {
        var (a, b) = Pair(SOCK_DGRAM)!.Value;
        using (a)
        using (b)
        {
            Assert.Equal(1, a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { b.SafeHandle }) }));
            return b.RecvMsg(16, 64)!;
        }
    }

    [CmsgScenario("credentials")]
    public static ReceivedMessage Credentials()
    {
        var (a, b) = Pair(SOCK_DGRAM)!.Value;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SOL_SOCKET, SO_PASSCRED, true));
            Assert.Equal(1, a.Send("x"));
            return b.RecvMsg(16, 64)!;
        }
    }

    [CmsgScenario("timestamp")]
    public static ReceivedMessage Timestamp() => Udp4(r => Assert.True(r.SetOpt(SOL_SOCKET, SO_TIMESTAMP, true)));

    /// <summary>A datagram over 127.0.0.1 to a receiver prepared by <paramref name="prepare"/>, received with room for control data.</summary>
    public static ReceivedMessage Udp4(Action<SocketHandle> prepare, Action<SocketHandle>? prepareSender = null, object? data = null)
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("127.0.0.1:0"), receiver.Error());
        prepare(receiver);
        prepareSender?.Invoke(sender);
        Assert.NotNull(sender.Send(data ?? "ping", 0, receiver.SockName()));
        return receiver.RecvMsg(2048, 1024)!;
    }

    /// <summary>The same over ::1.</summary>
    public static ReceivedMessage Udp6(Action<SocketHandle> prepare, Action<SocketHandle>? prepareSender = null, object? data = null)
    {
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(receiver.Bind("[::1]:0"), receiver.Error());
        prepare(receiver);
        prepareSender?.Invoke(sender);
        Assert.NotNull(sender.Send(data ?? "ping", 0, receiver.SockName()));
        return receiver.RecvMsg(2048, 1024)!;
    }
}
