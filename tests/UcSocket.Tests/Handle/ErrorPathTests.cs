using System;
using System.Collections.Generic;
using System.Threading;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class ErrorPathTests
{
    private const string Closed = "Invalid socket context";

    [Fact]
    public void EveryMethodOnAClosedHandleIsEbadf()
    {
        var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(s.Close());
        var address = new SocketAddress(AF_INET) { Address = "127.0.0.1", Port = 9 };
        Span<byte> buffer = stackalloc byte[4];

        Assert.Null(s.Bind("127.0.0.1:0"));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Bind(null));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Connect("127.0.0.1", 9));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Listen());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Accept());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Accept(out var peer));
        Assert.Null(peer);
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Shutdown(SHUT_RDWR));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.PeerName());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.SockName());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.PeerCred());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Send("x", 0, address));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Send("x"u8));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Send("x"u8, 0, address));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Recv());
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Recv(buffer));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Null(s.Recv(buffer, 0, address));
        Expect.Error(s, Closed, Errno.EBADF);
        // The closed-handle check comes first, as in ucode: even a bad argument reports the closed handle.
        Assert.Null(s.Recv(-1));
        Expect.Error(s, Closed, Errno.EBADF);
        Assert.Equal("Invalid socket context: Bad file descriptor", s.Error());
    }

    [Fact]
    public void BadAddressesNameWhatIsWrong()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.Bind("1.2.3.4:99999"));
        Expect.Error(s, "Invalid port number", Errno.EINVAL);
        Assert.Null(s.Connect("not-an-address"));
        Expect.Error(s, "Unable to parse IP address", Errno.EINVAL);
        Assert.Null(s.Connect(null!));
        Expect.Error(s, "Argument address is required", Errno.EINVAL);
        Assert.Null(s.Connect(3.5));
        Expect.Error(s, "Invalid address value", Errno.EINVAL);
        Assert.Null(s.Send("x", 0, "[::1"));
        Expect.Error(s, "Invalid IPv6 address", Errno.EINVAL);
        Assert.Null(s.Send("x", 0, new[] { 1, 2, 3 }));
        Expect.Error(s, "Invalid IP address array", Errno.EINVAL);
        // An IPv6 address on an IPv4 socket is the kernel's error (the seed's own example).
        Assert.Null(s.Bind("[::1]:8080"));
        Expect.Error(s, "bind()", Errno.EAFNOSUPPORT);
        Assert.Equal("bind(): Address family not supported by protocol", s.Error());
    }

    [Fact]
    public void ConnectRefusedAndPortArgumentErrors()
    {
        // A bound socket that does not listen holds the port: a connect to it is refused.
        using var holder = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(holder.Bind("127.0.0.1:0"));
        int port = holder.SockName()!.Port!.Value;

        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.Connect("127.0.0.1", port));
        Expect.Error(s, "connect()", Errno.ECONNREFUSED);
        Assert.Equal("connect(): Connection refused", s.Error());

        using var u = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(u.Connect("/tmp/some.sock", 80));
        Expect.Error(u, "Port argument is only valid for IPv4 and IPv6 addresses", Errno.EINVAL);
        Assert.Null(u.Connect("127.0.0.1", 65536));
        Expect.Error(u, "Invalid port number", Errno.ERANGE);
        Assert.Null(u.Connect("127.0.0.1", -1));
        Expect.Error(u, "Invalid port number", Errno.ERANGE);

        using var unix = Create(AF_UNIX, SOCK_STREAM)!;
        using var dir = new TempDir();
        Assert.Null(unix.Connect(dir.File("missing.sock")));
        Expect.Error(unix, "connect()", Errno.ENOENT);
    }

    [Fact]
    public void AddressInUse()
    {
        using var a = Create(AF_INET6, SOCK_STREAM)!;
        Assert.True(a.Bind("[::1]:0"));
        int port = a.SockName()!.Port!.Value;
        using var b = Create(AF_INET6, SOCK_STREAM)!;
        Assert.Null(b.Bind(new SocketAddress(AF_INET6) { Address = "::1", Port = port }));
        Expect.Error(b, "bind()", Errno.EADDRINUSE);
        Assert.Equal("bind(): Address already in use", b.Error());
    }

    [Fact]
    public void ListenAcceptShutdownAndNameErrors()
    {
        using var tcp = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(tcp.Accept());
        Expect.Error(tcp, "accept4()", Errno.EINVAL);
        Assert.Null(tcp.Accept(null, 1));
        Expect.Error(tcp, "Invalid flags argument", Errno.EINVAL);
        Assert.Null(tcp.Accept(out var peer, SOCK_NONBLOCK | MSG_PEEK));
        Assert.Null(peer);
        Expect.Error(tcp, "Invalid flags argument", Errno.EINVAL);
        Assert.Null(tcp.PeerName());
        Expect.Error(tcp, "getpeername()", Errno.ENOTCONN);
        Assert.Null(tcp.Shutdown(SHUT_WR));
        Expect.Error(tcp, "shutdown()", Errno.ENOTCONN);
        Assert.Null(tcp.Recv(-1));
        Expect.Error(tcp, "Invalid length argument", Errno.EINVAL);
        Assert.Null(tcp.Recv(0));
        Expect.Error(tcp, "Invalid length argument", Errno.EINVAL);
        Assert.Null(tcp.Recv(int.MaxValue));
        Expect.Error(tcp, "Out of memory", Errno.ENOMEM);
        Assert.Null(tcp.Recv(10, MSG_DONTWAIT));
        Expect.Error(tcp, "recv()", Errno.ENOTCONN);
        Assert.Null(tcp.Send("x"));
        Expect.Error(tcp, "send()", Errno.EPIPE);

        using var udp = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(udp.Listen());
        Expect.Error(udp, "listen()", Errno.EOPNOTSUPP);
        Assert.Null(udp.Send("x"));
        Expect.Error(udp, "send()", Errno.EDESTADDRREQ);

        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            Assert.Null(a.Shutdown(7));
            Expect.Error(a, "shutdown()", Errno.EINVAL);
            Assert.True(a.Shutdown(SHUT_WR));
            Assert.Null(a.Send("late"));
            Expect.Error(a, "send()", Errno.EPIPE); // MSG_NOSIGNAL: an error, not a signal
            Assert.Null(a.Bind(null));
            Expect.Error(a, "Unsupported socket address family", Errno.EAFNOSUPPORT);
        }

        using var connected = Create(AF_INET, SOCK_STREAM)!;
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        Assert.True(connected.Connect(listener.SockName()!));
        Assert.Null(connected.Connect(listener.SockName()!));
        Expect.Error(connected, "connect()", Errno.EISCONN);
    }

    [Fact]
    public void CallsOnADescriptorThatIsNoSocketReportTheSyscall()
    {
        int[] fds = new int[2];
        unsafe
        {
            fixed (int* p = fds) Assert.Equal(0, Tmds.Linux.LibC.pipe2(p, Tmds.Linux.LibC.O_CLOEXEC));
        }
        using var notSocket = new SocketHandle(fds[0], -1, -1, false);
        using var other = new SocketHandle(fds[1], -1, -1, false);
        Assert.Null(notSocket.PeerCred());
        Expect.Error(notSocket, "getsockopt()", Errno.ENOTSOCK);
        Assert.Null(notSocket.SockName());
        Expect.Error(notSocket, "getsockname()", Errno.ENOTSOCK);
        Assert.Null(notSocket.Recv(10, MSG_DONTWAIT));
        Expect.Error(notSocket, "recv()", Errno.ENOTSOCK);
        Assert.Null(other.Send("x"));
        Expect.Error(other, "send()", Errno.ENOTSOCK);
        Assert.Null(notSocket.Listen());
        Expect.Error(notSocket, "listen()", Errno.ENOTSOCK);
        Assert.Null(notSocket.Bind(null));
        Expect.Error(notSocket, "getsockopt()", Errno.ENOTSOCK);
    }

    [Fact]
    public void PeerCredOnTcpIsTheKernelsOverflowIdentity()
    {
        // SO_PEERCRED on a socket with no credentials gives pid 0; the call itself succeeds.
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"));
        Assert.True(listener.Listen());
        using var c = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(c.Connect(listener.SockName()!));
        var cred = c.PeerCred();
        Assert.NotNull(cred);
        Assert.Equal(0, cred!.Pid);
    }

    [Fact]
    public void ASucceedingCallClearsTheErrorAndTheRecordIsPerThread()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.Null(s.PeerName());
        Expect.Error(s, "getpeername()", Errno.ENOTCONN);

        object? seenElsewhere = "unset";
        var t = new Thread(() => seenElsewhere = Sockets.Error(true));
        t.Start();
        t.Join();
        Assert.Null(seenElsewhere);
        Expect.Error(s, "getpeername()", Errno.ENOTCONN);

        Assert.NotNull(s.SockName());
        Expect.NoError(s);
    }
}
