using System.Collections.Generic;
using System.IO;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

public class SockAddrTests
{
    private static int LoIndex => int.Parse(File.ReadAllText("/sys/class/net/lo/ifindex").Trim());

    public static TheoryData<object, int, string?, int?> IpForms => new()
    {
        { "192.168.0.1:8080", AF_INET, "192.168.0.1", 8080 },
        { "1.2.3.4", AF_INET, "1.2.3.4", 0 },
        { "[::1]:80", AF_INET6, "::1", 80 },
        { "2001:db8::1", AF_INET6, "2001:db8::1", 0 },
        { "[2001:DB8:0:0::1]:65535", AF_INET6, "2001:db8::1", 65535 },
        { "::ffff:10.0.0.1", AF_INET6, "::ffff:10.0.0.1", 0 },
        { new byte[] { 192, 168, 0, 1 }, AF_INET, "192.168.0.1", 0 },
        { new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, AF_INET6, "::1", 0 },
        { new Dictionary<string, object?> { ["address"] = "192.168.0.1", ["port"] = 8080 }, AF_INET, "192.168.0.1", 8080 },
        { new Dictionary<string, object?> { ["address"] = "fe80::2" }, AF_INET6, "fe80::2", 0 },
        { new Dictionary<string, object?> { ["family"] = AF_INET6, ["address"] = "::", ["port"] = "53" }, AF_INET6, "::", 53 },
        { new SocketAddress(AF_INET) { Address = "10.0.0.1", Port = 1 }, AF_INET, "10.0.0.1", 1 },
    };

    [Theory]
    [MemberData(nameof(IpForms))]
    public void IpAddresses(object value, int family, string? address, int? port)
    {
        var a = SockAddr(value);
        Assert.NotNull(a);
        Assert.Null(Error());
        Assert.Equal((family, address, port), (a.Family, a.Address, a.Port));
        if (family == AF_INET6) Assert.Equal(0u, a.FlowInfo);
        Assert.Null(a.Path);
    }

    [Fact]
    public void ScopeByInterfaceName()
    {
        var a = SockAddr("[fe80::1%lo]:80");
        Assert.NotNull(a);
        Assert.Equal((AF_INET6, "fe80::1", 80), (a.Family, a.Address, a.Port));
        Assert.True(a.Interface!.Value.TryResolve(out int index));
        Assert.Equal(LoIndex, index);
        Assert.Equal("lo", a.Interface.Value.ToString());
    }

    [Fact]
    public void ScopeByIndex()
    {
        var a = SockAddr("fe80::1%" + LoIndex);
        Assert.NotNull(a);
        Assert.True(a.Interface!.Value.TryResolve(out int index));
        Assert.Equal(LoIndex, index);
    }

    [Theory]
    [InlineData("/var/run/daemon.sock", "/var/run/daemon.sock")]
    [InlineData("./relative/sock", "./relative/sock")]
    [InlineData("@abstract-name", "@abstract-name")]
    [InlineData("\0abstract-name", "@abstract-name")]
    public void UnixPaths(string value, string path)
    {
        var a = SockAddr(value);
        Assert.NotNull(a);
        Assert.Equal((AF_UNIX, path), (a.Family, a.Path));
    }

    [Fact]
    public void UnixPathFromADictionary()
    {
        var a = SockAddr(new Dictionary<string, object?> { ["path"] = "/tmp/x.sock" });
        Assert.Equal((AF_UNIX, "/tmp/x.sock"), (a!.Family, a.Path));
    }

    [Fact]
    public void DictionariesOfAnyValueTypeAreAddressObjects()
    {
        // Not only Dictionary<string, object?>: a Dictionary<string, string> is a ucode object too, never an array.
        var a = SockAddr(new Dictionary<string, string> { ["address"] = "127.0.0.2" })!;
        Assert.Equal(AF_INET, a.Family);
        Assert.Equal("127.0.0.2", a.Address);
        var u = SockAddr(new Dictionary<string, string> { ["path"] = "/tmp/x.sock" })!;
        Assert.Equal(AF_UNIX, u.Family);
        Assert.Equal("/tmp/x.sock", u.Path);
        Assert.Null(SockAddr(new Dictionary<int, string> { [1] = "127.0.0.1" }));
        Assert.Equal("Invalid address object: Invalid argument", Error());
    }

    [Fact]
    public void PacketAddress()
    {
        var a = SockAddr(new Dictionary<string, object?>
        {
            ["family"] = AF_PACKET, ["interface"] = "lo", ["address"] = "00:11:22:aa:bb:cc", ["protocol"] = 0x0806,
        });
        Assert.NotNull(a);
        // Parsed in either case, printed in upper case as ucode prints it (lib/socket.c hwaddr_to_uv: "0123456789ABCDEF")
        Assert.Equal((AF_PACKET, "00:11:22:AA:BB:CC", 0x0806), (a.Family, a.Address, a.Protocol));
        Assert.True(a.Interface!.Value.TryResolve(out int index));
        Assert.Equal(LoIndex, index);
    }

    public static TheoryData<object?, int, string> Invalid => new()
    {
        { "1.2.3.4:99999", 22, "Invalid port number" },
        { "1.2.3.4:", 22, "Invalid port number" },
        { "1.2.3.4:8o", 22, "Invalid port number" },
        { "[::1]:x", 22, "Invalid port number" },
        { "[::1", 22, "Invalid IPv6 address" },
        { "999.1.1.1", 22, "Unable to parse IP address" },
        { "example.org", 22, "Unable to parse IP address" },
        { "", 22, "Invalid IP address" },
        { "fe80::1%no-such-if", 19, "Unable to resolve interface no-such-if" },
        { new byte[] { 1, 2, 3 }, 22, "Invalid IP address array" },
        { new[] { 1, 2, 3, 256 }, 22, "Invalid IP address array" },
        { new Dictionary<string, object?> { ["address"] = "1.2.3.4", ["port"] = 70000 }, 22, "Invalid port number" },
        { new Dictionary<string, object?> { ["address"] = "1.2.3.4", ["port"] = -1 }, 22, "Invalid port number" },
        { new Dictionary<string, object?> { ["address"] = "1.2.3.x" }, 22, "Unable to parse IP address" },
        { new Dictionary<string, object?> { ["family"] = AF_UNIX }, 22, "Invalid path value" },
        { new Dictionary<string, object?> { ["adress"] = "1.2.3.4" }, 22, "Invalid address object (unknown field 'adress')" },
        { null, 22, "Invalid address value" },
        { 42, 22, "Invalid address value" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidFormsAreUcodesErrors(object? value, int code, string context)
    {
        Assert.Null(SockAddr(value));
        Assert.Equal(code, Error(true));
        Assert.StartsWith(context + ": ", (string)Error()!);
    }

    [Fact]
    public void APathLongerThanSunPathIsAnErrorNotTruncated()
    {
        var path = "/tmp/" + new string('x', 120);
        Assert.Null(SockAddr(path));
        Assert.Equal(22, Error(true));
    }

    [Fact]
    public void APathThatJustFits()
    {
        var path = "/" + new string('x', 106); // 107 bytes and the NUL fill sun_path (108)
        Assert.Equal(path, SockAddr(path)!.Path);
    }
}
