using UcSocket.Marshalling;
using System;
using System.Collections.Generic;
using UcSocket.Native;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Families;

/// <summary>
/// AF_VSOCK addresses: struct sockaddr_vm (linux/vm_sockets.h: svm_family at 0, svm_reserved1 at 2, svm_port at 4,
/// svm_cid at 8, svm_flags at 12, svm_zero up to 16) as SocketAddress cid and port_id. A bind only reserves a port on
/// this machine; no test connects anywhere.
/// </summary>
public class VsockAddressTests
{
    public static TheoryData<object> Forms => new()
    {
        new Dictionary<string, object?> { ["family"] = AF_VSOCK, ["cid"] = VMADDR_CID_HOST, ["port_id"] = 3000000000L },
        new Dictionary<string, object?> { ["cid"] = "2", ["port_id"] = 3000000000L },
        new SocketAddress(AF_VSOCK) { Cid = VMADDR_CID_HOST, PortId = 3000000000 },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void SockAddrKeepsCidAndPortId(object value)
    {
        var a = SockAddr(value);
        Assert.True(a is not null, Error());
        Assert.Equal(AF_VSOCK, a.Family);
        Assert.Equal(2u, a.Cid);
        Assert.Equal(3000000000u, a.PortId);
        Assert.Null(a.Port);
        Assert.Equal("2:3000000000", a.ToString());
        Assert.Equal(new[] { "family", "port_id", "cid" }, a.ToDictionary().Keys);
    }

    [Fact]
    public void AnyCidAndAnyPortAreTheAllOnesWord()
    {
        var a = SockAddr(new Dictionary<string, object?> { ["family"] = AF_VSOCK, ["cid"] = VMADDR_CID_ANY, ["port_id"] = VMADDR_PORT_ANY });
        Assert.True(a is not null, Error());
        Assert.Equal((uint?)uint.MaxValue, a.Cid);
        Assert.Equal((uint?)uint.MaxValue, a.PortId);
    }

    [Fact]
    public void EncodesTheKernelLayout()
    {
        Span<byte> raw = stackalloc byte[Sockaddr.StorageSize];
        Assert.True(Sockaddr.TryEncode(new SocketAddress(AF_VSOCK) { Cid = 0x0A0B0C0D, PortId = 0x01020304 }, raw, out int length, out var error), error.Context);
        Assert.Equal(16, length);
        Assert.Equal(new byte[] { 40, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0x0D, 0x0C, 0x0B, 0x0A, 0, 0, 0, 0 }, raw[..16].ToArray());

        var decoded = Sockaddr.Decode(new byte[] { 40, 0, 0, 0, 0x39, 0x30, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0 });
        Assert.NotNull(decoded);
        Assert.Equal((AF_VSOCK, (uint?)3u, (uint?)12345u), (decoded.Family, decoded.Cid, decoded.PortId));
    }

    [Theory]
    [InlineData("cid", -1L, "Invalid context ID")]
    [InlineData("cid", 4294967296L, "Invalid context ID")]
    [InlineData("port_id", "port", "Invalid port ID")]
    [InlineData("port", 5000, "Invalid port number (AF_VSOCK addresses take port_id)")]
    public void BadFieldsAreRefusedByName(string field, object value, string message)
    {
        Assert.Null(SockAddr(new Dictionary<string, object?> { ["family"] = AF_VSOCK, ["cid"] = 2, [field] = value }));
        Assert.Equal(message + ": Invalid argument", Error());
    }

    [Fact]
    public void BindToAnyPortGetsAPortAboveTheReservedOnes()
    {
        using var s = Create(AF_VSOCK, SOCK_STREAM)!;
        Assert.True(s is not null, Error());
        Assert.True(s.Bind(new SocketAddress(AF_VSOCK) { Cid = unchecked((uint)VMADDR_CID_ANY), PortId = unchecked((uint)VMADDR_PORT_ANY) }), s.Error());
        var name = s.SockName();
        Assert.True(name is not null, s.Error());
        Assert.Equal(AF_VSOCK, name.Family);
        Assert.Equal(unchecked((uint)VMADDR_CID_ANY), name.Cid);
        // vsock(7): ports up to 1023 are reserved for privileged binds; the kernel never picks them or VMADDR_PORT_ANY.
        Assert.InRange(name.PortId!.Value, 1024u, uint.MaxValue - 1);
    }

    [Fact]
    public void BindToAChosenPortReportsIt()
    {
        var random = new Random();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            using var s = Create(AF_VSOCK, SOCK_STREAM)!;
            uint port = (uint)random.Next(0x40000000, int.MaxValue);
            if (s.Bind(new Dictionary<string, object?> { ["family"] = AF_VSOCK, ["cid"] = VMADDR_CID_ANY, ["port_id"] = port }) != true)
            {
                Assert.Equal(98, s.Error(true)); // EADDRINUSE: another socket of this machine has it; try another
                continue;
            }
            Assert.Equal(port, s.SockName()!.PortId);
            return;
        }
        Assert.Fail("five random vsock ports were all in use");
    }
}
