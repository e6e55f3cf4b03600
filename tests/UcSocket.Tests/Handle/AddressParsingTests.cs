using UcSocket.Marshalling;
using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Native;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

public class AddressParsingTests
{
    public static IEnumerable<object?[]> Strings() => new[]
    {
        // text, family, address, port, interface (name or index), path
        new object?[] { "1.2.3.4", AF_INET, "1.2.3.4", 0, null, null },
        new object?[] { "1.2.3.4:80", AF_INET, "1.2.3.4", 80, null, null },
        new object?[] { "255.255.255.255:65535", AF_INET, "255.255.255.255", 65535, null, null },
        new object?[] { "::1", AF_INET6, "::1", 0, null, null },
        new object?[] { "[::1]:80", AF_INET6, "::1", 80, null, null },
        new object?[] { "[2001:db8::7]", AF_INET6, "2001:db8::7", 0, null, null },
        new object?[] { "::ffff:1.2.3.4", AF_INET6, "::ffff:1.2.3.4", 0, null, null },
        new object?[] { "fe80::1%lo", AF_INET6, "fe80::1", 0, "lo", null },
        new object?[] { "fe80::1%2", AF_INET6, "fe80::1", 0, 2, null },
        new object?[] { "[fe80::1%lo]:443", AF_INET6, "fe80::1", 443, "lo", null },
        new object?[] { "/run/x.sock", AF_UNIX, null, null, null, "/run/x.sock" },
        new object?[] { "relative/dir/x", AF_UNIX, null, null, null, "relative/dir/x" },
        new object?[] { "1.2.3.4/x", AF_UNIX, null, null, null, "1.2.3.4/x" },
        new object?[] { "@abstract", AF_UNIX, null, null, null, "@abstract" },
        new object?[] { "\0abstract", AF_UNIX, null, null, null, "@abstract" },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void StringForms(string text, int family, string? address, int? port, object? iface, string? path)
    {
        Assert.True(AddressConversion.TryConvert(text, out var a, out var error), error.Message);
        Assert.Equal(family, a!.Family);
        Assert.Equal(address, a.Address);
        Assert.Equal(port, a.Port);
        Assert.Equal(path, a.Path);
        switch (iface)
        {
            case null: Assert.Null(a.Interface); break;
            case string name: Assert.Equal(name, a.Interface!.Value.Name); break;
            case int index: Assert.Equal(index, a.Interface!.Value.Index); break;
        }
    }

    public static IEnumerable<object?[]> BadStrings() => new[]
    {
        new object?[] { "1.2.3.4:99999", "Invalid port number", Errno.EINVAL },
        new object?[] { "1.2.3.4:", "Invalid port number", Errno.EINVAL },
        new object?[] { "1.2.3.4:8x", "Invalid port number", Errno.EINVAL },
        new object?[] { "1.2.3.4:-1", "Invalid port number", Errno.EINVAL },
        new object?[] { "[::1]:", "Invalid port number", Errno.EINVAL },
        new object?[] { "[::1]:65536", "Invalid port number", Errno.EINVAL },
        new object?[] { "", "Invalid IP address", Errno.EINVAL },
        new object?[] { "1.2.3", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "256.1.1.1", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "localhost", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "localhost:80", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "[::g]:80", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "[1.2.3.4]:80", "Unable to parse IP address", Errno.EINVAL },
        new object?[] { "[::1", "Invalid IPv6 address", Errno.EINVAL },
        new object?[] { "fe80::zz%lo", "Invalid IPv6 address", Errno.EINVAL },
        new object?[] { "fe80::1%nosuchif0", "Unable to resolve interface nosuchif0", Errno.ENODEV },
    };

    [Theory]
    [MemberData(nameof(BadStrings))]
    public void BadStringsAreErrorsInUcodesWords(string text, string context, int code)
    {
        Assert.False(AddressConversion.TryConvert(text, out _, out var error));
        Assert.Equal(context, error.Context);
        Assert.Equal(code, error.Code);

        // The same text through a handle method gives the same recorded error.
        using var s = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Null(s.Send("x", 0, text));
        Expect.Error(s, context, code);
    }

    [Fact]
    public void AUnixPathLongerThanSunPathIsRefusedNotTruncated()
    {
        // sun_path holds 108 bytes (sys/un.h): a path with its NUL, or a path of all 108 bytes without one (unix(7)).
        string fits = "/" + new string('a', 106), full = "/" + new string('a', 107), tooLong = "/" + new string('a', 108);
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        Assert.True(Sockaddr.TryEncode(fits, sa, out int length, out _));
        Assert.Equal(2 + 108, length);
        Assert.Equal(0, sa[2 + 107]);
        Assert.True(Sockaddr.TryEncode(full, sa, out length, out _));
        Assert.Equal(2 + 108, length);
        Assert.Equal((byte)'a', sa[2 + 107]);
        Assert.False(Sockaddr.TryEncode(tooLong, sa, out _, out var error));
        Assert.Equal("Invalid path value", error.Context);
        Assert.Equal(Errno.EINVAL, error.Code);
        Assert.False(Sockaddr.TryEncode("@" + new string('b', 108), sa, out _, out error));
        Assert.Equal("Invalid path value", error.Context);
        Assert.False(Sockaddr.TryEncode(new Dictionary<string, object?> { ["path"] = tooLong }, sa, out _, out error));
        Assert.Equal("Invalid path value", error.Context);
        Assert.False(Sockaddr.TryEncode(new Dictionary<string, object?> { ["family"] = AF_UNIX }, sa, out _, out error));
        Assert.Equal("Invalid path value", error.Context);
    }

    [Fact]
    public void EncodedBytesFollowTheCLayouts()
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];

