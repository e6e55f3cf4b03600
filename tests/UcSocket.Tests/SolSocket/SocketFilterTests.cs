using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.SolSocket;

/// <summary>
/// Socket filters on real UDP sockets over 127.0.0.1: classic BPF programs (SO_ATTACH_FILTER, in every form ucode
/// takes and the typed one) and eBPF programs (SO_ATTACH_BPF) change what the socket receives; detaching restores
/// it; bad programs are refused with an error naming what is wrong.
/// </summary>
public class SocketFilterTests
{
    // "Keep datagrams whose first payload byte is 'A'": the filter sees the UDP header at offset 0 (udp(7) sockets
    // filter after the IP header is pulled), so the payload starts at 8.
    private static readonly long[][] FirstByteIsA =
    {
        new long[] { BPF_LD | BPF_B | BPF_ABS, 0, 0, 8 },
        new long[] { BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 'A' },
        new long[] { BPF_RET | BPF_K, 0, 0, 0xffff },
        new long[] { BPF_RET | BPF_K, 0, 0, 0 },
    };

    private static List<object?> Tuples(long[][] program) => program.Select(i => (object?)i.Cast<object?>().ToList()).ToList();

    private static List<object?> Flat(long[][] program) => program.SelectMany(i => i.Cast<object?>()).ToList();

