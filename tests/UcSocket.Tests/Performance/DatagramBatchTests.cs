using System;
using System.Linq;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>Batched datagrams; one test checks that a descriptor number was closed, so the class runs alone.</summary>
[Collection(DescriptorAccountingCollection.Name)]
public class DatagramBatchTests
{
    private static byte[] Payload(int i, int length = 64) =>
        Enumerable.Range(0, length).Select(k => (byte)(i * 7 + k)).ToArray();

    /// <summary>Receives exactly <paramref name="expected"/> datagrams into the batch from index 0, waiting for each.</summary>
    private static void ReceiveAll(SocketHandle s, DatagramBatch batch, int expected)
    {
        int got = 0;
        while (got < expected)
        {
            int? n = s.RecvMmsg(batch, got, expected - got, MSG_WAITFORONE);
            Assert.True(n is > 0, s.Error());
            got += n!.Value;
        }
    }

    [Fact]
    public void ThirtyTwoDatagramsWithPerMessageAddressesAndTtl()
    {
        using var first = Udp.Bound();
        using var second = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.True(first.SetOpt(SockOpt.IpRecvTtl, true));
        Assert.True(second.SetOpt(SockOpt.IpRecvTtl, true));
        var firstAddress = RawSocketAddress.From(first.SockName())!;
        var secondAddress = RawSocketAddress.From(second.SockName())!;

        // Even messages go to the first socket, odd ones to the second; each carries its own TTL as an IP_TTL cmsg.
        var outgoing = new DatagramBatch(32, 64, ControlBuffer.SpaceFor(sizeof(int)));
        for (int i = 0; i < 32; i++)
        {
            outgoing.Set(i, Payload(i));
            Assert.True(outgoing.SetAddress(i, i % 2 == 0 ? firstAddress : secondAddress));
            Assert.True(outgoing.GetControl(i).TryAdd(Cmsg.IpTtl, 10 + i), Error());
        }
        Assert.Equal(32, sender.SendMmsg(outgoing));
        Expect.NoError(sender);

        var senderName = Udp.KernelSockName(sender);
        var incoming = new DatagramBatch(32, 128, 64);
        foreach (var (socket, parity) in new[] { (first, 0), (second, 1) })
        {
            ReceiveAll(socket, incoming, 16);
            for (int k = 0; k < 16; k++)
            {
                int i = 2 * k + parity;
                Assert.Equal(64, incoming.GetLength(k));
                Assert.Equal(Payload(i), incoming.GetData(k).ToArray());
                Assert.Equal(0, incoming.GetFlags(k));
                Assert.Equal(senderName, incoming.GetAddressBytes(k).ToArray());
                var from = incoming.GetAddress(k)!;
                Assert.Equal("127.0.0.1", from.Address);
                Assert.Equal(sender.SockName()!.Port, from.Port);
                // The kernel reports the TTL the datagram arrived with: the one set for it.
                Assert.True(incoming.GetControl(k).TryGet(Cmsg.IpTtl, out int ttl));
                Assert.Equal(10 + i, ttl);
            }
            Assert.Null(socket.RecvMmsg(incoming, MSG_DONTWAIT));
            Expect.Error(socket, "recvmmsg()", Errno.EAGAIN);
        }
    }

    [Fact]
    public void PartialBatches()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.True(sender.Connect(receiver.SockName()!));
        var outgoing = new DatagramBatch(32, 64);
        for (int i = 0; i < 32; i++) outgoing.Set(i, Payload(i, 8 + i));

        // Messages 5..9 only: start and count pick the slice.
        Assert.Equal(5, sender.SendMmsg(outgoing, 5, 5));
        var incoming = new DatagramBatch(32, 64);
        Assert.Equal(5, receiver.RecvMmsg(incoming, MSG_WAITFORONE)); // fewer queued than the batch holds
        for (int k = 0; k < 5; k++) Assert.Equal(Payload(5 + k, 13 + k), incoming.GetData(k).ToArray());

        // A receive into the middle of the batch leaves the other messages alone.
        Assert.Equal(2, sender.SendMmsg(outgoing, 30, 2));
        Assert.Equal(2, receiver.RecvMmsg(incoming, 10, 3, MSG_WAITFORONE));
        Assert.Equal(Payload(30, 38), incoming.GetData(10).ToArray());
        Assert.Equal(Payload(31, 39), incoming.GetData(11).ToArray());
        Assert.Equal(Payload(5, 13), incoming.GetData(0).ToArray());

