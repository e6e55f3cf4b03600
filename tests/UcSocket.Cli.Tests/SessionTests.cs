using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>connect and listen exchanging data, two ucsock runs in this process.</summary>
public class SessionTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static void Exchange(string listenAddress, params string[] flags)
    {
        var server = Cli.StartWithInput(B("from the listener\n"), [.. flags, "listen", listenAddress]);
        string address = server.ListeningOn();
        var client = Cli.RunWithInput(B("from the connector\n"), [.. flags, "connect", address]);
        var listener = server.Finish();

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.True(listener.ExitCode == 0, listener.ToString());
        Assert.Equal("from the listener\n", client.Stdout);
        Assert.Equal("from the connector\n", listener.Stdout);
    }

    [Fact]
    public void TcpOverIpv4() => Exchange("127.0.0.1:0");

    [Fact]
    public void TcpOverIpv6() => Exchange("[::1]:0");

    [Fact]
    public void UnixStreamPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ucsock-test-{Guid.NewGuid():N}.sock");
        Exchange(path);
        Assert.False(File.Exists(path), "the listener removes the socket file it created");
    }

    [Fact]
    public void UnixStreamAbstract() => Exchange($"@ucsock-test-{Guid.NewGuid():N}");

    [Fact]
    public void UnixSeqpacketAbstract() => Exchange($"@ucsock-test-{Guid.NewGuid():N}", "--seqpacket");

    [Fact]
    public void HostNameIsResolved()
    {
        // localhost comes from /etc/hosts.
        var server = Cli.StartWithInput(B("pong"), "listen", "127.0.0.1:0");
        string port = server.ListeningOn().Split(':')[1];
        var client = Cli.RunWithInput(B("ping"), "-4", "connect", "localhost", port);
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal("pong", client.Stdout);
        Assert.Equal("ping", server.Finish().Stdout);
    }

    [Fact]
    public void LargeStreamArrivesWhole()
    {
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        var server = Cli.Start("listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var client = Cli.RunWithInput(data, "connect", address);
        Assert.Equal(0, client.ExitCode);
        var r = server.Finish();
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(data, r.StdoutBytes);
    }

    [Fact]
    public void UdpDatagramAndReplyToTheSender()
    {
        var server = Cli.StartWithInput(B("reply"), "-u", "-c", "1", "-w", "20", "listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var client = Cli.RunWithInput(B("datagram"), "-u", "-c", "1", "-w", "20", "connect", address);
        var r = server.Finish();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("datagram", r.Stdout);
        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.Equal("reply", client.Stdout);
    }

    [Fact]
    public void UnixDatagramPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ucsock-test-{Guid.NewGuid():N}.sock");
        var server = Cli.Start("-u", "-c", "2", "-w", "20", "listen", path);
        server.ListeningOn();
        Assert.Equal(0, Cli.RunWithInput(B("one"), "-u", "-w", "0.1", "connect", path).ExitCode);
        Assert.Equal(0, Cli.RunWithInput(B("two"), "-u", "-w", "0.1", "connect", path).ExitCode);
        var r = server.Finish();
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("onetwo", r.Stdout);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void RecvMsgShowsTheIpTtlControlMessage()
    {
        var server = Cli.Start("-u", "-o", "IP_RECVTTL=1", "--recvmsg", "-c", "1", "-w", "20", "listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var client = Cli.RunWithInput(B("ttl?"), "-u", "-o", "IP_TTL=42", "-w", "0.1", "connect", address);
        Assert.Equal(0, client.ExitCode);

        var r = server.Finish();
        Assert.True(r.ExitCode == 0, r.ToString());
        var m = r.Json().RootElement;
        Assert.Equal(4, m.GetProperty("length").GetInt32());
        Assert.Equal("ttl?", m.GetProperty("data").GetString());
        Assert.Equal("127.0.0.1", m.GetProperty("address").GetProperty("address").GetString());
        var cmsg = Assert.Single(m.GetProperty("ancillary").EnumerateArray());
        Assert.Equal(0, cmsg.GetProperty("level").GetInt32());   // IPPROTO_IP
        Assert.Equal(2, cmsg.GetProperty("type").GetInt32());    // IP_TTL (linux/in.h)
        Assert.Equal("IP_TTL", cmsg.GetProperty("name").GetString());
        Assert.Equal(42, cmsg.GetProperty("data").GetInt32());
    }

    [Fact]
    public void RecvMsgPrintsBinaryDataAsHex()
    {
        var server = Cli.Start("-u", "--recvmsg", "-c", "1", "-w", "20", "listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        Assert.Equal(0, Cli.RunWithInput([0, 1, 0xff], "-u", "-w", "0.1", "connect", address).ExitCode);
        var m = server.Finish().Json().RootElement;
        Assert.Equal("0001ff", m.GetProperty("data").GetProperty("hex").GetString());
        Assert.Empty(m.GetProperty("ancillary").EnumerateArray());
    }

    [Fact]
    public void RecvMsgOnAStreamEndsAtTheEnd()
    {
        var server = Cli.Start("--recvmsg", "listen", "@ucsock-test-" + Guid.NewGuid().ToString("N"));
        string address = server.ListeningOn();
        Assert.Equal(0, Cli.RunWithInput(B("stream data"), "connect", address).ExitCode);
        var r = server.Finish();
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("stream data", string.Concat(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("data").GetString())));
    }

    [Fact]
    public void NoConnectionWithinTheWaitIsExitCode3()
    {
        var r = Cli.Run("-w", "0.2", "listen", "127.0.0.1:0");
        Assert.Equal(3, r.ExitCode);
        Assert.Matches(@"(?m)^ucsock: listen on 127\.0\.0\.1:\d+: no connection within 0\.2 s\n$", r.Stderr);
    }

    [Fact]
    public void TooFewDatagramsWithinTheWaitIsExitCode3()
    {
        var r = Cli.Run("-u", "-c", "1", "-w", "0.2", "listen", "127.0.0.1:0");
        Assert.Equal(3, r.ExitCode);
        Assert.Matches(@"(?m)^ucsock: 127\.0\.0\.1:\d+: 0 of 1 messages within 0\.2 s\n$", r.Stderr);
    }

    [Fact]
    public void IdleWaitWithoutCountEndsNormally()
    {
        var r = Cli.Run("-u", "-w", "0.2", "listen", "127.0.0.1:0");
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void RefusedConnectionIsExitCode1()
    {
        // Nothing listens in the test's network namespace.
        var r = Cli.Run("connect", "127.0.0.1:9");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ucsock: connect to 127.0.0.1:9: connect(): Connection refused\n", r.Stderr);
    }

    [Fact]
    public void MissingUnixSocketIsExitCode1()
    {
        var r = Cli.Run("connect", "/nonexistent-dir/ucsock.sock");
        Assert.Equal(1, r.ExitCode);
        Assert.EndsWith("connect(): No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void AddressInUseIsExitCode1()
    {
        var server = Cli.Start("listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var second = Cli.Run("listen", address);
        Assert.Equal(1, second.ExitCode);
        Assert.Equal($"ucsock: bind to {address}: bind(): Address already in use\n", second.Stderr);
        Assert.Equal(0, Cli.Run("-z", "connect", address).ExitCode);
        Assert.Equal(0, server.Finish().ExitCode);
    }

    [Fact]
    public void VerboseReportsBothEnds()
    {
        var server = Cli.Start("-v", "-z", "listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        var client = Cli.Run("-v", "-z", "-s", "127.0.0.1:0", "connect", address);
        Assert.Matches($@"ucsock: connected to {address} from 127\.0\.0\.1:(\d+)\n", client.Stderr);
        string from = System.Text.RegularExpressions.Regex.Match(client.Stderr, @"from (\S+)\n").Groups[1].Value;
        Assert.Contains($"ucsock: connection from {from}\n", server.Finish().Stderr);
    }
}
