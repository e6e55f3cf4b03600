using System;
using System.Collections.Generic;
using System.Reflection;
using UcSocket.Tests.Handle;
using Xunit;

namespace UcSocket.Tests.Matrix;

/// <summary>
/// The sockets a test row can name (<c>socket:</c>): each is created on loopback or as UNIX sockets, inside the
/// test run's private network namespace. The subject is the socket the option is tried on; the other sockets of
/// the setup (listener, peer) live as long as it.
/// </summary>
internal sealed class TestSocket : IDisposable
{
    private readonly List<IDisposable> _keep = new();

    private TestSocket(SocketHandle subject) => Subject = subject;

    public SocketHandle Subject { get; }

    public static readonly string[] Kinds =
    {
        "tcp4", "tcp6", "udp4", "udp6", "tcp4-listening", "tcp4-connected", "tcp6-connected", "udp4-connected",
        "unix-stream", "unix-dgram", "unix-seqpacket", "unix-pair", "raw4", "raw6", "packet", "packet-dgram", "packet-hooked", "netlink", "vsock",
        "tcp4-repair", "udplite4",
    };

    /// <summary>The value of a constant generated from the spec, by name (the spec grows; tests must not lag).</summary>
    public static int C(string name) =>
        typeof(Sockets).GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is { } v
            ? System.Convert.ToInt32(v)
            : throw new ArgumentException($"the spec defines no constant {name}");

    public static TestSocket Create(string kind)
    {
        switch (kind)
        {
            case "tcp4": return Plain(C("AF_INET"), C("SOCK_STREAM"));
            case "tcp6": return Plain(C("AF_INET6"), C("SOCK_STREAM"));
            case "udp4": return Plain(C("AF_INET"), C("SOCK_DGRAM"));
            case "udp6": return Plain(C("AF_INET6"), C("SOCK_DGRAM"));
            case "unix-stream": return Plain(C("AF_UNIX"), C("SOCK_STREAM"));
            case "unix-dgram": return Plain(C("AF_UNIX"), C("SOCK_DGRAM"));
            case "unix-seqpacket": return Plain(C("AF_UNIX"), C("SOCK_SEQPACKET"));
            case "raw4": return Plain(C("AF_INET"), C("SOCK_RAW"), C("IPPROTO_ICMP"));
            case "raw6": return Plain(C("AF_INET6"), C("SOCK_RAW"), C("IPPROTO_ICMPV6"));
            case "packet":
                Namespace.RequirePrivateNetworkNamespace();
                return Plain(C("AF_PACKET"), C("SOCK_RAW"));
            case "packet-dgram":
                Namespace.RequirePrivateNetworkNamespace();
                return Plain(C("AF_PACKET"), C("SOCK_DGRAM"));
            case "packet-hooked":
                // Created with a protocol (in network byte order), so hooked to every device as PACKET_FANOUT needs;
                // ETH_P_PUPAT is an EtherType no test sends, so the socket receives nothing and its counters stay 0.
                Namespace.RequirePrivateNetworkNamespace();
                return Plain(C("AF_PACKET"), C("SOCK_RAW"), System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)C("ETH_P_PUPAT")));
            case "netlink": return Plain(C("AF_NETLINK"), C("SOCK_RAW"), 0 /* NETLINK_ROUTE */);
            case "vsock": return Plain(40 /* AF_VSOCK */, C("SOCK_STREAM"));
            case "unix-pair":
            {
                var (a, b) = Sockets.Pair(C("SOCK_STREAM")) ?? throw new InvalidOperationException(Sockets.Error());
                var t = new TestSocket(a);
                t._keep.Add(b);
                return t;
            }
            case "tcp4-listening":
            {
                var s = Must(Sockets.Create(C("AF_INET"), C("SOCK_STREAM")));
                Check(s.Bind("127.0.0.1:0"), s);
                Check(s.Listen(), s);
                return new TestSocket(s);
            }
            case "tcp4-connected": return Connected(C("AF_INET"), "127.0.0.1");
            case "tcp6-connected": return Connected(C("AF_INET6"), "[::1]");
            case "udp4-connected":
            {
                var s = Must(Sockets.Create(C("AF_INET"), C("SOCK_DGRAM")));
                Check(s.Connect("127.0.0.1:9"), s);
                return new TestSocket(s);
            }
            case "udplite4": return Plain(C("AF_INET"), C("SOCK_DGRAM"), C("IPPROTO_UDPLITE"));
            case "tcp4-repair":
            {
                // In repair mode connect() sends nothing and enters ESTABLISHED at once (tcp(7), TCP_REPAIR): a
                // connection whose options and window can be restored, with no peer at all.
                var s = Must(Sockets.Create(C("AF_INET"), C("SOCK_STREAM")));
                Assert.True(s.SetOpt(C("IPPROTO_TCP"), C("TCP_REPAIR"), 1) == true, s.Error());
                Check(s.Bind("127.0.0.1:0"), s);
                Check(s.Connect("127.0.0.1:9"), s);
                return new TestSocket(s);
            }
            default: throw new ArgumentException($"unknown socket kind '{kind}' (known: {string.Join(", ", Kinds)})");
        }
    }

    private static TestSocket Plain(int domain, int type, int protocol = 0) =>
        new(Must(Sockets.Create(domain, type, protocol)));

    private static TestSocket Connected(int family, string host)
    {
        var listener = Must(Sockets.Create(family, C("SOCK_STREAM")));
        Check(listener.Bind(host + ":0"), listener);
        Check(listener.Listen(), listener);
        var port = listener.SockName()!.Port!.Value;
        var client = Must(Sockets.Create(family, C("SOCK_STREAM")));
        Check(client.Connect(host + ":" + port), client);
        var server = Must(listener.Accept());
        var t = new TestSocket(client);
        t._keep.Add(server);
        t._keep.Add(listener);
        return t;
    }

    private static SocketHandle Must(SocketHandle? s) => s ?? throw new InvalidOperationException("socket(): " + Sockets.Error());

    private static void Check(bool? ok, SocketHandle s) => Assert.True(ok == true, s.Error());

    public void Dispose()
    {
        Subject.Dispose();
        foreach (var k in _keep) k.Dispose();
    }
}
