using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// The control-message codecs (<c>Cmsg.*</c>): payload bytes against layouts worked out by hand, typed and ucode
/// round trips, and real messages from the kernel decoded through them.
/// </summary>
public class ControlMessageCodecTests
{
    // IP_RECVTTL from linux/in.h: asks the kernel for an IP_TTL control message with each datagram.
    private const int IP_RECVTTL = 12;

    private static Dictionary<string, object?> Dict(params (string Key, object? Value)[] items)
    {
        var d = new Dictionary<string, object?>();
        foreach (var (k, v) in items) d[k] = v;
        return d;
    }

    private static byte[] Write<T>(ControlMessageType<T> type, T value)
    {
        var buffer = new byte[type.Codec.GetSize(value)];
        Assert.True(type.Codec.TryWrite(value, buffer, out int written, out var error), error);
        return buffer[..written];
    }

    private static byte[] Ints(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    // ---- the registry knows them at their (level, type) ----

    [Theory]
    [InlineData(SOL_SOCKET, SCM_RIGHTS, "SCM_RIGHTS")]
    [InlineData(SOL_SOCKET, SCM_CREDENTIALS, "SCM_CREDENTIALS")]
    [InlineData(SOL_SOCKET, SO_TIMESTAMP, "SO_TIMESTAMP")]
    [InlineData(IPPROTO_IP, IP_TTL, "IP_TTL")]
    public void RegistryFindsEachType(int level, int type, string name)
    {
        Assert.True(SpecRegistry.TryGetControlMessage(level, type, out var descriptor));
        Assert.Equal(name, descriptor.Name);
        Assert.Equal(level, descriptor.Level);
        Assert.Equal(type, descriptor.Type);
    }

    [Fact]
    public void ConstantsMatchTheHeaders()
    {
        // sys/socket.h (bits/socket.h), asm-generic/socket.h, linux/in.h on x86_64 and aarch64.
        Assert.Equal(1, SCM_RIGHTS);
        Assert.Equal(2, SCM_CREDENTIALS);
        Assert.Equal(29, SO_TIMESTAMP);
        Assert.Equal(2, IP_TTL);
        Assert.Same(Cmsg.ScmRights, SpecRegistry.ControlMessages.Single(c => c.Level == SOL_SOCKET && c.Type == SCM_RIGHTS));
    }

    // ---- SCM_RIGHTS: an array of int ----

    [Fact]
    public void ScmRights_EncodesTheDescriptorNumbers()
    {
        var (r, w) = Raw.Pipe();
        try
        {
            using var fds = new FileDescriptors(new SafeFileHandle(r, ownsHandle: false), new SafeFileHandle(w, ownsHandle: false));
            Assert.False(fds.IsOwned);
            Assert.Equal(Ints(r, w), Write(Cmsg.ScmRights, fds));

            Assert.True(Cmsg.ScmRights.TryEncodeUcode(new[] { r, w }, out var ucode, out var error), error.Context);
            Assert.Equal(Ints(r, w), ucode);
            Assert.True(Cmsg.ScmRights.TryEncodeUcode(new List<object?> { (long)w }, out ucode, out _));
            Assert.Equal(Ints(w), ucode);
        }
        finally
        {
            // Passed in for sending: still the caller's, still open.
            Assert.Equal(0, Raw.FdState(r));
            Raw.Close(r);
            Raw.Close(w);
        }
    }

    [Fact]
    public void ScmRights_SocketHandleItemsEncodeTheirDescriptor()
    {
        var pair = Pair()!;
        using var a = pair.First;
        using var b = pair.Second;
        Assert.True(Cmsg.ScmRights.TryEncodeUcode(new object[] { a, b.SafeHandle }, out var payload, out var error), error.Context);
        Assert.Equal(Ints(a.FileNo(), b.FileNo()), payload);
    }

    [Theory]
    [InlineData("text")]
    [InlineData(5)]
    public void ScmRights_NonArrayIsRefused(object value)
    {
        Assert.False(Cmsg.ScmRights.TryEncodeUcode(value, out _, out var error));
        Assert.Equal(22, error.Code);
        Assert.Contains("array of file descriptors", error.Context);
    }

    [Fact]
    public void ScmRights_ItemThatIsNoDescriptorIsNamedByIndex()
    {
        Assert.False(Cmsg.ScmRights.TryEncodeUcode(new object?[] { 0, "stdout" }, out _, out var error));
        Assert.Equal(22, error.Code);
        Assert.Contains("Descriptor 1", error.Context);
        Assert.False(Cmsg.ScmRights.TryEncodeUcode(new object?[] { -1 }, out _, out error));
        Assert.Contains("Descriptor 0", error.Context);
    }

    [Fact]
    public void ScmRights_ClosedHandleIsRefused()
    {
        var (r, w) = Raw.Pipe();
        Raw.Close(w);
        var closed = new SafeFileHandle(r, ownsHandle: true);
        closed.Dispose();
        var buffer = new byte[4];
        Assert.False(Cmsg.ScmRights.Codec.TryWrite(new FileDescriptors(closed), buffer, out _, out var error));
        Assert.Contains("Descriptor 0", error);
    }

    [Fact]
    public void ScmRights_DecodingBytesNeverOwnsTheNumbersInThem()
    {
        // Bytes a caller hands in are only numbers: decoding them must not own (and later close) whatever
        // descriptors of the process happen to have those numbers.
        var (r, w) = Raw.Pipe();
        int a = Raw.DupHigh(r), b = Raw.DupHigh(w);
        Raw.Close(r);
        Raw.Close(w);
        try
        {
            Assert.True(Cmsg.ScmRights.TryDecode(Ints(a, b), out var fds, out var error), error);
            Assert.False(fds.IsOwned);
            Assert.Equal(new[] { a, b }, fds.ToArray());
            fds.Dispose();
            Assert.Equal(0, Raw.FdState(a));
            Assert.Equal(0, Raw.FdState(b));

            Assert.True(Cmsg.ScmRights.TryDecodeUcode(Ints(a), out var data, out var ucodeError), ucodeError.Context);
            var ucode = Assert.IsType<FileDescriptors>(data);
            Assert.False(ucode.IsOwned);
            Assert.Equal($"[{a}]", ucode.ToString());
            ucode.Dispose();

            Assert.True(SockOpt.SoPeerPidfd.GetCodec.TryRead(Ints(b), out var peer, out _));
            Assert.False(peer.IsOwned);

            // Nor does the collector close them: nothing is left for a finalizer.
            fds = null!;
            data = null;
            ucode = null!;
            peer = null!;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.Equal(0, Raw.FdState(a));
            Assert.Equal(0, Raw.FdState(b));
        }
        finally
        {
            Raw.Close(a);
            Raw.Close(b);
        }
    }

    [Fact]
    public void ScmRights_ARaggedPayloadDoesNotDecode()
    {
        Assert.False(Cmsg.ScmRights.TryDecode(new byte[] { 1, 2, 3, 4, 5 }, out _, out var error));
        Assert.Equal("Unexpected 5-byte value for int[] (file descriptors)", error);
    }

    [Fact]
    public void ScmRights_ThroughTheKernel()
    {
        var pair = Pair()!;
        using var sender = pair.First;
        using var receiver = pair.Second;
        var (r, w) = Raw.Pipe();
        try
        {
            var payload = Write(Cmsg.ScmRights, new FileDescriptors(new SafeFileHandle(w, ownsHandle: false)));
            RawMessages.Send(sender.FileNo(), "fd"u8.ToArray(), new RawCmsg(SOL_SOCKET, SCM_RIGHTS, payload));
            Raw.Close(w); // the only write end left is the one in flight
            w = -1;

            var (data, control, _) = RawMessages.Receive(receiver.FileNo());
            Assert.Equal("fd"u8.ToArray(), data);
            var cmsg = Assert.Single(control);
            Assert.Equal((SOL_SOCKET, SCM_RIGHTS), (cmsg.Level, cmsg.Type));
            Assert.Equal(4, cmsg.Payload.Length);

            Assert.True(SpecRegistry.TryGetControlMessage(cmsg.Level, cmsg.Type, out var type));
            Assert.Same(Cmsg.ScmRights, type);
            // Received with a raw recvmsg: the test owns the descriptor and hands it over explicitly.
            Assert.True(Cmsg.ScmRights.TryDecode(cmsg.Payload, out var numbers, out var error), error);
            Assert.False(numbers.IsOwned);
            var fds = FileDescriptors.TakeOwnership(numbers.ToArray());
            Assert.True(fds.IsOwned);
            var received = Assert.Single(fds);

            // The received descriptor is the pipe's write end: what is written to it comes out of the read end.
            RawMessages.Write((int)received.DangerousGetHandle(), "hello"u8.ToArray());
            Assert.Equal("hello"u8.ToArray(), RawMessages.ReadPipe(r));

            // Disposing closed it: with no write end left the read end reports end of file.
            fds.Dispose();
            Assert.Empty(RawMessages.ReadPipe(r));
        }
        finally
        {
            Raw.Close(r);
            if (w >= 0) Raw.Close(w);
        }
    }

    // ---- SCM_CREDENTIALS: struct ucred { pid_t pid; uid_t uid; gid_t gid; } ----

    [Fact]
    public void ScmCredentials_HandLayout()
    {
        var expected = new byte[] { 0x04, 0x03, 0x02, 0x01, 0xE8, 0x03, 0, 0, 0x64, 0, 0, 0 };
        var cred = new Ucred(Pid: 0x01020304, Uid: 1000, Gid: 100);
        Assert.Equal(expected, Write(Cmsg.ScmCredentials, cred));
        Assert.True(Cmsg.ScmCredentials.TryDecode(expected, out var back, out _));
        Assert.Equal(cred, back);

        Assert.True(Cmsg.ScmCredentials.TryEncodeUcode(Dict(("pid", 0x01020304), ("uid", 1000), ("gid", 100)), out var ucode, out var error), error.Context);
        Assert.Equal(expected, ucode);
        Assert.True(Cmsg.ScmCredentials.TryDecodeUcode(expected, out var data, out _));
        var dict = Assert.IsType<Dictionary<string, object?>>(data);
        Assert.Equal(0x01020304L, Convert.ToInt64(dict["pid"]));
        Assert.Equal(1000L, Convert.ToInt64(dict["uid"]));
        Assert.Equal(100L, Convert.ToInt64(dict["gid"]));
    }

    [Fact]
    public void ScmCredentials_BadFieldIsNamed()
    {
        Assert.False(Cmsg.ScmCredentials.TryEncodeUcode(Dict(("pid", 1), ("uid", -1)), out _, out var error));
        Assert.Equal(22, error.Code);
        Assert.Contains("uid", error.Context);
        Assert.False(Cmsg.ScmCredentials.TryEncodeUcode(Dict(("pid", "me")), out _, out error));
        Assert.Contains("pid", error.Context);
        Assert.False(Cmsg.ScmCredentials.TryEncodeUcode(Dict(("pdi", 1)), out _, out error));
        Assert.Contains("pdi", error.Context);
    }

    [Fact]
    public void ScmCredentials_ThroughTheKernel()
    {
        var pair = Pair(SOCK_DGRAM)!;
        using var sender = pair.First;
        using var receiver = pair.Second;
        Assert.Equal(true, receiver.SetOpt(SockOpt.SoPassCred, true));
        var me = new Ucred(Pid: Environment.ProcessId, Uid: RawRoundTripTests.Uid, Gid: RawRoundTripTests.Gid);

        // Sent explicitly (unix(7): a process may send its own credentials) ...
        RawMessages.Send(sender.FileNo(), "a"u8.ToArray(), new RawCmsg(SOL_SOCKET, SCM_CREDENTIALS, Write(Cmsg.ScmCredentials, me)));
        // ... and implicitly: with SO_PASSCRED the kernel attaches them anyway.
        RawMessages.Send(sender.FileNo(), "b"u8.ToArray());

        foreach (var expectedData in new[] { "a", "b" })
        {
            var (data, control, _) = RawMessages.Receive(receiver.FileNo());
            Assert.Equal(expectedData, System.Text.Encoding.ASCII.GetString(data));
            var cmsg = Assert.Single(control, c => c.Level == SOL_SOCKET && c.Type == SCM_CREDENTIALS);
            Assert.Equal(12, cmsg.Payload.Length);
            Assert.True(Cmsg.ScmCredentials.TryDecode(cmsg.Payload, out var cred, out _));
            Assert.Equal(Environment.ProcessId, cred.Pid);
            Assert.Equal(RawRoundTripTests.Uid, cred.Uid);
            Assert.Equal(RawRoundTripTests.Gid, cred.Gid);

            Assert.True(SpecRegistry.TryGetControlMessage(cmsg.Level, cmsg.Type, out var type));
            Assert.True(type.TryDecodeUcode(cmsg.Payload, out var ucode, out _));
            Assert.Equal((long)Environment.ProcessId, Convert.ToInt64(Assert.IsType<Dictionary<string, object?>>(ucode)["pid"]));
        }
    }

    // ---- IP_TTL: int ----

    [Fact]
    public void IpTtl_HandLayout()
    {
        Assert.Equal(new byte[] { 64, 0, 0, 0 }, Write(Cmsg.IpTtl, 64));
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0 }, Write(Cmsg.IpTtl, 255));
        Assert.True(Cmsg.IpTtl.TryDecode(new byte[] { 42, 0, 0, 0 }, out int ttl, out _));
        Assert.Equal(42, ttl);

