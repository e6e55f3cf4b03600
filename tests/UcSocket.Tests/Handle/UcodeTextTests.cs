using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

/// <summary>
/// What Send and SendMsg put on the wire for values that are not bytes or strings: ucode's own string conversion
/// (types.c ucv_to_stringbuf_formatted): text for numbers and bools, JSON with ucode's spacing for objects and arrays.
/// </summary>
public partial class UcodeTextTests
{
    private static byte[] Sent(object value)
    {
        var (a, b) = Pair(SOCK_DGRAM)!;
        using (a)
        using (b)
        {
            Assert.True(a.Send(value).HasValue, a.Error());
            return b.Recv(65536)!;
        }
    }

    private static string SentText(object value) => Encoding.UTF8.GetString(Sent(value));

    [Fact]
    public void ObjectsAndArraysGoAsUcodeJson()
    {
        Assert.Equal("{ \"a\": 1 }", SentText(new Dictionary<string, object?> { ["a"] = 1 }));
        Assert.Equal("{ }", SentText(new Dictionary<string, object?>()));
        Assert.Equal("[ ]", SentText(Array.Empty<int>()));
        Assert.Equal("[ 1, 2, 3 ]", SentText(new[] { 1, 2, 3 }));
        Assert.Equal("{ \"a\": [ 1, \"x\" ], \"b\": { \"c\": true, \"d\": null } }",
            SentText(new Dictionary<string, object?> { ["a"] = new object[] { 1, "x" }, ["b"] = new Dictionary<string, object?> { ["c"] = true, ["d"] = null } }));
        // Strings inside are quoted with only ", \ and control characters escaped; other bytes pass through.
        Assert.Equal("[ \"q\\\"b\\\\n\\n\\t\\u0001/é\" ]", SentText(new[] { "q\"b\\n\n\t\u0001/é" }));
        // Integral doubles get ".0" inside JSON only.
        Assert.Equal("[ 1.0, 0.5, \"NaN\", 1e309, -1e309 ]", SentText(new[] { 1.0, 0.5, double.NaN, double.PositiveInfinity, double.NegativeInfinity }));
        Assert.Equal("1", SentText(1.0));
        Assert.Equal("NaN", SentText(double.NaN));
        Assert.Equal("-Infinity", SentText(double.NegativeInfinity));
        Assert.Equal("true", SentText(true));
        Assert.Equal("18446744073709551615", SentText(ulong.MaxValue));
    }

    [Fact]
    public void AContainerHoldingItselfIsNull()
    {
        var list = new List<object?> { 1 };
        list.Add(list);
        Assert.Equal("[ 1, null ]", SentText(list));
    }

    [Fact]
    public void ObjectsUcodeHasNoTextForAreRefusedByName()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.Send(new object(), 0, "127.0.0.1:9"));
        Expect.Error(s, "Unsupported data value (type System.Object): expecting a string, bytes, a number, a bool, a dictionary or an array", Errno.EINVAL);
        Assert.Null(s.Send(new Dictionary<string, object?> { ["uri"] = new Uri("http://x/") }, 0, "127.0.0.1:9"));
        Assert.StartsWith("Unsupported data value (type System.Uri)", s.Error());
        Assert.Null(s.SendMsg(new Dictionary<object, object?> { [1] = 2 }, null, "127.0.0.1:9"));
        Assert.StartsWith("Unsupported data value (Field names must be strings", s.Error());
    }

    // strfromd(3) formats as printf's %.14g does; snprintf is variadic, and a P/Invoke call does not set up a
    // variadic call (on x86-64 the caller must count the vector registers it passes in AL), so its double is garbage
    // now and then.
    [LibraryImport("libc", EntryPoint = "strfromd")]
    private static unsafe partial int strfromd(byte* buffer, nuint size, byte* format, double value);

    private static unsafe string CPrintf(double value)
    {
        var format = "%.14g\0"u8;
        byte* buffer = stackalloc byte[64];
        fixed (byte* f = format)
        {
            int n = strfromd(buffer, 64, f, value);
            return Encoding.ASCII.GetString(buffer, n);
        }
    }

    [Fact]
    public void DoublesAreWrittenAsCsPercentPoint14g()
    {
        var values = new List<double> { 0.0, -0.0, 1, -1, 0.1, 1.0 / 3, 2.0 / 3, 1e-4, 9.99999e-5, 1e-5, 123456789012345, 12345678901234,
            99999999999999.5, 1e14, 1e15, 1e100, 1.5e-300, double.Epsilon, double.MaxValue, double.MinValue, 3.14159265358979, 100, 1e21 };
        var random = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            values.Add(BitConverter.Int64BitsToDouble(random.NextInt64()));
            values.Add((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)));
        }
        foreach (var v in values)
        {
            if (double.IsNaN(v) || double.IsInfinity(v)) continue;
            Assert.Equal(CPrintf(v), UcodeText.FormatG14(v));
        }
    }
}