        // A count of 0 is a successful no-op.
        Assert.Equal(0, sender.SendMmsg(outgoing, 32, 0));
        Expect.NoError(sender);
        Assert.Equal(0, receiver.RecvMmsg(incoming, 0, 0, MSG_DONTWAIT));
        Assert.Null(receiver.RecvMmsg(incoming, MSG_DONTWAIT));
        Expect.Error(receiver, "recvmmsg()", Errno.EAGAIN);
    }

    [Fact]
    public void AReceivedBatchSentBackGoesToEachSender()
    {
        using var echo = Udp.Bound();
        using var first = Udp.Bound();
        using var second = Udp.Bound();
        var to = RawSocketAddress.From(echo.SockName())!;
        for (int i = 0; i < 6; i++)
            Assert.Equal(1L + i, (i % 2 == 0 ? first : second).SendMsg(Payload(i, 1 + i), null, to));

        var batch = new DatagramBatch(8, 64);
        ReceiveAll(echo, batch, 6);
        Assert.Equal(6, echo.SendMmsg(batch, 0, 6));

        var back = new DatagramBatch(8, 64);
        ReceiveAll(first, back, 3);
        for (int k = 0; k < 3; k++) Assert.Equal(Payload(2 * k, 1 + 2 * k), back.GetData(k).ToArray());
        ReceiveAll(second, back, 3);
        for (int k = 0; k < 3; k++) Assert.Equal(Payload(2 * k + 1, 2 + 2 * k), back.GetData(k).ToArray());
    }

    [Fact]
    public void ALengthReceivedWithMsgTruncIsNeverSentPastTheBuffer()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.Equal(100L, sender.SendMsg(Payload(3, 100), null, RawSocketAddress.From(receiver.SockName())));
        var batch = new DatagramBatch(2, 40);
        Assert.Equal(1, receiver.RecvMmsg(batch, 0, 1, MSG_WAITFORONE | MSG_TRUNC));
        Assert.Equal(100, batch.GetLength(0));
        // Sent back: only the 40 bytes the buffer holds.
        Assert.Equal(1, receiver.SendMmsg(batch, 0, 1));
        var back = new DatagramBatch(1, 200);
        Assert.Equal(1, sender.RecvMmsg(back, MSG_WAITFORONE));
        Assert.Equal(Payload(3, 100)[..40], back.GetData(0).ToArray());
    }

    [Fact]
    public void TruncatedDatagramIsFlagged()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.True(sender.Connect(receiver.SockName()!));
        Assert.Equal(100L, sender.Send(Payload(1, 100)));
        var incoming = new DatagramBatch(2, 40);
        Assert.Equal(1, receiver.RecvMmsg(incoming, MSG_WAITFORONE | MSG_TRUNC));
        Assert.Equal(MSG_TRUNC, incoming.GetFlags(0) & MSG_TRUNC);
        Assert.Equal(100, incoming.GetLength(0)); // MSG_TRUNC passed: the datagram's real length
        Assert.Equal(Payload(1, 100)[..40], incoming.GetData(0).ToArray());
    }

    [Fact]
    public void ErrorsNameTheArgument()
    {
        using var s = Udp.Bound();
        var batch = new DatagramBatch(4, 16);

        Assert.Null(s.SendMmsg(null!));
        Expect.Error(s, "Invalid batch argument (null)", Errno.EINVAL);
        Assert.Null(s.RecvMmsg(batch, -1, 1));
        Expect.Error(s, "Invalid start argument (-1; the batch holds 4 messages)", Errno.EINVAL);
        Assert.Null(s.SendMmsg(batch, 2, 3));
        Expect.Error(s, "Invalid count argument (3; 2 messages from 2)", Errno.EINVAL);
        Assert.Null(s.RecvMmsg(batch, 0, -1));
        Expect.Error(s, "Invalid count argument (-1; 4 messages from 0)", Errno.EINVAL);

        // Unconnected and no destination: the kernel's own error.
        batch.Set(0, new byte[] { 1 });
        Assert.Null(s.SendMmsg(batch, 0, 1));
        Expect.Error(s, "sendmmsg()", Errno.EDESTADDRREQ);

        // A bad address is refused when set, naming what is wrong, and the old one is kept.
        Assert.False(batch.SetAddress(0, "127.0.0.1:99999"));
        Assert.Equal(Errno.EINVAL, Error(true));
        Assert.Contains("port", Error()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, batch.GetAddressBytes(0).Length);

        // Closed handle: the socket context is checked first.
        s.Close();
        Assert.Null(s.SendMmsg(batch));
        Expect.Error(s, "Invalid socket context", Errno.EBADF);
        Assert.Null(s.RecvMmsg(null!, -5, 0));
        Expect.Error(s, "Invalid socket context", Errno.EBADF);
    }

    [Fact]
    public void BatchAccessorsRejectBadArguments()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(0, 64)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(DatagramBatch.MaxCount + 1, 64)).ParamName);
        Assert.Equal("messageSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(4, -1)).ParamName);
        Assert.Equal("messageSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(1024, int.MaxValue / 2)).ParamName);
        Assert.Equal("controlSize", Assert.Throws<ArgumentOutOfRangeException>(() => new DatagramBatch(4, 64, -8)).ParamName);

        var batch = new DatagramBatch(4, 16);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetData(4)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetLength(-1, 0)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => batch.SetLength(0, 17)).ParamName);
        // Never cut short silently.
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => batch.Set(0, new byte[17])).ParamName);
        Assert.Throws<InvalidOperationException>(() => batch.GetControl(0));
        Assert.Equal("segmentSize", Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetSegments(0, -1)).ParamName);
    }

    [Fact]
    public void DescriptorsReceivedInABatchAreOwned()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            var (read, write) = Messages.Native.Pipe();
            using (read)
            using (write)
            {
                Assert.Equal(1L, a.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(write)) }));
                Assert.Equal(1L, a.SendMsg("y", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(write)) }));
            }
            var batch = new DatagramBatch(4, 16, 64);
            Assert.Equal(2, b.RecvMmsg(batch, MSG_DONTWAIT));
            Assert.True(batch.GetControl(0).TryGet(Cmsg.ScmRights, out FileDescriptors? first));
            Assert.True(batch.GetControl(1).TryGet(Cmsg.ScmRights, out FileDescriptors? second));
            int firstFd = (int)first[0].DangerousGetHandle();
            int secondFd = (int)second[0].DangerousGetHandle();
            Assert.True(DescriptorAccounting.IsOpen(firstFd));
            Assert.True(Messages.Native.IsCloseOnExec(firstFd));

            // The caller takes the first; the second is closed when its buffer is cleared.
            var taken = batch.GetControl(0).TakeFileDescriptors();
            batch.ClearControls();
            Assert.True(DescriptorAccounting.IsOpen(firstFd));
            Assert.False(DescriptorAccounting.IsOpen(secondFd));
            foreach (var h in taken) h.Dispose();
            Assert.False(DescriptorAccounting.IsOpen(firstFd));
        }
    }
}
