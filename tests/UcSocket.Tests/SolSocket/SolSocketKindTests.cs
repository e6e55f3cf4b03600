using System;
using System.Collections.Generic;
using UcSocket.Marshalling;
using UcSocket.Tests.Options;
using Xunit;

namespace UcSocket.Tests.SolSocket;

/// <summary>
/// The value kinds added for SOL_SOCKET (<c>u64</c>, <c>uints</c>, <c>none</c> as an ignored int, arrays of
/// structs): exact bytes, and conversions that fail with an error naming the item or field instead of truncating.
/// </summary>
public class SolSocketKindTests
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
}
