using System;
using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

// These tests give the library control messages it must refuse at run time: the compile-time checks would refuse them first.
#pragma warning disable UCS101, UCS104, UCS106

namespace UcSocket.Tests.Messages;

public class MessageErrorTests
{
    private static SocketPair DatagramPair() => Pair(SOCK_DGRAM)!;

    /// <summary>Asserts a failed call: null result, the message, the code, and that nothing reached the peer.</summary>
    private static void AssertFailed(object? result, SocketHandle s, string message, int code, SocketHandle? peer = null)
    {
        Assert.Null(result);
        Assert.Equal(message, s.Error());
        Assert.Equal(code, s.Error(true));
        Assert.Equal(message, Sockets.Error());
        if (peer is not null)
        {
            Assert.Null(peer.RecvMsg(16, 0, MSG_DONTWAIT));
            Assert.Equal(Errno.EAGAIN, peer.Error(true));
        }
    }

    [Fact]
    public void ClosedHandle()
    {
        var (a, b) = DatagramPair();
        b.Dispose();
        Assert.True(a.Close());
        AssertFailed(a.SendMsg("x"), a, "Invalid socket context: Bad file descriptor", 9);
        AssertFailed(a.RecvMsg(), a, "Invalid socket context: Bad file descriptor", 9);
        AssertFailed(a.RecvMsg(new[] { 1, 2 }, 64), a, "Invalid socket context: Bad file descriptor", 9);
    }

    [Fact]
    public void SyscallErrorsCarryTheContextAndErrno()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            AssertFailed(b.RecvMsg(16, 0, MSG_DONTWAIT), b, "recvmsg(): Resource temporarily unavailable", 11);

