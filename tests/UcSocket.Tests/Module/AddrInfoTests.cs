using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

public class AddrInfoTests
{
    // getaddrinfo(3): null hints mean ai_flags = AI_V4MAPPED | AI_ADDRCONFIG; with no socket type glibc returns one
    // result per type it knows for the address: stream/TCP, datagram/UDP, raw/0.
    private static readonly (int SockType, int Protocol)[] AllTypes = [(1, 6), (2, 17), (3, 0)];

    [Fact]
    public void NumericIPv4AddressAndPort()
    {
        var results = AddrInfo("127.0.0.1", "80");
        Assert.NotNull(results);
        Assert.Null(Error());
        Assert.Equal(AllTypes, results.Select(r => (r.SockType, r.Protocol)));
        foreach (var r in results)
        {
            Assert.Equal(2, r.Family);
            Assert.Equal(2, r.Addr.Family);
            Assert.Equal("127.0.0.1", r.Addr.Address);
            Assert.Equal(80, r.Addr.Port);
            Assert.Null(r.CanonName);
            Assert.Equal(0x08 | 0x20, r.Flags);
        }
    }

    [FactWhenFileExists("/etc/services")]
    public void IPv6AddressWithAServiceName()
    {
        int? tcp = ModuleTestSupport.ServicePort("http", "tcp");
        Assert.NotNull(tcp);
        var results = AddrInfo("::1", "http", new AddrInfoHints { SockType = 1 });
        Assert.NotNull(results);
        var r = Assert.Single(results);
        Assert.Equal((10, 1, 6), (r.Family, r.SockType, r.Protocol));
        Assert.Equal((10, "::1", tcp), (r.Addr.Family, r.Addr.Address, r.Addr.Port));
        Assert.Equal(0, r.Flags);
    }

    [Fact]
    public void BracketedIPv6HostIsAccepted()
    {
        var results = AddrInfo("[::1]", "443", new AddrInfoHints { SockType = SOCK_STREAM });
        var r = Assert.Single(results!);
        Assert.Equal("::1", r.Addr.Address);
        Assert.Equal(443, r.Addr.Port);
    }

