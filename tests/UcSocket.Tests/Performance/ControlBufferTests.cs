using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Tmds.Linux;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>
/// <see cref="ControlBuffer"/>, the allocation-free control-message buffer: its layout, its capacity, sending and
/// receiving through it, and ownership of the descriptors it receives.
/// </summary>
public class ControlBufferTests
{
    [Fact]
    public void LayoutIsTheOneOfCmsg3()
    {
        // LP64: struct cmsghdr is 16 bytes, payloads are padded to 8 (CMSG_SPACE(4) = 24, CMSG_SPACE(16) = 32).
        Assert.Equal(24, ControlBuffer.SpaceFor(4));
        Assert.Equal(32, ControlBuffer.SpaceFor(16));
        Assert.Equal(16, ControlBuffer.SpaceFor(0));

        var c = new ControlBuffer(64);
        Assert.True(c.TryAdd(Cmsg.IpTtl, 42));
        Assert.True(c.TryAddValue<ushort>(SOL_UDP, UDP_SEGMENT, 1400));
        Assert.Equal(48, c.Length);
        var bytes = c.AsSpan();
        Assert.Equal(20UL, MemoryMarshal.Read<ulong>(bytes));           // cmsg_len = CMSG_LEN(4)
        Assert.Equal(IPPROTO_IP, MemoryMarshal.Read<int>(bytes[8..]));
        Assert.Equal(IP_TTL, MemoryMarshal.Read<int>(bytes[12..]));
        Assert.Equal(42, MemoryMarshal.Read<int>(bytes[16..]));
        Assert.Equal(0, MemoryMarshal.Read<int>(bytes[20..]));          // padding is zero
        Assert.Equal(18UL, MemoryMarshal.Read<ulong>(bytes[24..]));     // CMSG_LEN(2)
        Assert.Equal((ushort)1400, MemoryMarshal.Read<ushort>(bytes[40..]));

        var seen = new List<(int, int, int)>();
        foreach (var m in c) seen.Add((m.Level, m.Type, m.Payload.Length));
        Assert.Equal(new[] { (IPPROTO_IP, IP_TTL, 4), (SOL_UDP, UDP_SEGMENT, 2) }, seen);
        Assert.True(c.TryGetValue(SOL_UDP, UDP_SEGMENT, out ushort segment));
        Assert.Equal(1400, segment);
        Assert.False(c.TryGetValue(SOL_UDP, UDP_SEGMENT, out int _)); // not exactly 4 bytes: refused, not padded
        Assert.True(c.TryFind(IPPROTO_IP, IP_TTL, out var ttl));
        Assert.Equal(4, ttl.Length);
        Assert.False(c.TryGet(Cmsg.ScmCredentials, out _));

        c.Clear();
        Assert.Equal(0, c.Length);
        foreach (var _ in c) Assert.Fail("cleared buffer still has messages");
    }

