using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Diagnostics;
using System.IO;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Messages;

/// <summary>The layout the ucode-style control-message list encodes to and decodes from, against cmsg(3) on LP64, without sockets.</summary>
public class ControlMessageLayoutTests
{
    /// <summary>A cmsghdr as cmsg(3) lays it out on LP64: size_t cmsg_len, int cmsg_level, int cmsg_type.</summary>
    private static byte[] Header(ulong len, int level, int type)
    {
        var h = new byte[16];
        BitConverter.GetBytes(len).CopyTo(h, 0);
        BitConverter.GetBytes(level).CopyTo(h, 8);
        BitConverter.GetBytes(type).CopyTo(h, 12);
        return h;
    }

    private static byte[] Concat(params byte[][] parts)
    {
        var list = new List<byte>();
        foreach (var p in parts) list.AddRange(p);
        return list.ToArray();
    }

    private static byte[] Ints(params int[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    // CMSG_LEN(n) and CMSG_SPACE(n) of glibc on LP64 (LayoutMatchesTheCHeaders checks them with cc).
    private static int CmsgLen(int n) => 16 + n;

    private static int CmsgSpace(int n) => 16 + ((n + 7) & ~7);

    [Fact]
    public void LayoutMatchesTheCHeaders()
    {
        // The oracle is the C compiler with <sys/socket.h>: Tmds.LibC 0.5.0's own CMSG_LEN is wrong
        // (it returns CMSG_SPACE), so it cannot serve.
        string dir = Directory.CreateTempSubdirectory("ucsocket-cmsg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "cmsg.c"), """
                #include <stdio.h>
                #include <sys/socket.h>
                int main(void) {
                    for (size_t n = 0; n <= 40; n++) printf("%zu %zu %zu\n", n, CMSG_LEN(n), CMSG_SPACE(n));
                    return 0;
                }
                """);
            Run("cc", dir, "-o", "cmsg", "cmsg.c");
            var lines = Run(Path.Combine(dir, "cmsg"), dir).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(41, lines.Length);
            foreach (var line in lines)
            {
                var f = Array.ConvertAll(line.Split(' '), int.Parse);
                Assert.Equal(f[1], CmsgLen(f[0]));
                Assert.Equal(f[2], CmsgSpace(f[0]));
                Assert.Equal(f[1], CmsgLayout.Len(f[0]));
                Assert.Equal(f[2], CmsgLayout.Space(f[0]));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Run(string file, string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed: {errors}");
        return output;
    }

    [Fact]
    public void EncodesEachMessageAtCmsgSpaceWithCmsgLenInItsHeader()
    {
        var items = new object[]
        {
            new ControlMessage(IPPROTO_IP, IP_TTL, 42),
            new Dictionary<string, object?>
            {
                ["level"] = SOL_SOCKET,
                ["type"] = SCM_CREDENTIALS,
                ["data"] = new Dictionary<string, object?> { ["pid"] = 1, ["uid"] = 2, ["gid"] = 3 },
            },
            new ControlMessage(1234, 5, new byte[] { 9, 8, 7 }),
        };
        var held = new List<SafeHandle>();
        Assert.True(ControlMessageEncoder.TryEncode(items, held, out var buffer, out int length, out var error), error.Message);
        Assert.Empty(held);

        var expected = Concat(
            Header((ulong)CmsgLen(4), IPPROTO_IP, IP_TTL), Ints(42), new byte[4],
            Header((ulong)CmsgLen(12), SOL_SOCKET, SCM_CREDENTIALS), Ints(1, 2, 3), new byte[4],
            Header((ulong)CmsgLen(3), 1234, 5), new byte[] { 9, 8, 7 }, new byte[5]);
        Assert.Equal(CmsgSpace(4) + CmsgSpace(12) + CmsgSpace(3), length);
        Assert.Equal(expected, buffer[..length]);
    }

    [Fact]
    public void ARawBufferIsPassedUntouched()
    {
        var raw = new byte[] { 1, 2, 3 };
        Assert.True(ControlMessageEncoder.TryEncode(raw, new List<SafeHandle>(), out var buffer, out int length, out _));
        Assert.Same(raw, buffer);
        Assert.Equal(3, length);
    }

    [Fact]
    public void UnknownTypesDecodeToRawBytesAndTheNextHeaderIsAligned()
    {
        var control = Concat(
            Header((ulong)CmsgLen(5), 999, 7), new byte[] { 1, 2, 3, 4, 5 }, new byte[3],
            Header((ulong)CmsgLen(4), IPPROTO_IP, IP_TTL), Ints(64));
        var list = ControlMessageDecoder.Decode(control, truncated: false, new List<SafeHandle>());
        Assert.Equal(2, list.Count);
        Assert.Equal(999, list[0].Level);
        Assert.Equal(7, list[0].Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, list[0].Data);
        Assert.Null(list[0].Descriptor);
        Assert.Equal(64, list[1].Data);
        Assert.Equal("level 999 type 7: 0102030405", list[0].ToString());
        Assert.Equal("IP_TTL: 64", list[1].ToString());
    }

    [Fact]
    public void APayloadThatDoesNotDecodeComesBackRaw()
    {
        // IP_TTL is an int: three bytes are no int.
        var control = Concat(Header((ulong)CmsgLen(3), IPPROTO_IP, IP_TTL), new byte[] { 1, 2, 3 }, new byte[5]);
        var c = Assert.Single(ControlMessageDecoder.Decode(control, truncated: false, new List<SafeHandle>()));
        Assert.Equal(new byte[] { 1, 2, 3 }, c.Data);
        Assert.False(c.TryGetData(Cmsg.IpTtl, out _));
    }

    [Fact]
    public void AMessageCutShortByTheKernelComesBackRaw()
    {
        // As put_cmsg leaves it with MSG_CTRUNC: cmsg_len covers what fitted (8 of struct ucred's 12 bytes).
        var control = Concat(Header(16 + 8, SOL_SOCKET, SCM_CREDENTIALS), Ints(10, 20));
        var cut = Assert.Single(ControlMessageDecoder.Decode(control, truncated: true, new List<SafeHandle>()));
        Assert.Equal(Ints(10, 20), cut.Data);

        // The same message complete decodes even with MSG_CTRUNC (another message may have been dropped).
        var whole = Concat(Header(16 + 12, SOL_SOCKET, SCM_CREDENTIALS), Ints(10, 20, 30));
        var ok = Assert.Single(ControlMessageDecoder.Decode(whole, truncated: true, new List<SafeHandle>()));
        Assert.Equal(30, Convert.ToInt32(Assert.IsType<Dictionary<string, object?>>(ok.Data)["gid"]));
    }

    [Fact]
    public void MalformedHeadersStopTheWalk()
    {
        // cmsg_len shorter than a header: nothing more is read.
        var tooShort = Concat(Header(8, IPPROTO_IP, IP_TTL), Ints(1, 2));
        Assert.Empty(ControlMessageDecoder.Decode(tooShort, truncated: false, new List<SafeHandle>()));

        // cmsg_len past the end of the buffer: clamped to it.
        var overrun = Concat(Header(1000, 999, 1), new byte[] { 5, 6 });
        var c = Assert.Single(ControlMessageDecoder.Decode(overrun, truncated: false, new List<SafeHandle>()));
        Assert.Equal(new byte[] { 5, 6 }, c.Data);

        // Fewer bytes than a header.
        Assert.Empty(ControlMessageDecoder.Decode(new byte[15], truncated: false, new List<SafeHandle>()));
        Assert.Empty(ControlMessageDecoder.Decode(ReadOnlySpan<byte>.Empty, truncated: false, new List<SafeHandle>()));
    }

    [Fact]
    public void TypedFactoryAndDictionaryForm()
    {
        var m = ControlMessage.Create(Cmsg.IpTtl, 5);
        Assert.Equal(IPPROTO_IP, m.Level);
        Assert.Equal(IP_TTL, m.Type);
        Assert.Equal(5, m.Data);
        Assert.Same(Cmsg.IpTtl, m.Descriptor);
        Assert.True(m.TryGetData(Cmsg.IpTtl, out int v));
        Assert.Equal(5, v);
        var d = m.ToDictionary();
        Assert.Equal(new Dictionary<string, object?> { ["level"] = IPPROTO_IP, ["type"] = IP_TTL, ["data"] = 5 }, d);

        // Raw bytes convert to the typed value on request; never to descriptors.
        var raw = new ControlMessage(SOL_SOCKET, SCM_CREDENTIALS, Ints(7, 8, 9));
        Assert.True(raw.TryGetData(Cmsg.ScmCredentials, out var creds));
        Assert.Equal(new Ucred(7, 8, 9), creds);
        var fake = new ControlMessage(SOL_SOCKET, SCM_RIGHTS, Ints(0, 1));
        Assert.False(fake.TryGetData(Cmsg.ScmRights, out _));
    }
}
