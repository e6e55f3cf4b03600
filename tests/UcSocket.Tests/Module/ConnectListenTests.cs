using System;
using System.IO;
using System.Linq;
using Tmds.Linux;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Module;

/// <summary>Sockets.Connect and Sockets.Listen: resolve, try every address, bind and listen in one call.</summary>
public class ConnectListenTests
{
    private const int F_GETFL = 3, O_NONBLOCK = 0x800;

    [Fact]
    public void ListenAndConnectOverIPv4Loopback()
    {
        using var listener = Listen("127.0.0.1", 0)!;
        Assert.NotNull(listener);
        Assert.Equal(true, listener.GetOpt(SOL_SOCKET, SO_ACCEPTCONN));
        int port = listener.SockName()!.Port!.Value;
        Assert.NotEqual(0, port);

        using var client = Connect("127.0.0.1", port);
        Assert.True(client is not null, Error());
        Assert.Null(Error());
        Assert.Equal(0, LibC.fcntl(client!.FileNo(), F_GETFL) & O_NONBLOCK); // blocking again
        using var server = listener.Accept()!;
        Assert.Equal(5, client.Send("hello"));
        Assert.Equal("hello", System.Text.Encoding.UTF8.GetString(server.Recv(16)!));
        Assert.Equal(port, client.PeerName()!.Port);
    }

    [Fact]
    public void ServiceMayBeANumberOrText()
    {
        using var listener = Listen("127.0.0.1", "0")!;
        int port = listener.SockName()!.Port!.Value;
        using var client = Connect("127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotNull(client);
    }

    [Fact]
    public void ConnectTriesEveryResolvedAddress()
    {
        // localhost resolves to ::1 and 127.0.0.1 (/etc/hosts); only the IPv4 one listens, so ::1 is refused.
        Assert.Contains(File.ReadAllLines("/etc/hosts"), l => l.Split('#')[0].Split(' ', '\t').Contains("localhost"));
        using var listener = Listen("127.0.0.1", 0)!;
        int port = listener.SockName()!.Port!.Value;
        using var client = Connect("localhost", port);
        Assert.True(client is not null, Error());
        Assert.Equal("127.0.0.1", client!.PeerName()!.Address);
    }

    [Fact]
    public void ARefusedConnectionReportsConnectError()
    {
        int port;
        using (var probe = Listen("127.0.0.1", 0)!) port = probe.SockName()!.Port!.Value; // closed again: nobody listens
        Assert.Null(Connect("127.0.0.1", port));
        Assert.Equal(ECONNREFUSED, Error(true));
        Assert.Equal("connect(): Connection refused", Error());
    }

    [Fact]
    public void AFullAcceptQueueTimesOut()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen(0));
        int port = listener.SockName()!.Port!.Value;
        // Fill the accept queue (nobody accepts); further SYNs are dropped, so the connect stays pending.
        var filled = Enumerable.Range(0, 4).Select(_ => Connect("127.0.0.1", port, null, 200)).ToList();
        try
        {
            var started = DateTime.UtcNow;
            var late = Connect("127.0.0.1", port, null, 300);
            late?.Dispose();
            Assert.Null(late);
            Assert.Equal(ETIMEDOUT, Error(true));
            Assert.Equal("Connection timed out: Connection timed out", Error());
            Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 250, 5000);
        }
        finally
        {
            foreach (var s in filled) s?.Dispose();
        }
    }

    [Fact]
    public void UnixPathListensOnAStreamSocket()
    {
        using var dir = new TempDir();
        var path = dir.File("sock");
        using var listener = Listen(path)!;
        Assert.True(listener is not null, Error());
        Assert.Equal(SOCK_STREAM, listener!.GetOpt(SOL_SOCKET, SO_TYPE));
        Assert.Equal(true, listener.GetOpt(SOL_SOCKET, SO_ACCEPTCONN));
        using var client = Connect(path);
        Assert.True(client is not null, Error());
        using var server = listener.Accept()!;
        Assert.Equal(2, server.Send("hi"));
        Assert.Equal("hi", System.Text.Encoding.UTF8.GetString(client!.Recv(8)!));
    }

    [Fact]
    public void AbstractUnixName()
    {
        var name = "@ucsock-test-" + Guid.NewGuid().ToString("N");
        using var listener = Listen(name)!;
        Assert.True(listener is not null, Error());
        using var client = Connect(name);
        Assert.True(client is not null, Error());
    }

    [Fact]
    public void DatagramHintsBindWithoutListening()
    {
        using var s = Listen("127.0.0.1", 0, new AddrInfoHints { SockType = SOCK_DGRAM })!;
        Assert.True(s is not null, Error());
        Assert.Equal(SOCK_DGRAM, s!.GetOpt(SOL_SOCKET, SO_TYPE));
        Assert.NotEqual(0, s.SockName()!.Port);
    }

    [Fact]
    public void ReuseAddrIsSetWhenAsked()
    {
        using var s = Listen("127.0.0.1", 0, null, 16, reuseAddr: true)!;
        Assert.Equal(true, s.GetOpt(SOL_SOCKET, SO_REUSEADDR));
        using var t = Listen("127.0.0.1", 0)!;
        Assert.Equal(false, t.GetOpt(SOL_SOCKET, SO_REUSEADDR));
    }

    [Fact]
    public void BadArguments()
    {
        using var dir = new TempDir();
        Assert.Null(Connect(dir.File("sock"), 80));
        Assert.Equal("Port argument is only valid for IPv4 and IPv6 addresses: Invalid argument", Error());
        Assert.Null(Connect(new SocketAddress(AF_INET) { Address = "127.0.0.1" }, 70000));
        Assert.Equal("Invalid port number: Numerical result out of range", Error());
        Assert.Null(Connect("not-an-address", 80, new AddrInfoHints { Flags = AI_NUMERICHOST }));
        Assert.Equal(-2, Error(true)); // EAI_NONAME, netdb.h
        Assert.Null(Listen("[::1", 80));
        Assert.NotNull(Error());
    }
}

public class ListenWildcardTests
{
    [Fact]
    public void ANullHostListensOnTheWildcardAddress()
    {
        // AI_PASSIVE with no host gives the wildcard addresses (getaddrinfo(3)); the best-ranked one is bound.
        using var s = Sockets.Listen(null, 0);
        Assert.True(s is not null, Sockets.Error());
        var name = s!.SockName()!;
        Assert.Contains(name.Address, new[] { "0.0.0.0", "::" });
    }
}

/// <summary>Listen's error paths close the socket they created (counted, so the class runs alone).</summary>
[Collection(DescriptorAccountingCollection.Name)]
public class ListenDescriptorTests
{
    [Fact]
    public void AddressInUseClosesTheSocketAndReportsBind()
    {
        using var first = Listen("127.0.0.1", 0)!;
        int port = first.SockName()!.Port!.Value;
        DescriptorAccounting.AssertNoLeak(() =>
        {
            Assert.Null(Listen("127.0.0.1", port));
            Assert.Equal("bind(): Address already in use", Error());
            Assert.Equal(98, Error(true));
        }, warmUp: true);
    }
}