    [Fact]
    public void AddingPastTheCapacityFailsAndChangesNothing()
    {
        var c = new ControlBuffer(40);
        Assert.True(c.TryAdd(Cmsg.IpTtl, 1));
        Assert.False(c.TryAdd(Cmsg.IpTtl, 2));
        Assert.Equal(105, Error(true)); // ENOBUFS (asm-generic/errno.h)
        Assert.StartsWith("Control buffer full (a 4-byte payload needs 24 bytes, 16 of 40 are free)", Error());
        Assert.Equal(24, c.Length);

        // Descriptors need the list form of SendMsg, which keeps them open: refused with the reason.
        var (read, write) = Messages.Native.Pipe();
        using (read)
        using (write)
        {
            Assert.False(new ControlBuffer(64).TryAdd(Cmsg.ScmRights, new FileDescriptors(write)));
            Assert.Equal(Errno.EINVAL, Error(true));
            Assert.Contains("SCM_RIGHTS", Error());
        }
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new ControlBuffer(-1)).ParamName);
    }

    [Fact]
    public void RecvMsgIntoCallerBuffers()
    {
        using var receiver = Udp.Bound();
        using var sender = Udp.Bound();
        Assert.True(receiver.SetOpt(SockOpt.IpRecvTtl, true));
        var to = RawSocketAddress.From(receiver.SockName())!;
        Assert.Equal(AF_INET, to.Family);
        Assert.Equal(receiver.SockName()!.Port, to.Port);

        var outgoing = new ControlBuffer(ControlBuffer.SpaceFor(4));
        Assert.True(outgoing.TryAdd(Cmsg.IpTtl, 77));
        Assert.Equal(5L, sender.SendMsg("hello"u8, outgoing, to));

        var control = new ControlBuffer(64);
        var from = new RawSocketAddress();
        var buffer = new byte[16];
        var result = receiver.RecvMsg(buffer, control, from);
        Assert.Equal(new ReceiveResult(5, 0), result);
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
        Assert.Equal(Udp.KernelSockName(sender), from.AsSpan().ToArray());
        Assert.Equal("127.0.0.1", from.ToSocketAddress()!.Address);
        Assert.True(control.TryGet(Cmsg.IpTtl, out int ttl));
        Assert.Equal(77, ttl);

        // Too small for the datagram and for the control message: both flagged by the kernel.
        Assert.Equal(5L, sender.SendMsg("world"u8, outgoing, to));
        var tiny = new ControlBuffer(8);
        var cut = receiver.RecvMsg(buffer.AsSpan(0, 2), tiny, null, MSG_TRUNC);
        Assert.NotNull(cut);
        Assert.Equal(5L, cut!.Value.Length);
        Assert.True(cut.Value.IsTruncated);
        Assert.True(cut.Value.IsControlTruncated);

        Assert.Null(receiver.RecvMsg(buffer, control, from, MSG_DONTWAIT));
        Expect.Error(receiver, "recvmsg()", Errno.EAGAIN);
        receiver.Close();
        Assert.Null(receiver.RecvMsg(buffer, control));
        Expect.Error(receiver, "Invalid socket context", Errno.EBADF);
    }

    [Fact]
    public void SendMsgErrorsAreTheKernels()
    {
        using var s = Udp.Bound();
        Assert.Null(s.SendMsg("x"u8, null));
        Expect.Error(s, "sendmsg()", Errno.EDESTADDRREQ);

        // A control message the kernel does not accept at this level.
        var bogus = new ControlBuffer(64);
        Assert.True(bogus.TryAddValue(IPPROTO_IP, 12345, 1));
        Assert.Null(s.SendMsg("x"u8, bogus, RawSocketAddress.From(s.SockName())));
        Expect.Error(s, "sendmsg()", Errno.EINVAL);
    }

    [Fact]
    public void ReceivedDescriptorsAreOwnedUntilTakenAndClosedOnTheNextReceive()
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            var (read, write) = Messages.Native.Pipe();
            using (read)
            using (write)
            {
                for (int i = 0; i < 2; i++)
                    Assert.Equal(1L, a.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(read, write)) }));
            }
            var control = new ControlBuffer(64);
            var buffer = new byte[4];
            Assert.Equal(1L, b.RecvMsg(buffer, control)!.Value.Length);
            FileDescriptors? first = null;
            foreach (var m in control)
            {
                Assert.True(m.TryGet(Cmsg.ScmRights, out FileDescriptors? fds));
                Assert.Equal(2, fds.Count);
                first = fds;
                Assert.Equal(fds.ToArray(), MemoryMarshal.Cast<byte, int>(m.Payload).ToArray());
            }
            Assert.NotNull(first);
            Assert.All(first!.ToArray(), fd => Assert.True(Messages.Native.IsCloseOnExec(fd)));
            Assert.True(first.IsOwned);

            // The next receive into the same buffer closes what was not taken (the kernel may then hand out the
            // same numbers again, so the handles are checked, not the numbers).
            Assert.Equal(1L, b.RecvMsg(buffer, control)!.Value.Length);
            Assert.All(first, h => Assert.True(h.IsClosed));
            var taken = control.TakeFileDescriptors();
            Assert.Equal(2, taken.Count);
            Messages.Native.Write((int)taken[1].DangerousGetHandle(), "ok");
            Assert.Equal("ok", Messages.Native.Read((int)taken[0].DangerousGetHandle()));
            control.Dispose();
            Assert.True(DescriptorAccounting.IsOpen((int)taken[0].DangerousGetHandle())); // taken: the caller's now
            foreach (var h in taken) h.Dispose();
        }
    }

    [Fact]
    public void RawAddressRejectsBadInput()
    {
        Assert.Null(RawSocketAddress.From("not an address"));
        Assert.Equal(Errno.EINVAL, Error(true));
        var raw = new RawSocketAddress();
        Assert.False(raw.TrySet(new byte[RawSocketAddress.MaxLength + 1]));
        Assert.Equal("Invalid sockaddr argument (129 bytes, at most 128): Invalid argument", Error());
        Assert.Equal(0, raw.Length);
        Assert.Null(raw.ToSocketAddress());

        var copy = RawSocketAddress.From(RawSocketAddress.From("127.0.0.1:4242"))!;
        Assert.Equal(16, copy.Length); // sizeof(struct sockaddr_in)
        Assert.Equal(4242, copy.Port);
        Assert.Equal("127.0.0.1:4242", copy.ToString());
    }
}
