using System.Collections.Generic;
using System.IO;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>
/// Decoded addresses name their interface as ucode's sockaddr_to_uv does (lib/socket.c): the name whenever
/// if_indextoname resolves the index, else the number; the typed address keeps both. The loopback device's index is
/// read from sysfs, independently of the library.
/// </summary>
public class InterfaceNameTests
{
    private static int LoIndex => int.Parse(File.ReadAllText("/sys/class/net/lo/ifindex").Trim());

    /// <summary>An index no interface of the test's network namespace has (it holds only lo).</summary>
    private const int MissingIndex = 40000;

    [Theory]
    [InlineData("fe80::1%lo")]
    [InlineData("[fe80::1%lo]:80")]
    public void AScopeGivenByNameComesBackAsTheName(string text)
    {
        var a = SockAddr(text)!;
        Assert.Equal("lo", a.ToDictionary()["interface"]);
        Assert.Equal(new InterfaceId(LoIndex, "lo"), a.Interface);
    }

    [Fact]
    public void AScopeGivenByIndexComesBackAsTheName()
    {
        var a = SockAddr("fe80::1%" + LoIndex)!;
        Assert.Equal("lo", a.ToDictionary()["interface"]);
        Assert.Equal(LoIndex, a.Interface!.Value.Index);
        Assert.Equal("lo", a.Interface.Value.Name);
    }

    [Fact]
    public void AnIndexNoInterfaceHasComesBackAsTheNumber()
    {
        Assert.False(InterfaceExists(MissingIndex));
        var a = SockAddr("fe80::1%" + MissingIndex)!;
        Assert.Equal(MissingIndex, a.ToDictionary()["interface"]);
        Assert.Equal(new InterfaceId(MissingIndex, null), a.Interface);
    }

    [Fact]
    public void ResolverResultsNameTheScope()
    {
        var results = AddrInfo("fe80::1%" + LoIndex, 80, new AddrInfoHints { Flags = AI_NUMERICHOST, SockType = SOCK_DGRAM });
        var r = Assert.Single(results!);
        Assert.Equal("lo", r.Addr.ToDictionary()["interface"]);
        Assert.Equal("lo", ((Dictionary<string, object?>)r.ToDictionary()["addr"]!)["interface"]);
    }

    [Fact]
    public void AddressDictionariesAcceptTheNameTheyReturn()
    {
        // What a decoded address says can be handed back: the name resolves to the same index.
        var a = SockAddr(new Dictionary<string, object?> { ["family"] = AF_INET6, ["address"] = "fe80::2", ["interface"] = LoIndex })!;
        var again = SockAddr(a.ToDictionary())!;
        Assert.Equal(a.Interface, again.Interface);
        Assert.Equal("lo", again.ToDictionary()["interface"]);
    }

    [Fact]
    public void InterfaceIdsKeepIndexAndName()
    {
        var byIndex = new InterfaceId(LoIndex);
        Assert.Equal((LoIndex, "lo"), (byIndex.Index, byIndex.Name));
        Assert.Equal("lo", byIndex.ToUcode());
        Assert.Equal("lo", byIndex.ToString());
        var unknown = new InterfaceId(MissingIndex);
        Assert.Null(unknown.Name);
        Assert.Equal(MissingIndex, unknown.ToUcode());
        // A name alone is resolved when used, so a name that appears later still works.
        var byName = new InterfaceId("lo");
        Assert.Equal(0, byName.Index);
        Assert.True(byName.TryResolve(out int index));
        Assert.Equal(LoIndex, index);
    }

    [Fact]
    public void PacketAddressesNameTheirInterfaceAndPrintTheHardwareAddressInUpperCase()
    {
        var a = SockAddr(new Dictionary<string, object?>
        {
            ["family"] = AF_PACKET, ["interface"] = LoIndex, ["address"] = "0a:1b:2c:dd:ee:ff", ["protocol"] = 0x0806,
        })!;
        var d = a.ToDictionary();
        Assert.Equal("lo", d["interface"]);
        // ucode's hwaddr_to_uv prints with "0123456789ABCDEF".
        Assert.Equal("0A:1B:2C:DD:EE:FF", d["address"]);
        // Parsing stays case-insensitive, with ':', '-' or '.' between bytes.
        Assert.Equal("0A:1B:2C:DD:EE:FF", SockAddr(new Dictionary<string, object?> { ["family"] = AF_PACKET, ["address"] = "0A-1b-2C-dD-Ee-fF" })!.Address);
    }

    [Fact]
    public void AFrameReceivedOnAPacketSocketNamesLo()
    {
        Namespace.RequirePrivateNetworkNamespace();
        const int ETH_P_802_EX1 = 0x88B5; // linux/if_ether.h: the local experimental EtherType

        using var rx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        Assert.True(rx.Bind(new SocketAddress(AF_PACKET) { Interface = "lo", Protocol = ETH_P_802_EX1 }), rx.Error());
        Assert.Equal("lo", rx.SockName()!.ToDictionary()["interface"]);

        using var tx = Create(AF_PACKET, SOCK_DGRAM, 0)!;
        var to = new SocketAddress(AF_PACKET) { Interface = LoIndex, Protocol = ETH_P_802_EX1, Address = "00:00:00:00:00:00" };
        Assert.Equal(5L, tx.Send("frame", 0, to));
        var from = new SocketAddress();
        Assert.NotNull(rx.Recv(1500, 0, from));
        Assert.Equal("lo", from.ToDictionary()["interface"]);
        Assert.Equal(new InterfaceId(LoIndex, "lo"), from.Interface);
    }

    /// <summary>Whether sysfs lists an interface with this index (sysfs may show the host's interfaces: a superset).</summary>
    private static bool InterfaceExists(int index)
    {
        foreach (var dir in Directory.GetDirectories("/sys/class/net"))
            if (File.ReadAllText(Path.Combine(dir, "ifindex")).Trim() == index.ToString(System.Globalization.CultureInfo.InvariantCulture)) return true;
        return false;
    }
}
