using System;
using System.Collections.Generic;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Families;

/// <summary>An address carries the fields of its family only, and decodes only from a whole address of its family.</summary>
public class FamilyFieldTests
{
    [Theory]
    [InlineData(AF_INET, "path", "/tmp/x")]
    [InlineData(AF_INET, "flowinfo", 5)]
    [InlineData(AF_INET, "interface", "lo")]
    [InlineData(AF_INET6, "path", "/tmp/x")]
    [InlineData(AF_INET6, "cid", 3)]
    [InlineData(AF_UNIX, "port", 80)]
    [InlineData(AF_UNIX, "address", "127.0.0.1")]
    [InlineData(AF_PACKET, "port", 80)]
    [InlineData(AF_NETLINK, "path", "/tmp/x")]
    public void AFieldOfAnotherFamilyIsAnErrorNamingIt(int family, string field, object value)
    {
        var address = new Dictionary<string, object?> { ["family"] = family, [field] = value };
        if (family is AF_INET or AF_INET6) address["address"] = family == AF_INET ? "127.0.0.1" : "::1";
        if (family == AF_UNIX && field != "path") address["path"] = "/tmp/x";
        Assert.Null(SockAddr(address));
        Assert.Contains($"field '{field}' does not belong to", Error());
        Assert.Equal(Errno.EINVAL, Error(true));

        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.Send("x", 0, address));
        Assert.Contains($"field '{field}'", s.Error());
    }

    [Fact]
    public void FieldsThatAreNullOrBelongAreAccepted()
    {
        var a = SockAddr(new Dictionary<string, object?> { ["family"] = AF_INET, ["address"] = "127.0.0.1", ["port"] = 9, ["path"] = null })!;
        Assert.Equal("127.0.0.1:9", a.ToString());
        var b = SockAddr(new Dictionary<string, object?> { ["family"] = AF_INET6, ["address"] = "fe80::1", ["interface"] = "lo", ["flowinfo"] = 1 })!;
        Assert.Equal(1u, b.FlowInfo);
    }

    [Theory]
    [InlineData(AF_INET, 2)]
    [InlineData(AF_INET, 15)]
    [InlineData(AF_INET6, 27)]
    [InlineData(AF_NETLINK, 8)]
    [InlineData(AF_VSOCK, 10)]
    public void AShortAddressIsAnErrorNeverZeros(int family, int length)
    {
        var bytes = new byte[length];
        BitConverter.GetBytes((ushort)family).CopyTo(bytes, 0);
        var raw = new RawSocketAddress();
        Assert.True(raw.TrySet(bytes));
        Assert.Null(raw.ToSocketAddress());
        Assert.StartsWith($"Invalid address ({length} bytes", Error());
        Assert.Equal(Errno.EINVAL, Error(true));
    }

    [Fact]
    public void WholeAddressesDecode()
    {
        var sixteen = new byte[16];
        BitConverter.GetBytes((ushort)AF_INET).CopyTo(sixteen, 0);
        sixteen[2] = 0x1f; // port 8080 in network order
        sixteen[3] = 0x90;
        sixteen[4] = 127;
        sixteen[7] = 1;
        var raw = new RawSocketAddress();
        Assert.True(raw.TrySet(sixteen));
        Assert.Equal("127.0.0.1:8080", raw.ToSocketAddress()!.ToString());
        // A UNIX address is as long as its name: the bare family is the unnamed address.
        var unnamed = new RawSocketAddress();
        Assert.True(unnamed.TrySet(BitConverter.GetBytes((ushort)AF_UNIX)));
        Assert.Equal(AF_UNIX, unnamed.ToSocketAddress()!.Family);
        Assert.Null(new RawSocketAddress().ToSocketAddress());
        Assert.Null(Error());
    }
}
