using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class UnixTests
{
    private static string UniqueName(string prefix) => prefix + "-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public void StreamOverAFilesystemPath()
    {
        using var dir = new TempDir();
        string path = dir.File("stream.sock");
        using var listener = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(listener.Bind(path));
        Assert.True(File.Exists(path)); // the kernel created the socket inode
        Assert.True(listener.Listen());
        Assert.Equal(path, listener.SockName()!.Path);

        using var client = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(client.Connect(new Dictionary<string, object?> { ["path"] = path }));
        var peer = new SocketAddress(AF_INET) { Address = "1.2.3.4", Port = 5 };
        using var server = listener.Accept(peer)!;
        Assert.Equal(AF_UNIX, peer.Family);
        Assert.Equal("", peer.Path); // the client is unnamed
        Assert.Null(peer.Address);
        Assert.Null(peer.Port);

        Assert.Equal(AF_UNIX, client.PeerName()!.Family);
        Assert.Equal(path, client.PeerName()!.Path);

        Assert.Equal(6L, client.Send("unix!\n"));
        Assert.Equal("unix!\n"u8.ToArray(), server.Recv());
        Assert.True(server.Shutdown(SHUT_WR));
        Assert.Empty(client.Recv()!);

        var cred = client.PeerCred()!;
        Expect.NoError(client);
        Assert.Equal(Environment.ProcessId, cred.Pid);
        Assert.Equal(ProcStatusId("Uid"), cred.Uid);
        Assert.Equal(ProcStatusId("Gid"), cred.Gid);
    }

    [Fact]
    public void DatagramOverPathsReportsTheSender()
    {
        using var dir = new TempDir();
        using var a = Create(AF_UNIX, SOCK_DGRAM)!;
        using var b = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(a.Bind(dir.File("a.sock")));
        Assert.True(b.Bind(new SocketAddress(AF_UNIX) { Path = dir.File("b.sock") }));

        Assert.Equal(3L, b.Send("dgm", 0, dir.File("a.sock")));
        var from = new SocketAddress();
        Assert.Equal("dgm"u8.ToArray(), a.Recv(100, 0, from));
        Assert.Equal(AF_UNIX, from.Family);
        Assert.Equal(dir.File("b.sock"), from.Path);

        // An unbound sender has no address: the kernel reports a zero length, so the family is AF_UNSPEC
        // and the stale fields of the previous sender are gone.
        using var c = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.Equal(1L, c.Send("x", 0, dir.File("a.sock")));
        Assert.Equal("x"u8.ToArray(), a.Recv(100, 0, from));
        Assert.Equal(AF_UNSPEC, from.Family);
        Assert.Null(from.Path);
    }

    [Theory]
    [InlineData("@")]
    [InlineData("\0")]
    public void AbstractNamesWithAtOrLeadingNul(string marker)
    {
        string name = UniqueName("ucsock-abs");
        using var listener = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(listener.Bind(marker + name));
        Assert.True(listener.Listen());
        Assert.Equal("@" + name, listener.SockName()!.Path);
        // The kernel lists abstract sockets with a leading @ in /proc/net/unix (this network namespace only).
        Assert.Contains(File.ReadAllLines("/proc/net/unix"), l => l.EndsWith(" @" + name, StringComparison.Ordinal));
        Assert.False(File.Exists(name));

        using var client = Create(AF_UNIX, SOCK_STREAM)!;
        // Connect with the other spelling: both name the same socket.
        Assert.True(client.Connect(new Dictionary<string, object?> { ["family"] = AF_UNIX, ["path"] = (marker == "@" ? "\0" : "@") + name }));
        using var server = listener.Accept()!;
        Assert.Equal("@" + name, client.PeerName()!.Path);
        Assert.Equal(2L, server.Send("hi"));
        Assert.Equal("hi"u8.ToArray(), client.Recv());
    }

    [Fact]
    public void AbstractDatagramReportsTheSenderName()
    {
        string na = UniqueName("ucsock-da"), nb = UniqueName("ucsock-db");
        using var a = Create(AF_UNIX, SOCK_DGRAM)!;
        using var b = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(a.Bind("@" + na));
        Assert.True(b.Bind("@" + nb));
        Assert.Equal(2L, b.Send("ab", 0, "@" + na));
        var from = new SocketAddress();
        Assert.Equal("ab"u8.ToArray(), a.Recv(10, 0, from));
        Assert.Equal("@" + nb, from.Path);
    }

    [Fact]
    public void PathsUpToSunPathFitAndLongerOnesAreRefused()
    {
        using var dir = new TempDir();
        // sun_path is 108 bytes (sys/un.h): 107 characters and the NUL fit.
        string prefix = dir.Path + "/";
        string exact = prefix + new string('p', 107 - prefix.Length);
        Assert.Equal(107, exact.Length);
        using var s = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(s.Bind(exact));
        Assert.Equal(exact, s.SockName()!.Path);
        Assert.True(File.Exists(exact));

        // A path of all 108 bytes goes without its NUL, as Linux takes and reports it (unix(7)); the kernel's own
        // report of the bound name is the proof that it arrived whole.
        using var full = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.True(full.Bind(exact + "q"));
        Assert.Equal(exact + "q", full.SockName()!.Path);
        Assert.True(File.Exists(exact + "q"));

        using var t = Create(AF_UNIX, SOCK_STREAM)!;
        Assert.Null(t.Bind(exact + "qq"));
        Expect.Error(t, "Invalid path value", Errno.EINVAL);
        Assert.Null(t.Connect(new Dictionary<string, object?> { ["path"] = exact + "qq" }));
        Expect.Error(t, "Invalid path value", Errno.EINVAL);

        // Abstract names use the whole array after the leading NUL: 107 bytes.
        string name = UniqueName("a");
        string longest = "@" + name + new string('n', 107 - name.Length);
        using var u = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.True(u.Bind(longest));
        Assert.Equal(longest, u.SockName()!.Path);
        using var v = Create(AF_UNIX, SOCK_DGRAM)!;
        Assert.Null(v.Bind(longest + "n"));
        Expect.Error(v, "Invalid path value", Errno.EINVAL);
    }

    [Fact]
    public void SocketPairExchangesAndKnowsItsPeer()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            Assert.Equal(AF_UNIX, a.SockName()!.Family);
            Assert.Equal("", a.SockName()!.Path);
            Assert.Equal("", a.PeerName()!.Path);
            Assert.Equal(3L, a.Send("abc"));
            Assert.Equal("abc"u8.ToArray(), b.Recv());
            var cred = b.PeerCred()!;
            Assert.Equal(Environment.ProcessId, cred.Pid);
            Assert.Equal(ProcStatusId("Uid"), cred.Uid);
            Assert.True(a.Shutdown(SHUT_RDWR));
            Assert.Empty(b.Recv()!);
        }
    }

    /// <summary>The effective id from /proc/self/status ("Uid:" real, effective, saved, fs).</summary>
    private static uint ProcStatusId(string key)
    {
        var line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return uint.Parse(line.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries)[2]);
    }
}
