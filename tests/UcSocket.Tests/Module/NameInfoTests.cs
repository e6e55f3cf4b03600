using System.Collections.Generic;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

public class NameInfoTests
{
    [Fact]
    public void NumericIPv4()
    {
        var r = NameInfo("127.0.0.1:80", NI_NUMERICHOST | NI_NUMERICSERV);
        Assert.Equal(new NameInfoResult("127.0.0.1", "80"), r);
        Assert.Null(Error());
    }

    [Fact]
    public void NumericIPv6FromADictionary()
    {
        var r = NameInfo(new Dictionary<string, object?> { ["address"] = "::1", ["port"] = 443 }, NI_NUMERICHOST | NI_NUMERICSERV);
        Assert.Equal(("::1", "443"), (r!.Hostname, r.Service));
    }

    [Fact]
    public void FromASocketAddress()
    {
        var r = NameInfo(new SocketAddress(AF_INET) { Address = "10.1.2.3", Port = 5353 }, NI_NUMERICHOST | NI_NUMERICSERV);
        Assert.Equal(new NameInfoResult("10.1.2.3", "5353"), r);
    }

    [FactWhenFileExists("/etc/services")]
    public void NamesComeFromEtcHostsAndEtcServices()
    {
        var host = ModuleTestSupport.HostsFirstNameOf("127.0.0.1");
        var http = ModuleTestSupport.ServicePort("http", "tcp");
        Assert.NotNull(host);
        Assert.Equal(80, http);
        var r = NameInfo("127.0.0.1:80");
        Assert.Equal(new NameInfoResult(host, "http"), r);
    }

    [Fact]
    public void ToDictionaryUsesUcodeFieldNames()
    {
        var d = NameInfo("127.0.0.1:80", NI_NUMERICHOST | NI_NUMERICSERV)!.ToDictionary();
        Assert.Equal(new Dictionary<string, object?> { ["hostname"] = "127.0.0.1", ["service"] = "80" }, d);
    }

    [Fact]
    public void AnAddressThatDoesNotParseIsUcodesError()
    {
        Assert.Null(NameInfo("not an address"));
        Assert.Equal(22, Error(true));
        Assert.Equal("Unable to parse IP address: Invalid argument", Error());

        Assert.Null(NameInfo("127.0.0.1:99999"));
        Assert.Equal("Invalid port number: Invalid argument", Error());

        Assert.Null(NameInfo(null));
        Assert.Equal("Invalid address value: Invalid argument", Error());
    }

    [Fact]
    public void BadFlagsAreEaiBadflags()
    {
        Assert.Null(NameInfo("127.0.0.1:80", 0x10000));
        Assert.Equal(-1, Error(true)); // EAI_BADFLAGS
        Assert.Equal("getnameinfo(): Bad value for ai_flags", Error());
    }
}