    /// <summary>The bytecode as struct sock_filter lays it out (linux/filter.h): __u16 code, __u8 jt, __u8 jf, __u32 k.</summary>
    private static byte[] Bytecode(long[][] program)
    {
        var bytes = new byte[program.Length * 8];
        for (int i = 0; i < program.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), (ushort)program[i][0]);
            bytes[i * 8 + 2] = (byte)program[i][1];
            bytes[i * 8 + 3] = (byte)program[i][2];
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8 + 4), (uint)program[i][3]);
        }
        return bytes;
    }

    private sealed class Udp : IDisposable
    {
        public readonly SocketHandle Receiver = Create(AF_INET, SOCK_DGRAM)!;
        public readonly SocketHandle Sender = Create(AF_INET, SOCK_DGRAM)!;

        public Udp() => Assert.True(Receiver.Bind("127.0.0.1:0"), Receiver.Error());

        public void Send(string text) => Assert.Equal(text.Length, Sender.Send(text, 0, Receiver.SockName()));

        /// <summary>The next datagram (blocking; loopback delivers in order, so earlier ones were dropped).</summary>
        public string Next() => Encoding.ASCII.GetString(Receiver.Recv(64)!);

        public void Dispose()
        {
            Receiver.Dispose();
            Sender.Dispose();
        }
    }

    public static TheoryData<string> Forms() => new() { "tuples", "flat", "bytecode", "dictionary", "dictionary-with-len", "typed" };

    [Theory]
    [MemberData(nameof(Forms))]
    public void AClassicFilterKeepsOnlyWhatItAccepts(string form)
    {
        using var u = new Udp();
        bool? ok = form switch
        {
            "tuples" => u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, Tuples(FirstByteIsA)),
            "flat" => u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, Flat(FirstByteIsA)),
            "bytecode" => u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, Bytecode(FirstByteIsA)),
            "dictionary" => u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, new Dictionary<string, object?> { ["filter"] = Tuples(FirstByteIsA) }),
            "dictionary-with-len" => u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER,
                new Dictionary<string, object?> { ["filter"] = Bytecode(FirstByteIsA), ["len"] = 4 }),
            _ => u.Receiver.SetOpt(SockOpt.SoAttachFilter, FirstByteIsA
                .Select(i => new SockFilter((ushort)i[0], (byte)i[1], (byte)i[2], (uint)i[3])).ToArray()),
        };
        Assert.True(ok == true, u.Receiver.Error());
        u.Send("B dropped");
        u.Send("A kept");
        Assert.Equal("A kept", u.Next());
    }

    [Fact]
    public void AnAcceptNothingFilterDropsEverythingUntilDetached()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, new List<object?> { BPF_RET | BPF_K, 0, 0, 0 }), u.Receiver.Error());
        u.Send("A dropped");
        u.Send("B dropped");
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_DETACH_FILTER, null), u.Receiver.Error());
        u.Send("after");
        Assert.Equal("after", u.Next());
    }

    [Fact]
    public void ALockedFilterCannotBeDetached()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, Tuples(FirstByteIsA)), u.Receiver.Error());
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_LOCK_FILTER, 1), u.Receiver.Error());
        Assert.Null(u.Receiver.SetOpt(SockOpt.SoDetachFilter, default));
        Assert.Equal(1 /* EPERM */, u.Receiver.Error(true));
    }

    [Fact]
    public void AnEbpfFilterDropsAndDetachesWithSoDetachBpf()
    {
        using var u = new Udp();
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_BPF, BpfPrograms.DropAll), u.Receiver.Error());
        u.Send("dropped");
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_DETACH_BPF, null), u.Receiver.Error());
        Assert.True(u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_BPF, BpfPrograms.AcceptAll), u.Receiver.Error());
        u.Send("kept");
        Assert.Equal("kept", u.Next());
    }

    [Fact]
    public void AttachingAnythingButAnEbpfProgramFails()
    {
        using var u = new Udp();
        using var other = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(u.Receiver.SetOpt(SOL_SOCKET, SO_ATTACH_BPF, other.FileNo()));
        Assert.Equal(22 /* EINVAL */, u.Receiver.Error(true));
    }

    [Fact]
    public void AReuseportProgramNeedsSoReuseport()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, Tuples(FirstByteIsA)));
        Assert.Equal(22 /* EINVAL */, s.Error(true));
        Assert.True(s.SetOpt(SOL_SOCKET, SO_REUSEPORT, true), s.Error());
        Assert.True(s.SetOpt(SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, Tuples(FirstByteIsA)), s.Error());
        Assert.True(s.SetOpt(SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, null), s.Error());
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_DETACH_REUSEPORT_BPF, null));
        Assert.Equal(2 /* ENOENT */, s.Error(true));
    }

    public static TheoryData<string, string> BadPrograms() => new()
    {
        { "empty", "has no instructions" },
        { "flat5", "Opcode array length 5 is not a multiple of 4" },
        { "tuple3", "Instruction 1 must be a [code, jt, jf, k] tuple, got 3 items" },
        { "jt300", "field jt" },
        { "code-1", "field code" },
        { "len", "Field len (3) does not match the 4 instructions of field filter" },
        { "unknown-key", "Unknown field 'filtre'" },
        { "no-filter", "Field filter is missing" },
        { "bytes7", "Filter program length 7 is not a positive multiple of 8" },
        { "number", "Expecting a BPF program" },
    };

    [Theory]
    [MemberData(nameof(BadPrograms))]
    public void ABadProgramIsRefusedNamingWhatIsWrong(string which, string message)
    {
        object? value = which switch
        {
            "empty" => new List<object?>(),
            "flat5" => new List<object?> { 6, 0, 0, 0, 1 },
            "tuple3" => new List<object?> { new List<object?> { 6, 0, 0, 0 }, new List<object?> { 6, 0, 0 } },
            "jt300" => new List<object?> { new List<object?> { 6, 300, 0, 0 } },
            "code-1" => new List<object?> { -1, 0, 0, 0 },
            "len" => new Dictionary<string, object?> { ["filter"] = Tuples(FirstByteIsA), ["len"] = 3 },
            "unknown-key" => new Dictionary<string, object?> { ["filtre"] = Tuples(FirstByteIsA) },
            "no-filter" => new Dictionary<string, object?> { ["len"] = 1 },
            "bytes7" => new byte[7],
            _ => 42,
        };
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, value));
        Assert.Equal(22 /* EINVAL */, s.Error(true));
        Assert.Contains(message, s.Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheTypedFormRefusesAnEmptyProgram()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.Null(s.SetOpt(SockOpt.SoAttachFilter, Array.Empty<SockFilter>()));
        Assert.Contains("has no instructions", s.Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFilterCannotBeReadBack()
    {
        using var s = Create(AF_INET, SOCK_DGRAM)!;
        Assert.True(s.SetOpt(SOL_SOCKET, SO_ATTACH_FILTER, Tuples(FirstByteIsA)), s.Error());
        #pragma warning disable UCS102 // the library must refuse it at run time
        Assert.Null(s.GetOpt(SOL_SOCKET, SO_ATTACH_FILTER));
        #pragma warning restore UCS102
        Assert.Equal(95 /* EOPNOTSUPP */, s.Error(true));
        Assert.Contains("write only", s.Error(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The codec writes a struct sock_fprog followed by the program and points at it; its layout is checked against
    /// the machine's linux/filter.h (size of sock_fprog, offsets of len and filter).
    /// </summary>
    [Fact]
    public unsafe void TheEncodedSockFprogMatchesTheHeaders()
    {
        var facts = CompileAndRun("""
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/filter.h>
            int main(void)
            {
                printf("%zu %zu %zu %zu\n", sizeof(struct sock_fprog), offsetof(struct sock_fprog, len),
                       offsetof(struct sock_fprog, filter), sizeof(((struct sock_fprog *)0)->filter));
                return 0;
            }
            """).Split(' ').Select(int.Parse).ToArray();
        int size = facts[0], lenOffset = facts[1], filterOffset = facts[2], pointerSize = facts[3];
        Assert.Equal(8, pointerSize);

        var program = FirstByteIsA.Select(i => new SockFilter((ushort)i[0], (byte)i[1], (byte)i[2], (uint)i[3])).ToArray();
        var codec = ValueCodecs.BpfProgram;
        int needed = codec.GetSize(program);
        Assert.Equal(size + program.Length * SockFilter.NativeSize, needed);
        Span<byte> buffer = stackalloc byte[needed];
        Assert.True(codec.TryWrite(program, buffer, out int written, out var error), error);
        Assert.Equal(size, written);
        Assert.Equal(program.Length, BitConverter.ToUInt16(buffer[lenOffset..]));
        fixed (byte* p = buffer)
            Assert.Equal((ulong)(p + size), BitConverter.ToUInt64(buffer[filterOffset..]));
        Assert.Equal(Bytecode(FirstByteIsA), buffer[size..].ToArray());
    }

    private static string CompileAndRun(string source)
    {
        var dir = Directory.CreateTempSubdirectory("ucsocket-fprog-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "probe.c"), source);
            Run("cc", $"-o {Path.Combine(dir.FullName, "probe")} {Path.Combine(dir.FullName, "probe.c")}");
            return Run(Path.Combine(dir.FullName, "probe"), "").Trim();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), $"{file} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} failed: {stderr.Result}");
        return stdout.Result;
    }
}