        // struct sockaddr_in: family (host order), port (network order), address, 8 zero bytes.
        Assert.True(Sockaddr.TryEncode("1.2.3.4:80", sa, out int length, out _));
        Assert.Equal(16, length);
        Assert.Equal(new byte[] { 2, 0, 0, 80, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0 }, sa[..16].ToArray());

        // struct sockaddr_in6: family, port, flowinfo (network order), address, scope id (host order).
        Assert.True(Sockaddr.TryEncode(new Dictionary<string, object?>
        {
            ["family"] = AF_INET6, ["address"] = "2001:db8::7", ["port"] = 0x1234, ["flowinfo"] = 0x0A0B0C, ["interface"] = 3,
        }, sa, out length, out _));
        Assert.Equal(28, length);
        Assert.Equal(new byte[]
        {
            10, 0, 0x12, 0x34, 0, 0x0A, 0x0B, 0x0C,
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
            3, 0, 0, 0,
        }, sa[..28].ToArray());

        // struct sockaddr_un, abstract: family, NUL, name; the length counts only the used bytes.
        Assert.True(Sockaddr.TryEncode("@ab", sa, out length, out _));
        Assert.Equal(2 + 3, length);
        Assert.Equal(new byte[] { 1, 0, 0, (byte)'a', (byte)'b' }, sa[..5].ToArray());

        // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8].
        Assert.True(Sockaddr.TryEncode(new Dictionary<string, object?>
        {
            ["family"] = AF_PACKET, ["protocol"] = 0x88B5, ["interface"] = 1, ["address"] = "02:11:22:33:44:55",
        }, sa, out length, out _));
        Assert.Equal(20, length);
        Assert.Equal(new byte[] { 17, 0, 0x88, 0xB5, 1, 0, 0, 0, 0, 0, 0, 6, 2, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0 }, sa[..20].ToArray());
    }

    [Fact]
    public void ArraysOfFourAndSixteenBytes()
    {
        Assert.True(AddressConversion.TryConvert(new byte[] { 127, 0, 0, 1 }, out var a, out _));
        Assert.Equal(AF_INET, a!.Family);
        Assert.Equal("127.0.0.1", a.Address);
        Assert.Equal(0, a.Port);

        Assert.True(AddressConversion.TryConvert(new object[] { 10, 1, 2L, (byte)3 }, out a, out _));
        Assert.Equal("10.1.2.3", a!.Address);

        var v6 = new int[16];
        v6[0] = 0xfe;
        v6[1] = 0x80;
        v6[15] = 1;
        Assert.True(AddressConversion.TryConvert(v6, out a, out _));
        Assert.Equal(AF_INET6, a!.Family);
        Assert.Equal("fe80::1", a.Address);

        foreach (var bad in new object[] { new int[5], new int[3], new int[17], new[] { 1, 2, 3, 256 }, new[] { 1, 2, 3, -1 }, new object[] { 1, 2, 3, "4" } })
        {
            Assert.False(AddressConversion.TryConvert(bad, out _, out var error));
            Assert.Equal("Invalid IP address array", error.Context);
            Assert.Equal(Errno.EINVAL, error.Code);
        }
    }

    [Fact]
    public void DictionariesWithAndWithoutFamily()
    {
        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?> { ["address"] = "10.0.0.1", ["port"] = 53 }, out var a, out _));
        Assert.Equal(AF_INET, a!.Family);
        Assert.Equal("10.0.0.1", a.Address);
        Assert.Equal(53, a.Port);

        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?> { ["address"] = "fe80::2%lo", ["port"] = 53 }, out a, out _));
        Assert.Equal(AF_INET6, a!.Family);
        Assert.Equal("fe80::2", a.Address);
        Assert.Equal("lo", a.Interface!.Value.Name);

        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?> { ["path"] = "/x/y" }, out a, out _));
        Assert.Equal(AF_UNIX, a!.Family);
        Assert.Equal("/x/y", a.Path);

        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?> { ["path"] = "\0name" }, out a, out _));
        Assert.Equal("@name", a!.Path);

        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?>
        {
            ["family"] = AF_INET6, ["address"] = "::1", ["port"] = 8080, ["flowinfo"] = 7, ["interface"] = "lo",
        }, out a, out _));
        Assert.Equal(AF_INET6, a!.Family);
        Assert.Equal(8080, a.Port);
        Assert.Equal(7u, a.FlowInfo);
        Assert.Equal("lo", a.Interface!.Value.Name);

        Assert.True(AddressConversion.TryConvert(new Dictionary<string, object?>
        {
            ["family"] = AF_PACKET, ["interface"] = 1, ["protocol"] = 0x0800, ["address"] = "aa-bb-cc-dd-ee-ff",
        }, out a, out _));
        Assert.Equal(AF_PACKET, a!.Family);
        Assert.Equal(1, a.Interface!.Value.Index);
        Assert.Equal(0x0800, a.Protocol);
    }

    public static IEnumerable<object?[]> BadDictionaries() => new[]
    {
        new object?[] { new Dictionary<string, object?> { ["address"] = "1.2.3.4", ["port"] = 70000 }, "Invalid port number", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["address"] = "1.2.3.4", ["port"] = "http" }, "Invalid port number", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_INET, ["address"] = "::1" }, "Unable to parse IP address", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["address"] = "1.2.3.x" }, "Unable to parse IP address", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["address"] = 5 }, "Invalid IP address", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_UNIX }, "Invalid path value", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_UNIX, ["path"] = "" }, "Invalid path value", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_INET6, ["address"] = "::1", ["interface"] = "nosuchif0" }, "Unable to resolve interface nosuchif0", Errno.ENODEV },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_INET6, ["flowinfo"] = -1 }, "Invalid flow information", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_PACKET, ["address"] = "00:11:zz" }, "Invalid hardware address", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_PACKET, ["address"] = "0:1:2:3:4:5:6:7:8" }, "Invalid hardware address", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_PACKET, ["packet_type"] = 256 }, "Invalid packet type", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["family"] = AF_PACKET, ["hardware_type"] = -1 }, "Invalid hardware type", Errno.EINVAL },
        new object?[] { new Dictionary<string, object?> { ["adress"] = "1.2.3.4" }, "Invalid address object (unknown field 'adress')", Errno.EINVAL },
    };

    [Theory]
    [MemberData(nameof(BadDictionaries))]
    public void BadDictionariesAreErrors(Dictionary<string, object?> value, string context, int code)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        Assert.False(Sockaddr.TryEncode(value, sa, out _, out var error));
        Assert.Equal(context, error.Context);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void StringFormsAreAcceptedByTheKernel()
    {
        // Round trip through bind and getsockname: what the kernel reports back is what was parsed.
        foreach (var (family, text, expected) in new[] { (AF_INET, "127.0.0.1:0", "127.0.0.1"), (AF_INET6, "[::1]:0", "::1"), (AF_INET6, "::1", "::1") })
        {
            using var s = Create(family, SOCK_DGRAM)!;
            Assert.True(s.Bind(text), s.Error());
            Assert.Equal(expected, s.SockName()!.Address);
        }
        // A link-local address needs a scope: without one the kernel refuses the bind as invalid; with "%lo"
        // it looks the address up on lo, which does not have it.
        using var unscoped = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Null(unscoped.Bind("[fe80::1]:0"));
        Expect.Error(unscoped, "bind()", Errno.EINVAL);
        using var scoped = Create(AF_INET6, SOCK_DGRAM)!;
        Assert.Null(scoped.Bind("fe80::1%lo"));
        Expect.Error(scoped, "bind()", Errno.EADDRNOTAVAIL);
        Assert.Null(scoped.Bind("fe80::1%1"));
        Expect.Error(scoped, "bind()", Errno.EADDRNOTAVAIL);
    }
}
