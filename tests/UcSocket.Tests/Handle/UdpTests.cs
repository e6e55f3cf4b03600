using System;
using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class UdpTests
{
    [Theory]
    [InlineData(AF_INET, "127.0.0.1")]
    [InlineData(AF_INET6, "::1")]
    public void UnconnectedSendToAddressAndRecvWithSender(int family, string loopback)
    {
        using var a = Create(family, SOCK_DGRAM)!;
        using var b = Create(family, SOCK_DGRAM)!;
        Assert.True(a.Bind(new Dictionary<string, object?> { ["family"] = family, ["address"] = loopback, ["port"] = 0 }));
        Assert.True(b.Bind(new Dictionary<string, object?> { ["address"] = loopback }));
        var aAddress = a.SockName()!;
        var bAddress = b.SockName()!;
        Assert.NotEqual(aAddress.Port, bAddress.Port);

        // Destination as a SocketAddress, as text and as a dictionary.
        Assert.Equal(4L, b.Send("ping", 0, aAddress));
        string text = family == AF_INET ? $"{loopback}:{aAddress.Port}" : $"[{loopback}]:{aAddress.Port}";
        Assert.Equal(5L, b.Send("ping2", 0, text));
        Assert.Equal(5L, b.Send("ping3", 0, new Dictionary<string, object?> { ["address"] = loopback, ["port"] = aAddress.Port }));

        foreach (var expected in new[] { "ping", "ping2", "ping3" })
        {
            var from = new SocketAddress();
            var data = a.Recv(100, 0, from);
            Assert.Equal(System.Text.Encoding.ASCII.GetBytes(expected), data);
            Assert.Equal(family, from.Family);
            Assert.Equal(loopback, from.Address);
            Assert.Equal(bAddress.Port, from.Port);
        }

        // Unconnected: no peer.
        Assert.Null(a.PeerName());
        Expect.Error(a, "getpeername()", Errno.ENOTCONN);
    }

    [Fact]
    public void ConnectedDatagramSocketsNeedNoAddress()
    {
        using var a = Create(AF_INET, SOCK_DGRAM)!;
        using var b = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(a.Bind("127.0.0.1:0"));
        int port = a.SockName()!.Port!.Value;
        Assert.True(b.Connect("127.0.0.1", port));
        Assert.Equal(port, b.PeerName()!.Port);

        Assert.Equal(3L, b.Send("one"));
        var from = new SocketAddress();
        Assert.Equal("one"u8.ToArray(), a.Recv(10, 0, from));
        Assert.Equal(b.SockName()!.Port, from.Port);

        Assert.True(a.Connect(b.SockName()!));
        Assert.Equal(3L, a.Send(new ReadOnlyMemory<byte>(new byte[] { 7, 8, 9 })));
        Assert.Equal(new byte[] { 7, 8, 9 }, b.Recv());
    }

    [Fact]
    public void SendConvertsValuesAsDocumented()
    {
        using var a = Create(AF_INET, SOCK_DGRAM)!;
        using var b = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(a.Bind("127.0.0.1:0"));
        Assert.True(b.Connect(a.SockName()!));

        Assert.Equal(2L, b.Send(42));
        Assert.Equal("42"u8.ToArray(), a.Recv());
        Assert.Equal(4L, b.Send(true));
        Assert.Equal("true"u8.ToArray(), a.Recv());
        Assert.Equal(3L, b.Send(1.5));
        Assert.Equal("1.5"u8.ToArray(), a.Recv());
        Assert.Equal(4L, b.Send("h\u00e9!"));
        Assert.Equal(new byte[] { (byte)'h', 0xC3, 0xA9, (byte)'!' }, a.Recv());
        Assert.Equal(0L, b.Send((object?)null));
        Assert.Empty(a.Recv()!); // a zero-length datagram
        Assert.Equal(2L, b.Send(new ArraySegment<byte>(new byte[] { 1, 2, 3, 4 }, 1, 2)));
        Assert.Equal(new byte[] { 2, 3 }, a.Recv());

        string large = new('x', 3000);
        Assert.Equal(3000L, b.Send(large));
        Assert.Equal(3000, a.Recv(5000)!.Length);
    }

    [Fact]
    public void SpanOverloadsSendAndReceiveWithoutAnArray()
    {
        using var a = Create(AF_INET, SOCK_DGRAM)!;
        using var b = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(a.Bind("127.0.0.1:0"));
        Assert.True(b.Bind("127.0.0.1:0"));
        var aAddress = a.SockName()!;

        ReadOnlySpan<byte> payload = "span"u8;
        Assert.Equal(4L, b.Send(payload, 0, aAddress));
        Span<byte> buffer = stackalloc byte[16];
        var from = new SocketAddress();
        Assert.Equal(4L, a.Recv(buffer, 0, from));
        Assert.True(buffer[..4].SequenceEqual(payload));
        Assert.Equal(b.SockName()!.Port, from.Port);

        Assert.True(b.Connect(aAddress));
        Assert.Equal(2L, b.Send("ab"u8));
        Assert.Equal(2L, a.Recv(buffer));
        Assert.Equal((byte)'a', buffer[0]);
    }
}

