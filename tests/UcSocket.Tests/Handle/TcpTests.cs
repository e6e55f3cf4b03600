using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Text;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class TcpTests
{
    // From fcntl.h (asm-generic/fcntl.h): O_NONBLOCK 04000, O_CLOEXEC 02000000 (octal), as /proc/self/fdinfo shows them.
    private const int O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;

    [Theory]
    [InlineData(AF_INET, "127.0.0.1", "127.0.0.1:0")]
    [InlineData(AF_INET6, "::1", "[::1]:0")]
    public void ConnectAcceptSendRecvShutdown(int family, string loopback, string bindAddress)
    {
        using var listener = Create(family, SOCK_STREAM)!;
        Assert.True(listener.Bind(bindAddress));
        Expect.NoError(listener);

        var local = listener.SockName()!;
        Assert.Equal(family, local.Family);
        Assert.Equal(loopback, local.Address);
        Assert.InRange(local.Port!.Value, 1, 65535);
        Assert.True(listener.Listen());

        using var client = Create(family, SOCK_STREAM)!;
        Assert.True(client.Connect(loopback, local.Port));
        Expect.NoError(client);

        var peer = new SocketAddress(AF_UNIX) { Path = "/stale", Protocol = 9 };
        using var server = listener.Accept(peer)!;
        Assert.NotNull(server);
        Expect.NoError(listener);

        // The accepted peer is the client's local address, as the kernel reports it on both ends.
        var clientLocal = client.SockName()!;
        Assert.Equal(family, peer.Family);
        Assert.Equal(loopback, peer.Address);
        Assert.Equal(clientLocal.Port, peer.Port);
        Assert.NotEqual(local.Port, peer.Port);
        Assert.Null(peer.Path);
        Assert.Null(peer.Protocol);

        var clientPeer = client.PeerName()!;
        Assert.Equal(family, clientPeer.Family);
        Assert.Equal(loopback, clientPeer.Address);
        Assert.Equal(local.Port, clientPeer.Port);
        var serverPeer = server.PeerName()!;
        Assert.Equal(clientLocal.Port, serverPeer.Port);

        Assert.Equal(5L, client.Send("hello"));
        Assert.Equal("hello"u8.ToArray(), server.Recv(100));
        Assert.Equal(3L, server.Send(new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, client.Recv());

        Assert.True(client.Shutdown(SHUT_WR));
        Expect.NoError(client);
        var eof = server.Recv();
        Assert.NotNull(eof);
        Assert.Empty(eof);
        Expect.NoError(server);

        // The other direction still works after SHUT_WR.
        Assert.Equal(2L, server.Send("ok"));
        var from = new SocketAddress(AF_INET6) { Address = "::2", Port = 7 };
        Assert.Equal("ok"u8.ToArray(), client.Recv(10, 0, from));
        Assert.Equal(AF_UNSPEC, from.Family); // TCP gives no sender address
        Assert.Null(from.Address);
        Assert.Null(from.Port);

        Assert.True(server.Shutdown(SHUT_RDWR));
        Span<byte> buffer = stackalloc byte[8];
        Assert.Equal(0L, client.Recv(buffer));
        Expect.NoError(client);
    }

    [Fact]
    public void TruncOnTcpDiscardsAndNeverExposesOldBufferBytes()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        using var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(client.Connect(listener.SockName()!));
        using var server = listener.Accept()!;

        Assert.Equal(10L, client.Send("xxxxxxxxxx"));
        Assert.Equal("xxxxxxxxxx"u8.ToArray(), server.Recv(10, MSG_WAITALL));
        Assert.Equal(3L, client.Send("abc"));
        // The kernel discards the bytes without copying them: the result holds zeros, not a reused buffer's bytes.
        Assert.Equal(new byte[3], server.Recv(10, MSG_TRUNC));
        Assert.Null(server.Recv(10, MSG_DONTWAIT));
        Expect.Error(server, "recv()", Errno.EAGAIN);
    }

    [Theory]
    [InlineData(AF_INET, "127.0.0.1")]
    [InlineData(AF_INET6, "::1")]
    public void AcceptsAConnectionFromSystemNetSockets(int family, string loopback)
    {
        using var listener = Create(family, SOCK_STREAM)!;
        Assert.True(listener.Bind(new SocketAddress(family) { Address = loopback, Port = 0 }));
        Assert.True(listener.Listen(4));
        int port = listener.SockName()!.Port!.Value;

        using var dotnet = new System.Net.Sockets.Socket(
            family == AF_INET ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        dotnet.Connect(new IPEndPoint(IPAddress.Parse(loopback), port));

        using var server = listener.Accept(out var peer)!;
        Assert.NotNull(peer);
        var endpoint = (IPEndPoint)dotnet.LocalEndPoint!;
        Assert.Equal(endpoint.Port, peer!.Port);
        Assert.Equal(endpoint.Address.ToString(), peer.Address);

        dotnet.Send(Encoding.ASCII.GetBytes("from .NET"));
        Assert.Equal("from .NET"u8.ToArray(), server.Recv(64));
        Assert.Equal(4L, server.Send("back"));
        var buffer = new byte[16];
        int n = dotnet.Receive(buffer);
        Assert.Equal("back", Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Fact]
    public void AcceptedSocketsAreCloseOnExecAndFlagsAddNonBlocking()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        int port = listener.SockName()!.Port!.Value;

        using var c1 = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(c1.Connect("127.0.0.1", port));
        using var plain = listener.Accept()!;
        int flags = FdInfoFlags(plain.FileNo());
        Assert.Equal(O_CLOEXEC, flags & O_CLOEXEC);
        Assert.Equal(0, flags & O_NONBLOCK);

        using var c2 = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(c2.Connect("127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)));
        using var nonBlocking = listener.Accept(null, SOCK_NONBLOCK)!;
        flags = FdInfoFlags(nonBlocking.FileNo());
        Assert.Equal(O_CLOEXEC, flags & O_CLOEXEC);
        Assert.Equal(O_NONBLOCK, flags & O_NONBLOCK);

        // A non-blocking accepted socket answers EAGAIN instead of waiting.
        Assert.Null(nonBlocking.Recv());
        Expect.Error(nonBlocking, "recv()", Errno.EAGAIN);

        using var c3 = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(c3.Connect(new byte[] { 127, 0, 0, 1 }, port));
        using var both = listener.Accept(null, SOCK_NONBLOCK | SOCK_CLOEXEC)!;
        Assert.Equal(O_CLOEXEC | O_NONBLOCK, FdInfoFlags(both.FileNo()) & (O_CLOEXEC | O_NONBLOCK));
    }

    [Fact]
    public void BindWithoutAddressUsesTheWildcardOfTheSocketFamily()
    {
        using var v4 = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(v4.Bind(null));
        var a4 = v4.SockName()!;
        Assert.Equal(AF_INET, a4.Family);
        Assert.Equal("0.0.0.0", a4.Address);
        Assert.InRange(a4.Port!.Value, 1, 65535);

        using var v6 = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.True(v6.Bind(null));
        var a6 = v6.SockName()!;
        Assert.Equal(AF_INET6, a6.Family);
        Assert.Equal("::", a6.Address);
        Assert.InRange(a6.Port!.Value, 1, 65535);
    }

    [Fact]
    public void ConnectTakesADictionaryAndAPortOverride()
    {
        using var listener = Create(AF_INET6, SOCK_STREAM)!;
        Assert.True(listener.Bind(new System.Collections.Generic.Dictionary<string, object?> { ["address"] = "::1" }));
        Assert.True(listener.Listen());
        int port = listener.SockName()!.Port!.Value;

        var target = new SocketAddress(AF_INET6) { Address = "::1", Port = 1 };
        using var client = Create(AF_INET6, SOCK_STREAM)!;
        Assert.True(client.Connect(target, port));
        Assert.Equal(1, target.Port); // the caller's object is not modified
        using var server = listener.Accept()!;
        Assert.Equal(port, client.PeerName()!.Port);
    }

    internal static int FdInfoFlags(int fd)
    {
        foreach (var line in File.ReadAllLines($"/proc/self/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        throw new InvalidOperationException("no flags line in fdinfo");
    }
}
