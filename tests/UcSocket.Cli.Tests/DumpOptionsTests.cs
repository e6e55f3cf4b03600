using System.Linq;
using System.Text.Json;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>--dump-options: every readable option of the spec, read from a real socket, as JSON.</summary>
public class DumpOptionsTests
{
    [Fact]
    public void TcpSocketDumpHasEveryReadableOptionOnce()
    {
        var r = Cli.Run("--dump-options", "socket");
        Assert.True(r.ExitCode == 0, r.ToString());
        var root = r.Json().RootElement;
        var options = root.GetProperty("options");
        var unreadable = root.GetProperty("unreadable");

        Assert.Equal(1, options.GetProperty("SO_TYPE").GetInt32());       // SOCK_STREAM
        Assert.Equal(2, options.GetProperty("SO_DOMAIN").GetInt32());     // AF_INET
        Assert.Equal(6, options.GetProperty("SO_PROTOCOL").GetInt32());   // IPPROTO_TCP
        Assert.Equal(JsonValueKind.False, options.GetProperty("SO_ACCEPTCONN").ValueKind);
        Assert.Equal(7, options.GetProperty("TCP_INFO").GetProperty("state").GetInt32());   // TCP_CLOSE (netinet/tcp.h)
        Assert.Equal(JsonValueKind.Object, options.GetProperty("SO_LINGER").ValueKind);

        // An IPv4 socket cannot read IPv6 options: listed with the kernel's reason instead.
        Assert.StartsWith("getsockopt(): ", unreadable.GetProperty("IPV6_V6ONLY").GetString());

        var names = options.EnumerateObject().Select(p => p.Name).Concat(unreadable.EnumerateObject().Select(p => p.Name)).ToList();
        var readable = SpecRegistry.Options.Where(o => o.CanGet).Select(o => o.Name).ToList();
        Assert.Equal(readable.OrderBy(n => n), names.OrderBy(n => n));
        Assert.DoesNotContain("IP_ADD_MEMBERSHIP", names);   // write-only
    }

    [Fact]
    public void Udp6SocketDump()
    {
        var r = Cli.Run("-6", "-u", "--dump-options", "socket");
        Assert.True(r.ExitCode == 0, r.ToString());
        var options = r.Json().RootElement.GetProperty("options");
        Assert.Equal(2, options.GetProperty("SO_TYPE").GetInt32());       // SOCK_DGRAM
        Assert.Equal(10, options.GetProperty("SO_DOMAIN").GetInt32());    // AF_INET6
        Assert.Equal(17, options.GetProperty("SO_PROTOCOL").GetInt32());  // IPPROTO_UDP
        Assert.Equal(JsonValueKind.False, options.GetProperty("IPV6_V6ONLY").ValueKind);
        Assert.False(options.TryGetProperty("TCP_INFO", out _));
    }

    [Fact]
    public void ConnectedTcpSocketDump()
    {
        // A listener of the library's own that never closes: the connection stays established while ucsock reads it.
        using var listener = Sockets.Create(Sockets.AF_INET, Sockets.SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        int port = listener.SockName()!.Port!.Value;

        var client = Cli.Run("-z", "--dump-options", "-o", "TCP_NODELAY=true", "connect", $"127.0.0.1:{port}");
        Assert.True(client.ExitCode == 0, client.ToString());
        var root = client.Json().RootElement;
        Assert.Equal(port, root.GetProperty("socket").GetProperty("peer").GetProperty("port").GetInt32());
        var options = root.GetProperty("options");
        Assert.Equal(1, options.GetProperty("TCP_INFO").GetProperty("state").GetInt32());   // TCP_ESTABLISHED
        Assert.Equal(JsonValueKind.True, options.GetProperty("TCP_NODELAY").ValueKind);
        Assert.Equal(0, options.GetProperty("SO_ERROR").GetInt32());
    }

    [Fact]
    public void ListenDumpsTheAcceptedSocket()
    {
        var server = Cli.Start("-z", "--get", "SO_ACCEPTCONN", "--get", "TCP_INFO", "listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var client = Cli.Run("-z", "connect", address);
        Assert.Equal(0, client.ExitCode);

        var r = server.Finish();
        Assert.True(r.ExitCode == 0, r.ToString());
        var v = r.Json().RootElement;
        Assert.Equal(JsonValueKind.False, v.GetProperty("SO_ACCEPTCONN").ValueKind);   // the accepted socket, not the listener
        int state = v.GetProperty("TCP_INFO").GetProperty("state").GetInt32();
        Assert.True(state is 1 or 8, $"state {state}");   // TCP_ESTABLISHED, or TCP_CLOSE_WAIT once the client is gone
    }
}

/// <summary>Options that return descriptors (SO_PEERPIDFD) leave none open once printed.</summary>
public class DescriptorOptionTests
{
    [Fact]
    public void APrintedPidfdIsClosedAfterwards()
    {
        var name = "@ucsock-pidfd-" + System.Guid.NewGuid().ToString("N");
        using var listener = Sockets.Listen(name)!;
        Assert.True(listener is not null, Sockets.Error());
        foreach (var args in new[] { new[] { "-z", "--get", "SO_PEERPIDFD", "connect", name }, new[] { "-z", "--dump-options", "connect", name } })
        {
            var r = Cli.Run(args);
            Assert.True(r.ExitCode == 0, r.ToString());
            var root = r.Json().RootElement;
            var value = args[1] == "--get" ? root.GetProperty("SO_PEERPIDFD") : root.GetProperty("options").GetProperty("SO_PEERPIDFD");
            int fd = Assert.Single(value.EnumerateArray()).GetInt32();
            // The number may have been reused by now, but never by this pidfd: it was closed once printed.
            var target = new System.IO.FileInfo("/proc/self/fd/" + fd).LinkTarget;
            Assert.NotEqual("anon_inode:[pidfd]", target);
            using var accepted = listener!.Accept();
        }
    }
}