public class RecvFlagTests
{
    [Fact]
    public void PeekLeavesTheDataQueued()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.Equal(5L, a.Send("peek!"));
            Assert.Equal("peek"u8.ToArray(), b.Recv(4, MSG_PEEK));
            Assert.Equal("peek!"u8.ToArray(), b.Recv(10, MSG_PEEK));
            Assert.Equal("peek!"u8.ToArray(), b.Recv(10));
            Assert.Null(b.Recv(10, MSG_DONTWAIT));
            Expect.Error(b, "recv()", Errno.EAGAIN);
        }
    }

    [Fact]
    public void DontWaitOnAnEmptySocketIsEagain()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(s.Bind("127.0.0.1:0"));
        Assert.Null(s.Recv(100, MSG_DONTWAIT));
        Assert.Equal("recv(): Resource temporarily unavailable", s.Error());
        Assert.Equal(Errno.EAGAIN, s.Error(true));

        Span<byte> buffer = stackalloc byte[8];
        Assert.Null(s.Recv(buffer, MSG_DONTWAIT));
        Expect.Error(s, "recv()", Errno.EAGAIN);
    }

    [Fact]
    public void TruncOnADatagramReturnsOnlyWhatFits()
    {
        using var a = Create(AF_INET, SOCK_DGRAM)!;
        using var b = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(a.Bind("127.0.0.1:0"));
        Assert.True(b.Connect(a.SockName()!));
        byte[] datagram = { 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 };
        Assert.Equal(10L, b.Send(datagram));
        Assert.Equal(10L, b.Send(datagram));
        Assert.Equal(10L, b.Send(datagram));

        // The span overload reports the kernel's full length; an empty buffer probes the size.
        Assert.Equal(10L, a.Recv(Span<byte>.Empty, MSG_PEEK | MSG_TRUNC));
        Span<byte> small = stackalloc byte[4];
        Assert.Equal(10L, a.Recv(small, MSG_TRUNC));
        Assert.Equal(new byte[] { 10, 11, 12, 13 }, small.ToArray());

        // The array overload never returns more than was received.
        Assert.Equal(new byte[] { 10, 11, 12 }, a.Recv(3, MSG_TRUNC));
        // Without MSG_TRUNC the rest of a datagram is dropped all the same.
        Assert.Equal(new byte[] { 10, 11 }, a.Recv(2));
        Assert.Null(a.Recv(2, MSG_DONTWAIT));
    }
}

public class AllocationTests
{
    [Fact]
    public void SpanSendAndRecvAllocateNothing()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            ReadOnlySpan<byte> payload = "0123456789"u8;
            Span<byte> buffer = stackalloc byte[64];
            for (int i = 0; i < 10; i++) // warm up (JIT, thread statics)
            {
                a.Send(payload);
                b.Recv(buffer);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                if (a.Send(payload) != 10) Assert.Fail(a.Error());
                if (b.Recv(buffer) != 10) Assert.Fail(b.Error());
            }
            // A failing call records its error without allocating either.
            Assert.Null(b.Recv(buffer, MSG_DONTWAIT));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0L, allocated);
            Expect.Error(b, "recv()", Errno.EAGAIN);
        }
    }

    [Fact]
    public void LargeReceiveLengthsReturnOnlyWhatArrived()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            var data = new byte[3000];
            new Random(7).NextBytes(data);
            Assert.Equal(3000L, a.Send(data));
            Assert.Equal(data, b.Recv(4 << 20)); // beyond the pooled sizes
            Assert.Equal(3000L, a.Send(data));
            Assert.Equal(data, b.Recv(3000));
        }
    }
}
