using System.Collections.Generic;
using System;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Options;

/// <summary>
/// The value kinds beyond a plain int: <c>u64</c> (the AF_VSOCK buffer sizes, __u64 in linux/vm_sockets.h;
/// SO_MAX_PACING_RATE), <c>uints</c> (NETLINK_LIST_MEMBERSHIPS, as long as the kernel makes them), <c>none</c> as an
/// ignored int, and arrays of structs: exact bytes, on their own and on real sockets cross-checked with raw
/// getsockopt/setsockopt, and conversions that fail with an error naming the item or field instead of truncating.
/// </summary>
public class NumericAndListKindTests
{
    [Fact]
    public void NoneIsAnIntZero() => Assert.Equal(new byte[4], Raw.Encode(SockOpt.SoDetachFilter, default));

    [Fact]
    public void U64TakesTheWholeUnsignedRange()
    {
        var codec = ValueCodecs.UInt64;
        Assert.True(codec.TryFromUcode("0xffffffffffffffff", out var max, out _));
        Assert.Equal(ulong.MaxValue, max);
        Assert.Equal(BitConverter.GetBytes(ulong.MaxValue), Raw.Encode(SockOpt.SoMaxPacingRate, ulong.MaxValue));
        Assert.False(codec.TryFromUcode(-1, out _, out var error));
        Assert.Contains("-1", error, StringComparison.Ordinal);
        Assert.False(codec.TryFromUcode(1.5, out _, out _));
        Assert.Equal(7UL, Raw.Decode(SockOpt.SoCookie, BitConverter.GetBytes(7UL)));
        Assert.False(codec.TryRead(new byte[3], out _, out error));
        Assert.Contains("3-byte", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UintsAreAsLongAsTheKernelMakesThem()
    {
        var codec = ValueCodecs.UInt32Array;
        var raw = new byte[12];
        BitConverter.TryWriteBytes(raw.AsSpan(8), 0xfffffffeu);
        Assert.Equal(new uint[] { 0, 0, 0xfffffffe }, Raw.Decode(SockOpt.SoMeminfo, raw));
        Assert.False(codec.TryRead(new byte[6], out _, out var error));
        Assert.Contains("6-byte", error, StringComparison.Ordinal);
        Assert.True(codec.TryFromUcode(new List<object?> { 1, 4294967295L }, out var list, out _));
        Assert.Equal(new uint[] { 1, uint.MaxValue }, list);
        Assert.False(codec.TryFromUcode(new List<object?> { 1, -2 }, out _, out error));
        Assert.Contains("Item 1", error, StringComparison.Ordinal);
        Assert.False(codec.TryFromUcode("1,2", out _, out _));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0 }, Raw.Encode(SockOpt.SoDevmemDontneed, new uint[] { 1, 2 }));
    }

    [Fact]
    public void AStructArrayIsAListOfDictionaries()
    {
        var value = new Dictionary<string, object?>
        {
            ["ts"] = new List<object?>
            {
                new Dictionary<string, object?> { ["sec"] = 1, ["nsec"] = 2 },
                null,
                new Dictionary<string, object?> { ["sec"] = 5, ["nsec"] = 6 },
            },
        };
        Assert.True(Cmsg.SoTimestamping.TryEncodeUcode(value, out var payload, out var error), error.Message);
        Assert.Equal(48, payload.Length);
        Assert.Equal(5L, BitConverter.ToInt64(payload, 32));
        Assert.Equal(6L, BitConverter.ToInt64(payload, 40));
        Assert.True(Cmsg.SoTimestamping.TryDecodeUcode(payload, out var decoded, out error), error.Message);
        var ts = Assert.IsType<Dictionary<string, object?>[]>(Assert.IsType<Dictionary<string, object?>>(decoded)["ts"]);
        Assert.Equal(3, ts.Length);
        Assert.Equal(0L, ts[1]["sec"]);
        Assert.Equal(6L, ts[2]["nsec"]);
    }

