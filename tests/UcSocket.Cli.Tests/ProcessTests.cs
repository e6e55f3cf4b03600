using System;
using System.IO;
using System.Text;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>ucsock as a separate process: the exit codes a shell sees, and descriptors passed between two processes.</summary>
public class ProcessTests
{
    [Theory]
    [InlineData(0, "--help")]
    [InlineData(2)]
    [InlineData(2, "-o", "SO_LINGER=onoff=yes", "socket")]
    [InlineData(1, "connect", "127.0.0.1:9")]
    [InlineData(3, "-w", "0.2", "listen", "127.0.0.1:0")]
    public void ExitCodes(int expected, params string[] args)
    {
        using var child = Cli.Spawn(args);
        var r = child.Finish();
        Assert.True(r.ExitCode == expected, r.ToString());
    }

    [Fact]
    public void DescriptorPassedFromConnectorToListener()
    {
        string dir = Directory.CreateTempSubdirectory("ucsock-test-").FullName;
        try
        {
            string file = Path.Combine(dir, "payload.txt");
            File.WriteAllText(file, "contents read through the passed descriptor\n");
            string path = Path.Combine(dir, "fd.sock");

            using var receiver = Cli.Spawn("-v", "--recv-fd", "listen", path);
            receiver.ListeningOn();
            using var sender = Cli.Spawn("-z", "--send-fd", file, "connect", path);
            var sent = sender.Finish();
            Assert.True(sent.ExitCode == 0, sent.ToString());

            var got = receiver.Finish();
            Assert.True(got.ExitCode == 0, got.ToString());
            Assert.Equal("contents read through the passed descriptor\n", got.Stdout);
            Assert.Contains($"received 1 descriptor(s) from the peer on {path} with message \"payload.txt\"", got.Stderr);
            Assert.False(File.Exists(path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DescriptorsPassedFromListenerToConnectorOverAnAbstractSocket()
    {
        string dir = Directory.CreateTempSubdirectory("ucsock-test-").FullName;
        try
        {
            string a = Path.Combine(dir, "a.txt"), b = Path.Combine(dir, "b.txt");
            File.WriteAllText(a, "first ");
            File.WriteAllText(b, "second");
            string name = "@ucsock-test-" + Guid.NewGuid().ToString("N");

            using var sender = Cli.Spawn("-z", "--send-fd", a, "--send-fd", b, "listen", name);
            sender.ListeningOn();
            using var receiver = Cli.Spawn("--recv-fd", "connect", name);
            var got = receiver.Finish();
            Assert.True(got.ExitCode == 0, got.ToString());
            Assert.Equal("first second", got.Stdout);
            Assert.Equal(0, sender.Finish().ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void MessageWithoutDescriptorIsExitCode1()
    {
        string name = "@ucsock-test-" + Guid.NewGuid().ToString("N");
        using var receiver = Cli.Spawn("--recv-fd", "listen", name);
        receiver.ListeningOn();
        using var sender = Cli.Spawn("connect", name);
        Assert.Equal(0, sender.Finish(Encoding.UTF8.GetBytes("just bytes")).ExitCode);
        var r = receiver.Finish();
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"ucsock: --recv-fd from the peer on {name}: no descriptor received (the message carried none)", r.Stderr);
    }

    [Fact]
    public void MissingFileToSendIsExitCode1BeforeConnecting()
    {
        using var child = Cli.Spawn("--send-fd", "/nonexistent/file", "connect", "@ucsock-nobody-listens");
        var r = child.Finish();
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("ucsock: --send-fd /nonexistent/file: ", r.Stderr);
    }

    [Fact]
    public void PipedStdinReachesThePeer()
    {
        using var server = Cli.Spawn("listen", "127.0.0.1:0");
        string address = server.ListeningOn();
        server.CloseStdin();   // nothing to send back: its end shuts down for writing once connected
        using var client = Cli.Spawn("connect", address);
        var c = client.Finish(Encoding.UTF8.GetBytes("piped through a real stdin\n"));
        Assert.Equal(0, c.ExitCode);
        var s = server.Finish();
        Assert.Equal(0, s.ExitCode);
        Assert.Equal("piped through a real stdin\n", s.Stdout);
    }
}
