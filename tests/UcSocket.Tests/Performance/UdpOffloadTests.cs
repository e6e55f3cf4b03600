using System;
using System.Linq;
using Xunit;

using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>UDP GSO (UDP_SEGMENT) on send and GRO (UDP_GRO) on receive, over loopback.</summary>
public class UdpOffloadTests
{
    private const int Segment = 100;

    private static byte[] Data(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + i / 7)).ToArray();

    [Fact]
    public void GsoSendIsSplitIntoDatagramsWithoutGro()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        var batch = new DatagramBatch(1, 64 * 1024, ControlBuffer.SpaceFor(2));
        var data = Data(31 * Segment + 50);
        batch.Set(0, data);
        Assert.True(batch.SetAddress(0, receiver.SockName()));
        Assert.True(batch.GetControl(0).TryAddValue<ushort>(SOL_UDP, UDP_SEGMENT, Segment));
        Assert.Equal(1, sender.SendMmsg(batch));

        // Without UDP_GRO the receiver sees the 32 datagrams the kernel cut.
        var incoming = new DatagramBatch(64, 2048);
        int got = 0;
        while (got < 32)
        {
            int? n = receiver.RecvMmsg(incoming, got, 64 - got, Sockets.MSG_WAITFORONE);
            Assert.True(n is > 0, receiver.Error());
            got += n!.Value;
        }
        Assert.Equal(32, got);
        Assert.Null(receiver.RecvMmsg(incoming, Sockets.MSG_DONTWAIT));
        for (int i = 0; i < 32; i++)
            Assert.Equal(data.Skip(i * Segment).Take(Segment).ToArray(), incoming.GetData(i).ToArray());
    }

    [Fact]
    public void GroReceiveSplitsBackIntoTheSentSegments()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.True(receiver.SetOpt(SockOpt.UdpGro, true), receiver.Error());
        Assert.True(sender.Connect(receiver.SockName()!));
        // The socket option form of UDP_SEGMENT: every send is cut into 100-byte segments.
        Assert.True(sender.SetOpt(SockOpt.UdpSegment, Segment), sender.Error());
        Assert.Equal(Segment, sender.GetOpt(SockOpt.UdpSegment));

        var data = Data(31 * Segment + 50);
        Assert.Equal(data.Length, sender.Send(data.AsSpan()));

        var incoming = new DatagramBatch(4, 64 * 1024, 64);
        int? received = receiver.RecvMmsg(incoming, Sockets.MSG_WAITFORONE);
        Assert.True(received is > 0, receiver.Error());
        var segments = new System.Collections.Generic.List<byte[]>();
        for (int i = 0; i < received!.Value; i++)
        {
            // Each coalesced message says its segment size in a UDP_GRO control message.
            Assert.True(incoming.GetControl(i).TryGet(Cmsg.UdpGro, out int size), "no UDP_GRO control message");
            Assert.Equal(Segment, size);
            int count = 0;
            foreach (var s in incoming.GetSegments(i, size))
            {
                segments.Add(s.ToArray());
                count++;
            }
            Assert.Equal(incoming.GetSegmentCount(i, size), count);
        }
        // Coalesced: fewer messages than segments, and the segments are exactly what was sent.
        Assert.True(received.Value < 32);
        Assert.Equal(32, segments.Count);
        for (int i = 0; i < 32; i++)
            Assert.Equal(data.Skip(i * Segment).Take(Segment).ToArray(), segments[i]);
        Assert.Equal(50, segments[^1].Length);
    }

    [Fact]
    public void SegmentsOfAPlainDatagramAreTheDatagram()
    {
        var batch = new DatagramBatch(1, 300);
        batch.Set(0, Data(250));
        int n = 0;
        foreach (var s in batch.GetSegments(0, 0))
        {
            Assert.Equal(Data(250), s.ToArray());
            n++;
        }
        Assert.Equal(1, n);
        Assert.Equal(3, batch.GetSegmentCount(0, 100));
        batch.SetLength(0, 0);
        Assert.Equal(0, batch.GetSegmentCount(0, 100));
        foreach (var _ in batch.GetSegments(0, 100)) Assert.Fail("an empty message has no segments");
    }
}
