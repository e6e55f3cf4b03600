using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// The IP-level structs that use the spec's union members, trailing fields and address arrays, and the
/// <c>ifname_be32</c> kind, against byte layouts worked out by hand from linux/errqueue.h, netinet/in.h and ip(7).
/// </summary>
public class IpStructCodecTests
{
    private static Dictionary<string, object?> Dict(params (string Key, object? Value)[] items) => items.ToDictionary(i => i.Key, i => i.Value);

    /// <summary>sock_extended_err (16 bytes) for an ICMP port unreachable, then the offender 127.0.0.1 as a sockaddr_in.</summary>
    private static byte[] PortUnreachable(int offenderBytes = 16)
    {
        var b = new byte[16 + offenderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 111); // ECONNREFUSED
        b[4] = 2;  // SO_EE_ORIGIN_ICMP
        b[5] = 3;  // ICMP_DEST_UNREACH
        b[6] = 3;  // ICMP_PORT_UNREACH
        var offender = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(offender, 2); // AF_INET
        offender[4] = 127;
        offender[7] = 1;
        offender.AsSpan(0, Math.Min(16, offenderBytes)).CopyTo(b.AsSpan(16));
        return b;
    }

    [Fact]
    public void ExtendedErrorDecodesWithItsOffender()
    {
        var e = SockExtendedErr.Read(PortUnreachable());
        Assert.Equal((111u, (byte)2, (byte)3, (byte)3), (e.Errno, e.Origin, e.Type, e.Code));
        Assert.Equal(2, e.Offender?.Family);
        Assert.Equal("127.0.0.1", e.Offender?.Address);

        Assert.True(Cmsg.IpRecvErr.TryDecodeUcode(PortUnreachable(), out var data, out var error), error.Message);
        var d = Assert.IsType<Dictionary<string, object?>>(data);
        Assert.Equal(111u, d["errno"]);
        Assert.Equal("127.0.0.1", Assert.IsType<Dictionary<string, object?>>(d["offender"])["address"]);
    }

    [Theory]
    [InlineData(0)]   // no offender at all
    [InlineData(4)]   // the family, and not the whole sockaddr_in
    [InlineData(15)]  // one byte short
    public void AnOffenderCutShortIsNull(int offenderBytes)
    {
        var e = SockExtendedErr.Read(PortUnreachable(offenderBytes));
        Assert.Equal(111u, e.Errno);
        Assert.Null(e.Offender);
    }

