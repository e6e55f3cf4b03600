using System.Linq;
using System.Text.Json;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>
/// -o and --get on real sockets (the 'socket' command). Expected values come from the kernel's documented
/// behaviour (socket(7), tcp(7)) and the C headers, not from ucsock.
/// </summary>
public class OptionTests
{
    private static JsonElement Get(params string[] args)
    {
        var r = Cli.Run(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Empty(r.Stderr);
        Assert.EndsWith("\n", r.Stdout);
        Assert.Single(r.Stdout.TrimEnd('\n').Split('\n'));   // one JSON object on one line
        return r.Json().RootElement.Clone();
    }

    [Fact]
    public void IntegerOptionIsSetAndReadBack()
    {
        // socket(7): the kernel doubles the SO_RCVBUF value it is given.
        var v = Get("-o", "SO_RCVBUF=4096", "--get", "SO_RCVBUF", "socket");
        Assert.Equal(8192, v.GetProperty("SO_RCVBUF").GetInt32());
    }

    [Fact]
    public void HexIntegersAreAccepted()
    {
        var v = Get("-o", "IP_TTL=0x20", "--get", "IP_TTL", "socket");
        Assert.Equal(32, v.GetProperty("IP_TTL").GetInt32());
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void BooleanOptionTakesTrueFalseAndNumbers(string value, bool expected)
    {
        var v = Get("-o", "SO_KEEPALIVE=" + value, "--get", "SO_KEEPALIVE", "socket");
        Assert.Equal(expected ? JsonValueKind.True : JsonValueKind.False, v.GetProperty("SO_KEEPALIVE").ValueKind);
    }

    [Fact]
    public void StructOptionTakesFieldValuePairs()
    {
        var v = Get("-o", "SO_LINGER=onoff=1,linger=5", "--get", "SO_LINGER", "socket");
        var linger = v.GetProperty("SO_LINGER");
        Assert.Equal(1, linger.GetProperty("onoff").GetInt32());
        Assert.Equal(5, linger.GetProperty("linger").GetInt32());
    }

    [Fact]
    public void StructOptionTakesBracesToo()
    {
        // 2.5 s is a whole number of jiffies at any HZ, so the kernel gives it back unchanged.
        var v = Get("-o", "SO_RCVTIMEO={sec=2,usec=500000}", "--get", "SO_RCVTIMEO", "socket");
        Assert.Equal(2, v.GetProperty("SO_RCVTIMEO").GetProperty("sec").GetInt64());
        Assert.Equal(500000, v.GetProperty("SO_RCVTIMEO").GetProperty("usec").GetInt64());
    }

    [Fact]
    public void TextOptionKeepsTheText()
    {
        // reno is built into every kernel (tcp(7): the fallback congestion control).
        var v = Get("-o", "TCP_CONGESTION=reno", "--get", "TCP_CONGESTION", "socket");
        Assert.Equal("reno", v.GetProperty("TCP_CONGESTION").GetString());
    }

    [Fact]
    public void SeveralGetsGiveOneObjectInOrder()
    {
        var v = Get("-u", "--get", "SO_TYPE", "--get", "so_domain", "--get", "SO_PROTOCOL", "socket");
        Assert.Equal(["SO_TYPE", "SO_DOMAIN", "SO_PROTOCOL"], v.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, v.GetProperty("SO_TYPE").GetInt32());       // SOCK_DGRAM
        Assert.Equal(2, v.GetProperty("SO_DOMAIN").GetInt32());     // AF_INET
        Assert.Equal(17, v.GetProperty("SO_PROTOCOL").GetInt32());  // IPPROTO_UDP
    }

    [Fact]
    public void FamilyFlagsChooseTheSocket()
    {
        var v6 = Get("-6", "--get", "SO_DOMAIN", "--get", "IPV6_V6ONLY", "socket");
        Assert.Equal(10, v6.GetProperty("SO_DOMAIN").GetInt32());   // AF_INET6
        Assert.Equal(JsonValueKind.False, v6.GetProperty("IPV6_V6ONLY").ValueKind);   // net.ipv6.bindv6only defaults to 0

        var unix = Get("--unix", "--seqpacket", "--get", "SO_DOMAIN", "--get", "SO_TYPE", "socket");
        Assert.Equal(1, unix.GetProperty("SO_DOMAIN").GetInt32());  // AF_UNIX
        Assert.Equal(5, unix.GetProperty("SO_TYPE").GetInt32());    // SOCK_SEQPACKET
    }

    [Fact]
    public void SourceAddressIsBound()
    {
        var r = Cli.Run("-s", "127.0.0.1:0", "--dump-options", "socket");
        Assert.Equal(0, r.ExitCode);
        var local = r.Json().RootElement.GetProperty("socket").GetProperty("local");
        Assert.Equal("127.0.0.1", local.GetProperty("address").GetString());
        Assert.NotEqual(0, local.GetProperty("port").GetInt32());
    }

    [Fact]
    public void ValueTheKernelRefusesIsExitCode1()
    {
        // tcp_set_congestion_control: an unknown algorithm is ENOENT.
        var r = Cli.Run("-o", "TCP_CONGESTION=no-such-algorithm", "socket");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ucsock: -o TCP_CONGESTION=no-such-algorithm: setsockopt(): No such file or directory\n", r.Stderr);
    }

    [Fact]
    public void OptionTheKernelCannotReadIsExitCode1()
    {
        // An IPv6-level option on an IPv4 socket.
        var r = Cli.Run("--get", "IPV6_V6ONLY", "socket");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("ucsock: --get IPV6_V6ONLY: getsockopt(): ", r.Stderr);
        Assert.Empty(r.StdoutBytes);
    }

    [Fact]
    public void BadSourceAddressIsAUsageError()
    {
        var r = Cli.Run("-s", "127.0.0.1:http", "socket");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("-s 127.0.0.1:http: Invalid port number", r.Stderr);
    }
}