    [Fact]
    public void AStructArrayRefusesTooManyItemsAndBadItems()
    {
        var four = new Dictionary<string, object?> { ["ts"] = new List<object?> { null, null, null, null } };
        Assert.False(ScmTimestamping.TryFromDictionary(four, out _, out var error));
        Assert.Equal("Field ts holds at most 3 items", error);
        var bad = new Dictionary<string, object?> { ["ts"] = new List<object?> { new Dictionary<string, object?> { ["sec"] = 1 }, 42 } };
        Assert.False(ScmTimestamping.TryFromDictionary(bad, out _, out error));
        Assert.StartsWith("Item 1 of field ts: ", error, StringComparison.Ordinal);
        var scalar = new Dictionary<string, object?> { ["ts"] = 42 };
        Assert.False(ScmTimestamping.TryFromDictionary(scalar, out _, out error));
        Assert.Contains("must be an array of struct timespec", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UInt64CarriesAllSixtyFourBits()
    {
        using var s = Create(AF_VSOCK, SOCK_STREAM)!;
        Assert.True(s is not null, Error());
        // The kernel stores the maximum as given (it only clamps the size itself): 4 GiB needs the 33rd bit.
        Assert.Equal(true, s.SetOpt(SockOpt.SoVmSocketsBufferMaxSize, 0x1_0000_0000UL));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 0, 0, 0 }, Raw.Get(s.FileNo(), AF_VSOCK, SO_VM_SOCKETS_BUFFER_MAX_SIZE, 8));
        Assert.Equal(0x1_0000_0000UL, s.GetOpt(SockOpt.SoVmSocketsBufferMaxSize));

        Raw.Set(s.FileNo(), AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, BitConverter.GetBytes(200000UL));
        Assert.Equal(200000UL, s.GetOpt(AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE));
        Assert.Equal(true, s.SetOpt(AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, "0x30000"));
        Assert.Equal(0x30000UL, BitConverter.ToUInt64(Raw.Get(s.FileNo(), AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, 8)));
    }

    [Fact]
    public void UInt64RefusesWhatDoesNotFit()
    {
        using var s = Create(AF_VSOCK, SOCK_STREAM)!;
        #pragma warning disable UCS103 // the library must refuse these at run time
        Assert.Null(s.SetOpt(AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, -1));
        Assert.Equal("Unable to convert value to unsigned integer (Int32 -1 is not a 64-bit unsigned integer): Invalid argument", s.Error());
        Assert.Null(s.SetOpt(AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE, "lots"));
        #pragma warning restore UCS103
        Assert.Equal(22, s.Error(true));

        var codec = ValueCodecs.UInt64;
        Assert.True(codec.TryFromUcode("0xffffffffffffffff", out ulong max, out _));
        Assert.Equal(ulong.MaxValue, max);
        Assert.False(codec.TryRead(new byte[3], out _, out var error)); // 8 bytes, or 4 where the kernel gives a __u32 (SO_MAX_PACING_RATE)
        Assert.Equal("Unexpected 3-byte value for __u64", error);
    }

    [Fact]
    public void UIntListReadsTheMembershipWords()
    {
        using var s = Create(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)!;
        // No group joined yet: the kernel returns no words at all.
        Assert.Equal(Array.Empty<uint>(), s.GetOpt(SockOpt.NetlinkListMemberships));

        Assert.Equal(true, s.SetOpt(SockOpt.NetlinkAddMembership, (uint)RTNLGRP_IPV4_IFADDR));
        Assert.Equal(true, s.SetOpt(SockOpt.NetlinkAddMembership, (uint)RTNLGRP_BRVLAN));
        var words = s.GetOpt(SockOpt.NetlinkListMemberships)!;
        Assert.Equal(Raw.Get(s.FileNo(), SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 64).Length, words.Length * 4);
        Assert.Equal(1u << (RTNLGRP_IPV4_IFADDR - 1), words[0]);
        Assert.Equal(1u << (RTNLGRP_BRVLAN - 33), words[1]);

        var ucode = Assert.IsType<uint[]>(s.GetOpt(SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS));
        Assert.Equal(words, ucode);
    }

    [Fact]
    public void UIntListConvertsListsAndRefusesBadItems()
    {
        var codec = ValueCodecs.UInt32Array;
        Assert.True(codec.TryFromUcode(new List<object?> { 1, 2L, "3", uint.MaxValue }, out var list, out var error), error);
        Assert.Equal(new uint[] { 1, 2, 3, uint.MaxValue }, list);

        Span<byte> bytes = stackalloc byte[16];
        Assert.True(codec.TryWrite(list, bytes, out int written, out _));
        Assert.Equal(16, written);
        Assert.True(codec.TryRead(bytes, out var back, out _));
        Assert.Equal(list, back);

        Assert.False(codec.TryFromUcode(new object?[] { 1, -1 }, out _, out error));
        Assert.Equal("Item 1 is not an unsigned 32-bit integer (Int32 -1)", error);
        Assert.False(codec.TryFromUcode("1,2", out _, out error));
        Assert.Equal("Expecting an array of unsigned integers, got string \"1,2\"", error);
        Assert.False(codec.TryRead(new byte[6], out _, out error));
        Assert.Equal("Unexpected 6-byte value for __u32[]", error);
    }
}
