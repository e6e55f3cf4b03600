using System;
using System.Runtime.InteropServices;
using Xunit;

namespace UcSocket.Tests.SolSocket;

/// <summary>
/// Tiny eBPF socket-filter programs loaded with bpf(2) (BPF_PROG_LOAD, root), for SO_ATTACH_BPF and
/// SO_ATTACH_REUSEPORT_EBPF. Each is loaded once and stays loaded for the test run.
/// </summary>
internal static unsafe class BpfPrograms
{
    private const int BPF_PROG_LOAD = 5;
    private const int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    private const int AttrSize = 128;

    private static readonly Lazy<int> s_acceptAll = new(() => Load(-1));
    private static readonly Lazy<int> s_dropAll = new(() => Load(0));

    /// <summary>A program that keeps every packet whole (returns 0xffffffff bytes).</summary>
    public static int AcceptAll => s_acceptAll.Value;

    /// <summary>A program that drops every packet (returns 0).</summary>
    public static int DropAll => s_dropAll.Value;

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, long command, void* attr, long size);

    private static long SysBpf => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        var other => throw new PlatformNotSupportedException($"no bpf(2) number for {other}"),
    };

    /// <summary>Loads "r0 = <paramref name="result"/>; exit" as a BPF_PROG_TYPE_SOCKET_FILTER program.</summary>
    private static int Load(int result)
    {
        // struct bpf_insn: u8 code, u8 dst_reg:4 src_reg:4, s16 off, s32 imm (linux/bpf.h).
        Span<byte> insns = stackalloc byte[16];
        insns.Clear();
        insns[0] = 0x07 | 0xb0; // BPF_ALU64 | BPF_MOV | BPF_K, dst r0
        BitConverter.TryWriteBytes(insns[4..], result);
        insns[8] = 0x05 | 0x90; // BPF_JMP | BPF_EXIT
        var license = "GPL\0"u8;
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        fixed (byte* pi = insns)
        fixed (byte* pl = license)
        fixed (byte* pa = attr)
        {
            // union bpf_attr for BPF_PROG_LOAD: prog_type, insn_cnt, insns, license.
            *(uint*)pa = BPF_PROG_TYPE_SOCKET_FILTER;
            *(uint*)(pa + 4) = 2;
            *(ulong*)(pa + 8) = (ulong)pi;
            *(ulong*)(pa + 16) = (ulong)pl;
            long fd = syscall(SysBpf, BPF_PROG_LOAD, pa, AttrSize);
            Assert.True(fd >= 0, $"bpf(BPF_PROG_LOAD) failed: errno {Marshal.GetLastPInvokeError()}");
            return (int)fd;
        }
    }
}