    [Fact]
    public void AnIpv6OffenderNeedsTheWholeSockaddrIn6()
    {
        var b = new byte[16 + 28];
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(16), 10); // AF_INET6
        b[16 + 8 + 15] = 1;                                        // sin6_addr ::1
        Assert.Equal("::1", SockExtendedErr.Read(b).Offender?.Address);
        Assert.Null(SockExtendedErr.Read(b.AsSpan(0, 16 + 27)).Offender);
    }

    [Fact]
    public void UnionMembersShareTheirBytes()
    {
        var buffer = new byte[SockExtendedErr.NativeSize];
        Assert.True(new SockExtendedErr { Data = 0x04030201 }.TryWrite(buffer, out var error), error);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, buffer[12..16]); // len and flags (0) leave data alone

        Assert.True(new SockExtendedErr { Length = 0x0302, Flags = 1 }.TryWrite(buffer, out error), error);
        Assert.Equal(new byte[] { 2, 3, 1, 0 }, buffer[12..16]);
        var read = SockExtendedErr.Read(buffer);
        Assert.Equal((0x00010302u, (ushort)0x0302, (byte)1), (read.Data, read.Length, read.Flags));
        Assert.Equal(44, buffer.Length); // the C struct (16 bytes) and room for a sockaddr_in6
    }

    [Fact]
    public void MulticastFilterTakesItsSourcesAsAList()
    {
        Assert.True(IpMsfilter.TryFromDictionary(Dict(("multiaddr", "239.1.2.3"), ("interface", "127.0.0.1"), ("fmode", 1L), ("slist", new[] { "10.0.0.1" })),
            out var filter, out var error), error);
        Assert.Equal(1u, filter.SourceCount); // numsrc follows slist when not given
        var bytes = new byte[IpMsfilter.NativeSize];
        Assert.True(filter.TryWrite(bytes, out error), error);
        Assert.Equal(new byte[] { 239, 1, 2, 3, 127, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 1 }, bytes);
        Assert.Equal(new[] { "10.0.0.1" }, IpMsfilter.Read(bytes).ToDictionary()["slist"]);

        var none = IpMsfilter.Read(bytes.AsSpan(0, 12)).ToDictionary(); // numsrc 0: no sources listed
        Assert.Equal(Array.Empty<string>(), none["slist"]);
    }

    [Theory]
    [InlineData(new[] { "10.0.0.1", "10.0.0.2" }, "Field slist holds at most 1 items")]
    [InlineData(new[] { "10.0.0.300" }, "Item 0 of field slist is not a valid IP address")]
    public void MulticastFilterRejectsBadSources(string[] slist, string message)
    {
        Assert.False(IpMsfilter.TryFromDictionary(Dict(("multiaddr", "239.1.2.3"), ("slist", slist)), out _, out var error));
        Assert.StartsWith(message, error);
    }

    [Fact]
    public void MoreSourcesThanTheListHoldsIsAnError()
    {
        Assert.False(IpMsfilter.TryFromDictionary(Dict(("numsrc", 2L), ("slist", new[] { "10.0.0.1" })), out _, out var error));
        Assert.Equal("Field numsrc (2) is more than the 1 items field slist holds", error);
        Assert.True(IpMsfilter.TryFromDictionary(Dict(("numsrc", 0L), ("slist", new[] { "10.0.0.1" })), out var none, out error), error);
        Assert.Equal(0u, none.SourceCount); // given explicitly, it wins
    }

    [Fact]
    public void GroupFilterTakesSocketAddresses()
    {
        Assert.True(GroupFilter.TryFromDictionary(Dict(("interface", 1L), ("group", "ff02::1:3"), ("slist", new object[] { "2001:db8::1" })),
            out var filter, out var error), error);
        var bytes = new byte[GroupFilter.NativeSize];
        Assert.True(filter.TryWrite(bytes, out error), error);
        Assert.Equal(272, bytes.Length);
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));   // gf_group: AF_INET6
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(140))); // gf_numsrc
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(144))); // gf_slist[0]
        Assert.Equal(new byte[] { 0x20, 0x01, 0x0d, 0xb8 }, bytes[152..156]);           // its sin6_addr
        var sources = (object?[])GroupFilter.Read(bytes).ToDictionary()["slist"]!;
        Assert.Equal("2001:db8::1", Assert.IsType<Dictionary<string, object?>>(Assert.Single(sources))["address"]);

        Assert.False(GroupFilter.TryFromDictionary(Dict(("slist", new object[] { 42L })), out _, out error));
        Assert.StartsWith("Item 0 of field slist is not a valid socket address", error);
    }

    [Fact]
    public void InterfaceIndexInNetworkOrder()
    {
        var codec = ValueCodecs.InterfaceNameBigEndian;
        var bytes = new byte[4];
        Assert.True(codec.TryWrite(new InterfaceId(0x01020304), bytes, out int written, out var error), error);
        Assert.Equal(4, written);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, bytes);
        Assert.True(codec.TryRead(new byte[] { 0, 0, 0, 7 }, out var id, out error), error);
        Assert.Equal(7, id.Index);
        Assert.False(codec.TryRead(new byte[] { 0, 0, 7 }, out _, out error));
        Assert.False(codec.TryWrite(new InterfaceId("no-such-interface0"), bytes, out _, out error));
        Assert.Equal("Unable to resolve interface no-such-interface0", error);
    }

    [Fact]
    public void UnicastInterfaceIsSetAndReadInNetworkOrder()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(s.SetOpt(SockOpt.IpUnicastIf, new InterfaceId("lo")), s.Error());
        // What the kernel holds, read past the codec: lo's index in network byte order (ip_sockglue.c uses htonl).
        var raw = Raw.Get(s.FileNo(), IPPROTO_IP, IP_UNICAST_IF, 4);
        Assert.Equal(Raw.LoopbackIndex, BinaryPrimitives.ReadInt32BigEndian(raw));
        Assert.Equal(Raw.LoopbackIndex, s.GetOpt(SockOpt.IpUnicastIf)?.Index);
        Assert.Equal("lo", s.GetOpt(IPPROTO_IP, IP_UNICAST_IF));
    }
}
