using System.Collections.Generic;
using UcSocket;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Value equality of the generated structs holds for every kind of member, arrays and addresses included: two values
/// are equal exactly when every member is, and equal values hash alike. (The compiler's equality for a record struct
/// compares an inline array by its first element only, which is why the generator writes its own.)
/// </summary>
public class GeneratedEqualityTests
{
    private static void AssertEqual<T>(T a, T b) where T : struct
    {
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    private static void AssertDiffer<T>(T a, T b) where T : struct
    {
        Assert.False(a.Equals(b));
        Assert.False(a.Equals((object)b));
    }

    private static ScmTimestamping Stamps(long lastNanoseconds)
    {
        var stamps = default(ScmTimestamping.TimestampsArray);
        stamps[0] = new Timespec(Seconds: 1, Nanoseconds: 2);
        stamps[2] = new Timespec(Seconds: 3, Nanoseconds: lastNanoseconds);
        return new ScmTimestamping(Timestamps: stamps);
    }

    [Fact]
    public void AnArrayOfStructsComparesEveryElement()
    {
        AssertEqual(Stamps(4), Stamps(4));
        AssertDiffer(Stamps(4), Stamps(5)); // only the last element differs
        Assert.True(Stamps(4) == Stamps(4));
        Assert.True(Stamps(4) != Stamps(5));
    }

    private static TcpMd5sig Key(byte last)
    {
        var key = default(TcpMd5sig.KeyArray);
        key[0] = 1;
        key[79] = last;
        return new TcpMd5sig(KeyLength: 80, Key: key);
    }

    [Fact]
    public void AByteArrayComparesEveryByte()
    {
        AssertEqual(Key(9), Key(9));
        AssertDiffer(Key(9), Key(8));
    }

    private static GroupReq Group(string address) =>
        new(Interface: 1, Group: new SocketAddress(AF_INET6) { Address = address, Port = 0 });

    [Fact]
    public void ASocketAddressMemberComparesTheAddress()
    {
        AssertEqual(Group("ff02::1"), Group("ff02::1"));
        AssertDiffer(Group("ff02::1"), Group("ff02::2"));
        AssertDiffer(Group("ff02::1"), new GroupReq(Interface: 1));
        Assert.Equal("ff02::1", Group("ff02::1").Group!.Address);
    }

    private static IpMreqn Membership(string group)
    {
        Assert.True(InAddr.TryParse(group, out var g));
        Assert.True(InAddr.TryParse("127.0.0.1", out var local));
        return new IpMreqn(Multiaddr: g, Address: local, Ifindex: 1);
    }

    [Fact]
    public void AnAddressMemberComparesTheAddress()
    {
        AssertEqual(Membership("239.1.2.3"), Membership("239.1.2.3"));
        AssertDiffer(Membership("239.1.2.3"), Membership("239.1.2.4"));
        var set = new HashSet<IpMreqn> { Membership("239.1.2.3"), Membership("239.1.2.3"), Membership("239.1.2.4") };
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void ValuesReadBackFromTheirBytesAreEqual()
    {
        var value = Stamps(7);
        var bytes = new byte[ScmTimestamping.NativeSize];
        Assert.True(value.TryWrite(bytes, out var error), error);
        AssertEqual(value, ScmTimestamping.Read(bytes));
        Assert.Equal(7, ScmTimestamping.Read(bytes).Timestamps[2].Nanoseconds);
    }
}
