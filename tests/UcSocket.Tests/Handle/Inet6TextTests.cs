using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Linq;
using System.Text;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Handle;

/// <summary>IPv6 text is parsed and printed exactly as glibc's inet_pton and inet_ntop do (checked against them).</summary>
public partial class Inet6TextTests
{
    [LibraryImport("libc", EntryPoint = "inet_pton", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int inet_pton(int family, string text, byte* destination);

    [LibraryImport("libc", EntryPoint = "inet_ntop")]
    private static unsafe partial byte* inet_ntop(int family, byte* source, byte* destination, uint size);

    private static unsafe byte[]? LibcParse(string text)
    {
        var b = new byte[16];
        fixed (byte* p = b)
            return inet_pton(AF_INET6, text, p) == 1 ? b : null;
    }

    private static unsafe string LibcFormat(byte[] address)
    {
        byte* buffer = stackalloc byte[64];
        fixed (byte* p = address)
            return Marshal.PtrToStringUTF8((nint)inet_ntop(AF_INET6, p, buffer, 64))!;
    }

    public static IEnumerable<object[]> Texts() => new[]
    {
        "::", "::1", "1::", "1::2", "::1.2.3.4", "::ffff:1.2.3.4", "::1.2.3.04", "::1.2.3.256", "::1.2.3", "1:2:3:4:5:6:1.2.3.4",
        "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8",
        ":1::2", "1::2:", "1:::2", "1::2::3", "12345::", "01234::", "0000:0::", "ABCD::ef", "g::", "", ":", ":::", "1.2.3.4",
        "fe80::1%lo", "[::1]", " ::1", "::1 ", "::0.0.0.0", "::ffff:0.0.0.0", "1:2:3:4:5::1.2.3.4", "::1.2.3.4:5", "::1:2.3.4.5",
    }.Select(t => new object[] { t });

    [Theory]
    [MemberData(nameof(Texts))]
    public void ParsingAgreesWithInetPton(string text)
    {
        var expected = LibcParse(text);
        bool parsed = In6Addr.TryParse(text, out var address);
        Assert.Equal(expected is not null, parsed);
        if (expected is null) return;
        var bytes = new byte[16];
        address.CopyTo(bytes);
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void PrintingAgreesWithInetNtop()
    {
        var random = new Random(42);
        var samples = new List<byte[]>();
        for (int i = 0; i < 5000; i++)
        {
            var b = new byte[16];
            random.NextBytes(b);
            // Zero some 16-bit groups so that runs of zeros of every length and place occur.
            int mask = random.Next(256);
            for (int g = 0; g < 8; g++)
                if ((mask & (1 << g)) != 0) b[2 * g] = b[2 * g + 1] = 0;
            if (random.Next(4) == 0) { b[10] = b[11] = 0xff; for (int k = 0; k < 10; k++) b[k] = 0; }
            samples.Add(b);
        }
        foreach (var b in samples)
        {
            string text = new In6Addr(b).ToString();
            Assert.Equal(LibcFormat(b), text);
            Assert.True(In6Addr.TryParse(text, out var back));
            Assert.Equal(new In6Addr(b), back);
        }
    }

    [Fact]
    public void AScopedAddressPrintsWithItsScopeAndParsesBack()
    {
        var scoped = SockAddr("[fe80::1%lo]:80")!;
        Assert.Equal("[fe80::1%lo]:80", scoped.ToString());
        var again = SockAddr(scoped.ToString())!;
        Assert.Equal(scoped.ToString(), again.ToString());
        Assert.Equal("fe80::1%lo", new SocketAddress(AF_INET6) { Address = "fe80::1", Interface = "lo" }.ToString());
    }
}