            // A descriptor number that is not open: the kernel refuses it.
            AssertFailed(a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { 1_000_000 }) }),
                a, "sendmsg(): Bad file descriptor", 9, b);

            // Success clears the record.
            Assert.Equal(1L, a.SendMsg("y"));
            Assert.Null(a.Error());
            Assert.Null(a.Error(true));
        }
    }

    [Fact]
    public void SendOnAShutDownSocket()
    {
        var pair = Pair(SOCK_STREAM)!;
        using var a = pair.First;
        using var b = pair.Second;
        Assert.Equal(0, Tmds.Linux.LibC.shutdown(a.FileNo(), SHUT_WR));
        AssertFailed(a.SendMsg("late", null, null, MSG_NOSIGNAL), a, "sendmsg(): Broken pipe", 32);
    }

    [Fact]
    public void BadAncillaryItemsAreNamed()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            var ttl = new ControlMessage(IPPROTO_IP, IP_TTL, 1);
            AssertFailed(a.SendMsg("x", new object[] { ttl, 42 }), a,
                "Ancillary item 1: expecting a ControlMessage or a dictionary with level, type and data, got Int32 42: Invalid argument", 22, b);

            AssertFailed(a.SendMsg("x", new[] { new Dictionary<string, object?> { ["type"] = 1, ["data"] = new byte[0] } }), a,
                "Ancillary item 0: missing field 'level': Invalid argument", 22, b);

            AssertFailed(a.SendMsg("x", new[] { new Dictionary<string, object?> { ["level"] = "one", ["type"] = 1 } }), a,
                "Ancillary item 0: field 'level' is not an integer (string \"one\"): Invalid argument", 22, b);

            AssertFailed(a.SendMsg("x", new[] { new Dictionary<string, object?> { ["level"] = 1, ["type"] = 1, ["date"] = 5 } }), a,
                "Ancillary item 0: unknown field 'date': Invalid argument", 22, b);

            // Known type, value that does not convert: the item, the type and the field.
            a.SendMsg("x", new[] { ttl, new ControlMessage(IPPROTO_IP, IP_TTL, "many") });
            Assert.StartsWith("Ancillary item 1 (IP_TTL): Unable to convert value to integer", a.Error());
            a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, new Dictionary<string, object?> { ["pid"] = 1, ["uuid"] = 2 }) });
            Assert.StartsWith("Ancillary item 0 (SCM_CREDENTIALS): ", a.Error());
            Assert.Contains("uuid", a.Error());

            // Descriptors: not a descriptor, a closed handle.
            a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new object[] { "stdin" }) });
            Assert.StartsWith("Ancillary item 0 (SCM_RIGHTS): Descriptor 0 is not a file descriptor", a.Error());
            Assert.Equal(22, a.Error(true));
            var (r, closed) = Native.Pipe();
            r.Dispose();
            closed.Dispose();
            AssertFailed(a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, new[] { closed }) }), a,
                "Ancillary item 0 (SCM_RIGHTS): descriptor 0 is closed or invalid: Bad file descriptor", 9, b);
            a.SendMsg("x", new[] { new ControlMessage(SOL_SOCKET, SCM_RIGHTS, 5) });
            Assert.StartsWith("Ancillary item 0 (SCM_RIGHTS): Expecting an array of file descriptors", a.Error());
        }
    }

    [Fact]
    public void UnknownTypesNeedBytes()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            AssertFailed(a.SendMsg("x", new[] { new ControlMessage(999, 7, 5) }), a,
                "Ancillary item 0: unknown control message type (level 999, type 7) needs byte[] data, got Int32 5: Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", new[] { new ControlMessage(999, 7, "text") }), a,
                "Ancillary item 0: unknown control message type (level 999, type 7) needs byte[] data, got string \"text\": Invalid argument", 22, b);

            // With bytes it is encoded; a UNIX socket ignores levels other than SOL_SOCKET.
            Assert.Equal(1L, a.SendMsg("x", new[] { new ControlMessage(999, 7, new byte[] { 1, 2, 3 }) }));
            using var msg = b.RecvMsg(16)!;
            Assert.Equal(1L, msg.Length);
        }
    }

    [Fact]
    public void AncillaryOfTheWrongShape()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            const string Shape = "Ancillary data must be a byte array or an array of control messages";
            AssertFailed(a.SendMsg("x", "raw control as text"), a, Shape + ": Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", new Dictionary<string, object?> { ["level"] = 1, ["type"] = 1, ["data"] = new[] { 0 } }), a,
                Shape + ": Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", 17), a, Shape + ", got Int32 17: Invalid argument", 22, b);
        }
    }

    [Fact]
    public void BadAddressesUseUcodesMessages()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            AssertFailed(a.SendMsg("x", null, "127.0.0.1:99999"), a, "Invalid port number: Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", null, "not-an-address"), a, "Unable to parse IP address: Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", null, new Dictionary<string, object?> { ["address"] = "127.0.0.1", ["port"] = -1 }), a,
                "Invalid port number: Invalid argument", 22, b);
            AssertFailed(a.SendMsg("x", null, 3.5), a, "Invalid address value: Invalid argument", 22, b);
        }
    }

    [Fact]
    public void BadDataIsNamed()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            // As ucode's sendmsg: an array inside the data array, or a dictionary, goes as ucode's JSON text of it.
            Assert.Equal(10L, a.SendMsg(new object[] { "ok", new[] { 1, 2 } }));
            Assert.Equal("ok[ 1, 2 ]"u8.ToArray(), b.Recv(64));
            Assert.Equal(10L, a.SendMsg(new Dictionary<string, object?> { ["a"] = 1 }));
            Assert.Equal("{ \"a\": 1 }"u8.ToArray(), b.Recv(64));
            // Objects ucode has no text for are refused, naming their type.
            Assert.Null(a.SendMsg(new object[] { "ok", new Uri("http://x/") }));
            Assert.StartsWith("Data item 1: Unsupported data value (type System.Uri)", a.Error());
            Assert.Equal(22, a.Error(true));
            Assert.Null(a.SendMsg(new object()));
            Assert.StartsWith("Unsupported data value (type System.Object)", a.Error());
            Assert.EndsWith("expecting a string, bytes, a number, a bool, a dictionary or an array: Invalid argument", a.Error());
            Assert.Null(b.RecvMsg(16, 0, MSG_DONTWAIT));
        }
    }

    [Fact]
    public void BadSizes()
    {
        var (a, b) = DatagramPair();
        using (a)
        using (b)
        {
            AssertFailed(b.RecvMsg(-1), b, "Invalid length value (sizes is -1): Numerical result out of range", 34);
            AssertFailed(b.RecvMsg(new object[] { 1, "x" }), b, "Invalid length value (sizes[1] is string \"x\"): Invalid argument", 22);
            AssertFailed(b.RecvMsg(new long[] { 1, -5 }), b, "Invalid length value (sizes[1] is -5): Numerical result out of range", 34);
            AssertFailed(b.RecvMsg(new long[] { int.MaxValue }), b, "Invalid length value (sizes[0] is 2147483647): Numerical result out of range", 34);
            AssertFailed(b.RecvMsg(new long[] { 2_000_000_000, 2_000_000_000 }), b,
                "Invalid length value (sizes add up to 4000000000 bytes): Numerical result out of range", 34);
            AssertFailed(b.RecvMsg(16, -1), b, "Invalid ancillary data length: Numerical result out of range", 34);

            // Nothing was consumed by the failed calls.
            Assert.Equal(2L, a.SendMsg("ok"));
            using var msg = b.RecvMsg(16)!;
            Assert.Equal(2L, msg.Length);
        }
    }
}