        Assert.True(Cmsg.IpTtl.TryEncodeUcode(64, out var ucode, out _));
        Assert.Equal(new byte[] { 64, 0, 0, 0 }, ucode);
        Assert.True(Cmsg.IpTtl.TryDecodeUcode(new byte[] { 64, 0, 0, 0 }, out var data, out _));
        Assert.Equal(64, data);

        Assert.False(Cmsg.IpTtl.TryEncodeUcode("sixty-four", out _, out var error));
        Assert.Equal(22, error.Code);
        Assert.False(Cmsg.IpTtl.TryDecodeUcode(new byte[] { 1, 2, 3 }, out _, out error));
        Assert.Equal(22, error.Code);
    }

    [Fact]
    public void IpTtl_ThroughTheKernel()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Raw.BindLoopback4(receiver.FileNo());
        Raw.Set(receiver.FileNo(), IPPROTO_IP, IP_RECVTTL, BitConverter.GetBytes(1));
        Assert.Equal(true, sender.SetOpt(SockOpt.IpTtl, 42));
        Raw.ConnectLoopback4(sender.FileNo(), Raw.LocalPort(receiver.FileNo()));
        RawMessages.Send(sender.FileNo(), "ttl"u8.ToArray());

        var (data, control, _) = RawMessages.Receive(receiver.FileNo());
        Assert.Equal("ttl"u8.ToArray(), data);
        var cmsg = Assert.Single(control, c => c.Level == IPPROTO_IP && c.Type == IP_TTL);
        Assert.Equal(new byte[] { 42, 0, 0, 0 }, cmsg.Payload);
        Assert.True(Cmsg.IpTtl.TryDecode(cmsg.Payload, out int ttl, out _));
        Assert.Equal(42, ttl);
        Assert.True(SpecRegistry.TryGetControlMessage(IPPROTO_IP, IP_TTL, out var type));
        Assert.True(type.TryDecodeUcode(cmsg.Payload, out var ucode, out _));
        Assert.Equal(42, ucode);
    }

    // ---- SO_TIMESTAMP (SCM_TIMESTAMP): struct timeval ----

    [Fact]
    public void SoTimestamp_HandLayout()
    {
        // 1700000000 = 0x6553F100, 123456 = 0x0001E240
        var expected = new byte[] { 0x00, 0xF1, 0x53, 0x65, 0, 0, 0, 0, 0x40, 0xE2, 0x01, 0, 0, 0, 0, 0 };
        var tv = new Timeval(Seconds: 1700000000, Microseconds: 123456);
        Assert.Equal(expected, Write(Cmsg.SoTimestamp, tv));
        Assert.True(Cmsg.SoTimestamp.TryDecode(expected, out var back, out _));
        Assert.Equal(tv, back);

        Assert.True(Cmsg.SoTimestamp.TryEncodeUcode(Dict(("sec", 1700000000), ("usec", 123456)), out var ucode, out var error), error.Context);
        Assert.Equal(expected, ucode);
        Assert.True(Cmsg.SoTimestamp.TryDecodeUcode(expected, out var data, out _));
        var dict = Assert.IsType<Dictionary<string, object?>>(data);
        Assert.Equal(1700000000L, Convert.ToInt64(dict["sec"]));
        Assert.Equal(123456L, Convert.ToInt64(dict["usec"]));
    }

    [Fact]
    public void SoTimestamp_ThroughTheKernel()
    {
        using var receiver = Create(AF_INET, SOCK_DGRAM)!;
        using var sender = Create(AF_INET, SOCK_DGRAM)!;
        Raw.BindLoopback4(receiver.FileNo());
        Assert.Equal(true, receiver.SetOpt(SockOpt.SoTimestamp, true));
        Assert.Equal(true, receiver.GetOpt(SockOpt.SoTimestamp));
        Raw.ConnectLoopback4(sender.FileNo(), Raw.LocalPort(receiver.FileNo()));

        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        RawMessages.Send(sender.FileNo(), "t"u8.ToArray());
        var (_, control, _) = RawMessages.Receive(receiver.FileNo());
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var cmsg = Assert.Single(control, c => c.Level == SOL_SOCKET && c.Type == SO_TIMESTAMP);
        Assert.Equal(16, cmsg.Payload.Length);
        Assert.True(Cmsg.SoTimestamp.TryDecode(cmsg.Payload, out var tv, out _));
        Assert.InRange(tv.Seconds, before - 1, after + 1);
        Assert.InRange(tv.Microseconds, 0, 999_999);
        Assert.Equal(BinaryPrimitives.ReadInt64LittleEndian(cmsg.Payload), tv.Seconds);

        Assert.True(SpecRegistry.TryGetControlMessage(SOL_SOCKET, SO_TIMESTAMP, out var type));
        Assert.True(type.TryDecodeUcode(cmsg.Payload, out var ucode, out _));
        Assert.Equal(tv.Seconds, Convert.ToInt64(Assert.IsType<Dictionary<string, object?>>(ucode)["sec"]));
    }
}
