using System.Collections.Generic;
using UcSocket.Tests.Handle;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>
/// The service and hints arguments of AddrInfo, Connect and Listen: one conversion for all three. A service is a
/// name or a port, as a number or as text (ucode stringifies a number for getaddrinfo); a port outside 0..65535 is
/// "Invalid port number" before the resolver sees it (glibc keeps the low 16 bits: 99999 would be 34463). Hints are
/// an AddrInfoHints or ucode's dictionary.
/// </summary>
public class ServiceAndHintsTests
{
    private static readonly AddrInfoHints Udp = new() { Flags = AI_NUMERICHOST, SockType = SOCK_DGRAM };

    [Fact]
    public void AddrInfoTakesTheServiceAsANumber()
    {
        var r = Assert.Single(AddrInfo("127.0.0.1", 80, Udp)!);
        Assert.Equal(80, r.Addr.Port);
        Assert.Equal(65535, Assert.Single(AddrInfo("127.0.0.1", 65535L, Udp)!).Addr.Port);
        Assert.Equal(0, Assert.Single(AddrInfo("127.0.0.1", (ushort)0, Udp)!).Addr.Port);
    }

    public static TheoryData<object> OutOfRangePorts => new() { 65536, 99999, -1, 1L << 32, "99999", "65536", "-1", " 70000", "+65536", "000000065536" };

    [Theory]
    [MemberData(nameof(OutOfRangePorts))]
    public void AddrInfoRefusesPortsOutOfRange(object service)
    {
        Assert.Null(AddrInfo("127.0.0.1", service, Udp));
        Assert.Equal("Invalid port number: " + Errno.Text(Errno.ERANGE), Error());
        Assert.Equal(Errno.ERANGE, Error(true));
    }

    [Theory]
    [MemberData(nameof(OutOfRangePorts))]
    public void ListenRefusesPortsOutOfRangeInsteadOfWrappingThem(object service)
    {
        Assert.Null(Listen("127.0.0.1", service));
        Assert.Equal("Invalid port number: " + Errno.Text(Errno.ERANGE), Error());
    }

    [Theory]
    [MemberData(nameof(OutOfRangePorts))]
    public void ConnectRefusesPortsOutOfRangeInsteadOfWrappingThem(object service)
    {
        Assert.Null(Connect("127.0.0.1", service, null, 1000));
        Assert.Equal("Invalid port number: " + Errno.Text(Errno.ERANGE), Error());
    }

    [Theory]
    [InlineData("00080", 80)]
    [InlineData("65535", 65535)]
    [InlineData("-0", 0)]
    public void NumericTextInRangeIsPassedOn(string service, int port) =>
        Assert.Equal(port, Assert.Single(AddrInfo("127.0.0.1", service, Udp)!).Addr.Port);

    [Theory]
    [InlineData(true)]
    [InlineData(80.5)]
    public void OtherServiceValuesAreNamed(object service)
    {
        Assert.Null(AddrInfo("127.0.0.1", service, Udp));
        Assert.Equal($"Invalid service (expected a name or a port number, got {service.GetType().Name} {System.Convert.ToString(service, System.Globalization.CultureInfo.InvariantCulture)}): Invalid argument", Error());
    }

    [Fact]
    public void ListenTakesUcodeHints()
    {
        using var s = Listen("127.0.0.1", 0, new Dictionary<string, object?> { ["socktype"] = SOCK_DGRAM });
        Assert.True(s is not null, Error());
        Assert.Equal(SOCK_DGRAM, s!.GetOpt(SOL_SOCKET, SO_TYPE));
        // Any dictionary with string keys is a ucode object.
        using var t = Listen("127.0.0.1", 0, new Dictionary<string, int> { ["family"] = AF_INET, ["socktype"] = SOCK_DGRAM });
        Assert.Equal(SOCK_DGRAM, t!.GetOpt(SOL_SOCKET, SO_TYPE));
    }

    [Fact]
    public void ConnectTakesUcodeHints()
    {
        using var server = Listen("127.0.0.1", 0, new AddrInfoHints { SockType = SOCK_DGRAM })!;
        int port = server.SockName()!.Port!.Value;
        using var client = Connect("localhost", port, new Dictionary<string, object?> { ["family"] = AF_INET, ["socktype"] = SOCK_DGRAM }, 1000);
        Assert.True(client is not null, Error());
        Assert.Equal(SOCK_DGRAM, client!.GetOpt(SOL_SOCKET, SO_TYPE));
        Assert.Equal(("127.0.0.1", port), (client.PeerName()!.Address, client.PeerName()!.Port));
    }

    [Fact]
    public void HintsAreCheckedTheSameWayEverywhere()
    {
        var bad = new Dictionary<string, object?> { ["sockettype"] = SOCK_DGRAM };
        const string expected = "Unknown field 'sockettype' for hints (fields: family, socktype, protocol, flags): Invalid argument";
        Assert.Null(AddrInfo("127.0.0.1", 80, bad));
        Assert.Equal(expected, Error());
        Assert.Null(Listen("127.0.0.1", 0, bad));
        Assert.Equal(expected, Error());
        Assert.Null(Connect("127.0.0.1", 80, bad));
        Assert.Equal(expected, Error());

        Assert.Null(Connect("127.0.0.1", 80, 1000)); // a timeout given where the hints go
        Assert.Equal("Invalid hints (expected AddrInfoHints or a dictionary, got Int32 1000): Invalid argument", Error());
    }

    [Fact]
    public void ANullHostForConnectIsAnErrorNotAnException()
    {
        Assert.Null(Connect(null, 80));
        Assert.Equal("Argument host is required: Invalid argument", Error());
        Assert.Equal(Errno.EINVAL, Error(true));
    }

    [Fact]
    public void NullArgumentsOfTheModuleFunctionsAreErrorsNotExceptions()
    {
        Assert.Null(SockAddr(null));
        Assert.NotNull(Error());
        Assert.Null(NameInfo(null));
        Assert.NotNull(Error());
        Assert.False(AddrInfoHints.TryFromDictionary(null!, out _, out var error));
        Assert.Equal("Invalid hints (null): Invalid argument", error.Message);
        Assert.Null(Poll(-1, (object?[]?)null));
        Assert.Equal(Errno.EINVAL, Error(true));
    }
}
