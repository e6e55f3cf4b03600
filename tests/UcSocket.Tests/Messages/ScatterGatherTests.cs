using System;
using System.Collections.Generic;
using System.Text;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

public class ScatterGatherTests
{
    private static SocketPair DatagramPair()
    {
        var pair = Pair(SOCK_DGRAM);
        Assert.NotNull(pair);
        return pair;
    }

    private static string Text(object data) => Encoding.UTF8.GetString(Assert.IsType<byte[]>(data));

    [Fact]
    public void GatheredBuffersArriveAsOneDatagram()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            Assert.Equal(16L, a.SendMsg(new[] { "This", "is", "one", "message" }));
            Assert.Null(a.Error());

            using var msg = b.RecvMsg(64);
            Assert.NotNull(msg);
            Assert.Equal("Thisisonemessage", Text(msg!.Data));
            Assert.Equal(16L, msg.Length);
            Assert.Equal(0, msg.Flags);
            Assert.Null(msg.Ancillary);
            Assert.Single(msg.Buffers);

            // One datagram, not four: nothing else is queued.
            Assert.Null(b.RecvMsg(64, 0, MSG_DONTWAIT));
            Assert.Equal(Errno.EAGAIN, b.Error(true));
        }
    }

    [Fact]
    public void MixedItemsAreSentAsBytesTextAndInvariantNumbers()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            var items = new object?[] { "a", new byte[] { 0, 255 }, 42, 1.5, true, null, new ReadOnlyMemory<byte>(new byte[] { 7 }) };
            Assert.Equal(13L, a.SendMsg(items));
            using var msg = b.RecvMsg(64)!;
            var expected = new List<byte> { (byte)'a', 0, 255 };
            expected.AddRange(Encoding.ASCII.GetBytes("421.5true"));
            expected.Add(7);
            Assert.Equal(expected.ToArray(), (byte[])msg.Data);
        }
    }

    [Fact]
    public void ScatterIntoOneTwoAndTenByteBuffers()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            Assert.Equal(13L, a.SendMsg("abcdefghijklm"));
            using var msg = b.RecvMsg(new[] { 1, 2, 10 })!;
            var parts = Assert.IsType<byte[][]>(msg.Data);
            Assert.Equal(new[] { "a", "bc", "defghijklm" }, Array.ConvertAll(parts, p => Encoding.ASCII.GetString(p)));
            Assert.Equal(3, msg.Buffers.Count);
            Assert.Equal(13L, msg.Length);
            Assert.Equal(0, msg.Flags & MSG_TRUNC);

            // A short datagram leaves the later buffers empty.
            Assert.Equal(3L, a.SendMsg(Encoding.ASCII.GetBytes("xyz")));
            using var shortMsg = b.RecvMsg(new List<object> { 1, 2L, "10" })!;
            Assert.Equal(new[] { "x", "yz", "" }, Array.ConvertAll((byte[][])shortMsg.Data, p => Encoding.ASCII.GetString(p)));
            Assert.Equal(3L, shortMsg.Length);
        }
    }

    [Fact]
    public void LongerDatagramIsTruncatedAndFlagged()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            Assert.Equal(20L, a.SendMsg("abcdefghijklmnopqrst"));
            using var msg = b.RecvMsg(new[] { 1, 2, 10 })!;
            Assert.Equal(new[] { "a", "bc", "defghijklm" }, Array.ConvertAll((byte[][])msg.Data, p => Encoding.ASCII.GetString(p)));
            Assert.Equal(13L, msg.Length);
            Assert.NotEqual(0, msg.Flags & MSG_TRUNC);
            Assert.True(msg.IsTruncated);

            // With MSG_TRUNC passed, the length is the datagram's real length.
            Assert.Equal(20L, a.SendMsg("abcdefghijklmnopqrst"));
            using var real = b.RecvMsg(4, 0, MSG_TRUNC)!;
            Assert.Equal("abcd", Text(real.Data));
            Assert.Equal(20L, real.Length);
            Assert.NotEqual(0, real.Flags & MSG_TRUNC);
        }
    }

    [Fact]
    public void PeekWithTruncGivesEmptyDataAndTheRealLength()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            Assert.Equal(11L, a.SendMsg("hello world"));
            using var peek = b.RecvMsg(0, 0, MSG_PEEK | MSG_TRUNC)!;
            Assert.Empty(Assert.IsType<byte[]>(peek.Data));
            Assert.Equal(11L, peek.Length);
            Assert.NotEqual(0, peek.Flags & MSG_TRUNC);

            // Peeking left the datagram queued; the default size (4096) receives it whole.
            using var msg = b.RecvMsg()!;
            Assert.Equal("hello world", Text(msg.Data));
            Assert.Equal(11L, msg.Length);
            Assert.Equal(0, msg.Flags);
        }
    }

    [Fact]
    public void PeekOnAStreamLeavesTheDataQueued()
    {
        var pair = Pair(SOCK_STREAM)!;
        using var a = pair.First;
        using var b = pair.Second;
        Assert.Equal(6L, a.SendMsg(new[] { "stre", "am" }));
        using var peek = b.RecvMsg(new[] { 2, 2 }, 0, MSG_PEEK)!;
        Assert.Equal(new[] { "st", "re" }, Array.ConvertAll((byte[][])peek.Data, p => Encoding.ASCII.GetString(p)));
        Assert.Equal(4L, peek.Length);
        using var all = b.RecvMsg(16)!;
        Assert.Equal("stream", Text(all.Data));
        Assert.Null(all.Address);
    }

    [Fact]
    public void EmptyDataSendsAZeroLengthDatagram()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            Assert.Equal(0L, a.SendMsg());
            using var msg = b.RecvMsg(16)!;
            Assert.Equal(0L, msg.Length);
            Assert.Empty((byte[])msg.Data);
        }
    }

    [Fact]
    public void SenderAddressOfABoundUnixDatagramSocket()
    {
        string name = "@ucsocket-msg-" + Guid.NewGuid().ToString("N");
        using var receiver = Create(AF_UNIX, SOCK_DGRAM)!;
        using var sender = Create(AF_UNIX, SOCK_DGRAM)!;
        Native.Bind(receiver, name + "-r");
        Native.Bind(sender, name + "-s");

        Assert.Equal(2L, sender.SendMsg("hi", null, new Dictionary<string, object?> { ["path"] = name + "-r" }));
        using var msg = receiver.RecvMsg(16)!;
        Assert.Equal("hi", Text(msg.Data));
        Assert.NotNull(msg.Address);
        Assert.Equal(AF_UNIX, msg.Address!.Family);
        Assert.Equal(name + "-s", msg.Address.Path);
        var dict = msg.ToDictionary();
        Assert.Equal(new[] { "flags", "length", "address", "data" }, new List<string>(dict.Keys));
    }

    [Fact]
    public void UdpOverLoopbackReportsTheSendersAddress()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Native.Bind(receiver, "127.0.0.1:0");
        var to = Native.SockName(receiver);

        Assert.Equal(5L, sender.SendMsg("hello", null, to));
        using var msg = receiver.RecvMsg(64)!;
        var from = Native.SockName(sender);
        Assert.Equal("hello", Text(msg.Data));
        Assert.Equal(AF_INET, msg.Address!.Family);
        Assert.Equal("127.0.0.1", msg.Address.Address);
        Assert.Equal(from.Port, msg.Address.Port);
        Assert.NotEqual(0, from.Port);
    }

    [Fact]
    public void UdpOverIpv6LoopbackWithAStringAddress()
    {
        using var receiver = Create(AF_INET6, SOCK_DGRAM)!;
        using var sender = Create(AF_INET6, SOCK_DGRAM)!;
        Native.Bind(receiver, "[::1]:0");
        int port = Native.SockName(receiver).Port!.Value;

        Assert.Equal(3L, sender.SendMsg(new[] { "v", "6" , "!" }, null, $"[::1]:{port}"));
        using var msg = receiver.RecvMsg(new[] { 2, 2 })!;
        Assert.Equal(new[] { "v6", "!" }, Array.ConvertAll((byte[][])msg.Data, p => Encoding.ASCII.GetString(p)));
        Assert.Equal(AF_INET6, msg.Address!.Family);
        Assert.Equal("::1", msg.Address.Address);
    }
}