    [FactWhenFileExists("/etc/hosts")]
    public void LocalhostResolvesThroughEtcHosts()
    {
        var expected = ModuleTestSupport.HostsAddressesOf("localhost");
        Assert.NotEmpty(expected);
        var results = AddrInfo("localhost", null, new AddrInfoHints { SockType = SOCK_STREAM });
        Assert.NotNull(results);
        Assert.Equal(expected.Order(StringComparer.Ordinal), results.Select(r => r.Addr.Address!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(0, r.Addr.Port));
    }

    [FactWhenFileExists("/etc/hosts")]
    public void CanonicalNameIsFilledOnRequest()
    {
        var results = AddrInfo("localhost", null, new AddrInfoHints { Flags = AI_CANONNAME, Family = AF_INET });
        Assert.NotNull(results);
        Assert.Equal("localhost", results[0].CanonName);
        Assert.All(results.Skip(1), r => Assert.Null(r.CanonName));
    }

    [Fact]
    public void NoHostWithAiPassiveGivesTheWildcardAddresses()
    {
        var results = AddrInfo(null, "8080", new AddrInfoHints { Flags = AI_PASSIVE, SockType = SOCK_DGRAM });
        Assert.NotNull(results);
        Assert.Equal(["0.0.0.0", "::"], results.Select(r => r.Addr.Address!).Order(StringComparer.Ordinal));
        Assert.All(results, r => Assert.Equal(8080, r.Addr.Port));
    }

    [Fact]
    public void HintsAsUcodeDictionary()
    {
        var hints = new Dictionary<string, object?> { ["family"] = AF_INET6, ["socktype"] = SOCK_DGRAM, ["flags"] = AI_NUMERICHOST };
        var r = Assert.Single(AddrInfo("::1", "53", hints)!);
        Assert.Equal((AF_INET6, SOCK_DGRAM, 17), (r.Family, r.SockType, r.Protocol));
        Assert.Equal(53, r.Addr.Port);
    }

    [Fact]
    public void ToDictionaryUsesUcodeFieldNames()
    {
        var r = AddrInfo("127.0.0.1", "80", new AddrInfoHints { SockType = SOCK_STREAM })![0];
        var d = r.ToDictionary();
        Assert.Equal(["addr", "canonname", "family", "flags", "protocol", "socktype"], d.Keys.Order());
        Assert.Null(d["canonname"]);
        var addr = Assert.IsType<Dictionary<string, object?>>(d["addr"]);
        Assert.Equal("127.0.0.1", addr["address"]);
        Assert.Equal(80, addr["port"]);
    }

    [Fact]
    public void NumericHostFlagWithANameIsEaiNoname()
    {
        Assert.Null(AddrInfo("localhost", null, new AddrInfoHints { Flags = AI_NUMERICHOST }));
        Assert.Equal(-2, Error(true)); // EAI_NONAME in netdb.h
        Assert.Equal("getaddrinfo(): Name or service not known", Error());
    }

    [Fact]
    public void SuccessClearsTheError()
    {
        Assert.Null(AddrInfo("localhost", null, new AddrInfoHints { Flags = AI_NUMERICHOST }));
        Assert.NotNull(Error());
        Assert.NotNull(AddrInfo("127.0.0.1"));
        Assert.Null(Error());
        Assert.Null(Error(true));
    }

    [FactWhenFileExists("/etc/services")]
    public void UnknownServiceIsEaiService()
    {
        Assert.Null(AddrInfo("127.0.0.1", "no-such-service-here"));
        Assert.Equal(-8, Error(true)); // EAI_SERVICE
        Assert.Equal("getaddrinfo(): Servname not supported for ai_socktype", Error());
    }

    [Fact]
    public void BadFlagsAreEaiBadflags()
    {
        Assert.Null(AddrInfo("127.0.0.1", null, new AddrInfoHints { Flags = 0x10000 }));
        Assert.Equal(-1, Error(true)); // EAI_BADFLAGS
        Assert.Equal("getaddrinfo(): Bad value for ai_flags", Error());
    }

    [Fact]
    public void UnsupportedFamilyIsEaiFamily()
    {
        Assert.Null(AddrInfo("127.0.0.1", null, new AddrInfoHints { Family = 12345 }));
        Assert.Equal(-6, Error(true)); // EAI_FAMILY
    }

    [Fact]
    public void NoHostAndNoServiceIsEaiNoname()
    {
        Assert.Null(AddrInfo(null));
        Assert.Equal(-2, Error(true));
    }

    [Theory]
    [InlineData("127.0.0.1\0evil", null, "Invalid hostname (contains a NUL character): Invalid argument")]
    [InlineData("127.0.0.1", "80\0", "Invalid service (contains a NUL character): Invalid argument")]
    public void NulCharactersAreRejectedNotCut(string host, string? service, string message)
    {
        Assert.Null(AddrInfo(host, service));
        Assert.Equal(22, Error(true));
        Assert.Equal(message, Error());
    }

    [Fact]
    public void UnknownHintKeyIsNamed()
    {
        Assert.Null(AddrInfo("127.0.0.1", null, new Dictionary<string, object?> { ["famly"] = AF_INET }));
        Assert.Equal(22, Error(true));
        Assert.Contains("'famly'", (string)Error()!);
    }

    [Fact]
    public void BadHintValueNamesTheField()
    {
        Assert.Null(AddrInfo("127.0.0.1", null, new Dictionary<string, object?> { ["socktype"] = "stream" }));
        Assert.Equal(22, Error(true));
        Assert.StartsWith("Unable to convert field socktype to integer", (string)Error()!);

        Assert.Null(AddrInfo("127.0.0.1", null, new Dictionary<string, object?> { ["flags"] = 1L << 40 }));
        Assert.Contains("field flags", (string)Error()!);
    }
}
