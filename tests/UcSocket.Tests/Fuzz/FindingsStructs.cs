using System.Collections.Generic;
using Xunit;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Struct marshaller bugs the fuzz properties found, each reduced to its smallest input and kept as a regression test
/// of the behaviour its name states. Those not fixed yet are skipped (<c>fails until ...</c>); <see cref="KnownFindings"/>
/// names the inputs the properties excuse meanwhile.
/// </summary>
public class FindingsStructs
{
    [Fact]
    public void AddressArrayTakesBackTheNullItemsItsToDictionaryGives()
    {
        // One source of family AF_UNSPEC (all zeros) is given as null by ToDictionary, and null converts back to it.
        Assert.True(GroupFilter.TryFromDictionary(new Dictionary<string, object?> { ["numsrc"] = 1 }, out var filter, out var error), error);
        var d = filter.ToDictionary();
        Assert.True(GroupFilter.TryFromDictionary(d, out var again, out error), error);
        Assert.Equal(AddressChecks.Show(d), AddressChecks.Show(again.ToDictionary()));
        var bytes = new byte[GroupFilter.NativeSize];
        Assert.True(again.TryWrite(bytes, out error), error);
        Assert.All(bytes[144..272], b => Assert.Equal(0, b)); // gf_slist[0]: a zeroed sockaddr_storage
        // An item that is neither null nor an address is still an error naming the field.
        Assert.False(GroupFilter.TryFromDictionary(new Dictionary<string, object?> { ["slist"] = new object?[] { 42 } }, out _, out error));
        Assert.Contains("slist", error);
        // The lists of IP addresses have no AF_UNSPEC: null is no address there.
        Assert.False(IpMsfilter.TryFromDictionary(new Dictionary<string, object?> { ["slist"] = new object?[] { null } }, out _, out error));
        Assert.Contains("slist", error);
    }

    [Fact]
    public void EveryIntegerFormOfAnInRangeValueConverts()
    {
        // README: "Setting accepts any integer type, integral floating-point values, bools and numeric strings".
        Assert.True(Linger.TryFromDictionary(new Dictionary<string, object?> { ["onoff"] = (nuint)1 }, out _, out var error), error);
        Assert.True(Linger.TryFromDictionary(new Dictionary<string, object?> { ["onoff"] = (System.Int128)1 }, out _, out error), error);
        // A 64-bit unsigned field: ulong takes 10^19, decimal and double of the same integer do not.
        Assert.True(TcpInfo.TryFromDictionary(new Dictionary<string, object?> { ["pacing_rate"] = 10_000_000_000_000_000_000m }, out var info, out error), error);
        Assert.Equal(10_000_000_000_000_000_000UL, info.PacingRate);
        Assert.True(TcpInfo.TryFromDictionary(new Dictionary<string, object?> { ["pacing_rate"] = 1e19 }, out _, out error), error);
        // long.MinValue as text: "-9223372036854775808" is in range of a 64-bit signed field.
        Assert.True(Timeval.TryFromDictionary(new Dictionary<string, object?> { ["usec"] = "-9223372036854775808" }, out var tv, out error), error);
        Assert.Equal(long.MinValue, tv.Microseconds);
        // The widest forms still meet the field's C range: onoff is an int.
        Assert.False(Linger.TryFromDictionary(new Dictionary<string, object?> { ["onoff"] = (System.Int128)int.MaxValue + 1 }, out _, out error));
        Assert.Contains("onoff", error);
        Assert.False(Linger.TryFromDictionary(new Dictionary<string, object?> { ["onoff"] = System.Numerics.BigInteger.Pow(2, 200) }, out _, out error));
        Assert.Contains("onoff", error);
        Assert.False(TcpInfo.TryFromDictionary(new Dictionary<string, object?> { ["pacing_rate"] = 1e20 }, out _, out error));
        Assert.Contains("pacing_rate", error);
    }

    [Fact]
    public void SendWritesEveryIntegerFormAsItsNumber()
    {
        // Send and SendMsg write a number as its decimal text; the wide CLR forms are no exception.
        foreach (var (value, text) in new (object, string)[] { ((System.Int128)long.MaxValue * 4, "36893488147419103228"),
            (System.UInt128.MaxValue, "340282366920938463463374607431768211455"), (System.Numerics.BigInteger.Parse("-123456789012345678901234567890"), "-123456789012345678901234567890"),
            ((nuint)7, "7") })
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            Assert.True(UcodeText.TryWrite(value, output, out var error), error.ToString());
            Assert.Equal(text, System.Text.Encoding.ASCII.GetString(output.WrittenSpan));
        }
    }

    [Fact]
    public void InterfaceErrorsNameTheField()
    {
        // Errors name the field: an interface name that does not resolve, a number out of the field's range.
        Assert.False(IpMreqn.TryFromDictionary(new Dictionary<string, object?> { ["ifindex"] = "nonexistent0" }, out _, out var error));
        Assert.Contains("ifindex", error);
        Assert.False(IpMreqn.TryFromDictionary(new Dictionary<string, object?> { ["ifindex"] = "4294967296" }, out _, out error));
        Assert.Contains("ifindex", error);
    }

    [Fact]
    public void NegativeInterfaceIdIsRefusedByAnUnsignedField()
    {
        // gr_interface is a uint32_t (linux/in.h): -1 is out of its range, as a number and as an InterfaceId alike,
        // never sent as 4294967295. imr_ifindex is an int: -1 is in its range either way.
        Assert.False(GroupReq.TryFromDictionary(new Dictionary<string, object?> { ["interface"] = -1 }, out _, out var error));
        Assert.Contains("interface", error);
        Assert.False(GroupReq.TryFromDictionary(new Dictionary<string, object?> { ["interface"] = new InterfaceId(-1) }, out _, out error));
        Assert.Contains("interface", error);
        Assert.True(IpMreqn.TryFromDictionary(new Dictionary<string, object?> { ["ifindex"] = new InterfaceId(-1) }, out var mreqn, out error), error);
        Assert.Equal(-1, mreqn.Ifindex);
    }

    [Fact]
    public void UnionMembersThatDisagreeAreAnErrorNamingBoth()
    {
        // ee_data and ee_rfc4884 share bytes 12..15: flags (byte 14) would overwrite part of data.
        Assert.False(SockExtendedErr.TryFromDictionary(new Dictionary<string, object?> { ["data"] = 0x12345678u, ["flags"] = 1 }, out _, out var error));
        Assert.Contains("flags", error);
        Assert.Contains("data", error);

        // Members that agree on their shared bytes (byte 14 of data is 0x34), or one left at zero, are taken.
        Assert.True(SockExtendedErr.TryFromDictionary(new Dictionary<string, object?> { ["data"] = 0x12345678u, ["flags"] = 0x34 }, out var agreeing, out error), error);
        Assert.Equal(0x12345678u, agreeing.Data);
        Assert.True(SockExtendedErr.TryFromDictionary(new Dictionary<string, object?> { ["data"] = 0x12345678u }, out var alone, out error), error);
        Assert.Equal(0x12345678u, alone.Data);
        Assert.True(SockExtendedErr.TryFromDictionary(new Dictionary<string, object?> { ["flags"] = 1 }, out var flagsAlone, out error), error);
        Assert.Equal(1, flagsAlone.Flags);
        // A member given explicitly says what its bytes hold: data 1 leaves byte 14 zero, which flags 0x89 contradicts.
        Assert.False(SockExtendedErr.TryFromDictionary(new Dictionary<string, object?> { ["data"] = 1, ["flags"] = 0x89 }, out _, out error));
        Assert.Contains("flags", error);
    }

    [Fact]
    public void StructsWithArrayOrAddressFieldsHaveValueEquality()
    {
        // An [InlineArray] field's built-in Equals compares only its first element, and a nested SocketAddress
        // compares by reference: generated structs compare their C bytes instead.
        var a = new ScmTimestamping();
        var b = new ScmTimestamping();
        Assert.True(a.Equals(b));
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(new SockaddrLl() == new SockaddrLl());
        // A nested address is a SocketAddress, compared by reference: equal values are not equal.
        Assert.Equal(new GroupReq(1, new SocketAddress(Sockets.AF_INET) { Address = "224.0.0.1", Port = 0 }),
            new GroupReq(1, new SocketAddress(Sockets.AF_INET) { Address = "224.0.0.1", Port = 0 }));
    }
}
