using System;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using UcSocket.Marshalling;
using static UcSocket.Sockets;

namespace UcSocket.Benchmarks;

/// <summary>
/// Where a typed call's time goes, piece by piece, without a syscall: the descriptor reference every call takes
/// (SafeHandle AddRef/Release), the generated struct readers and writers, the virtual codec call, and the control
/// buffer's writer and walker. The table prints these apart from the comparisons.
/// </summary>
public class Breakdown
{
    private readonly SafeHandle _handle = Create(AF_UNIX, SOCK_DGRAM)!.SafeHandle;
    private readonly byte[] _buffer = new byte[512];
    private readonly Linger _linger = new(OnOff: 1, Seconds: 5);
    private readonly TcpInfo _tcpInfo = new() { State = 1, SndMss = 32768 };
    private readonly ControlBuffer _control = new(64);
    private readonly int[] _fd = { 7 };
    private readonly Timeval _stamp = new(Seconds: 1_700_000_000, Microseconds: 123_456);

    [Params("breakdown")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _tcpInfo.TryWrite(_buffer, out _);
        _control.TryAdd(SOL_SOCKET, SCM_RIGHTS, MemoryMarshal.AsBytes(_fd.AsSpan()));
        _control.TryAdd(Cmsg.SoTimestamp, _stamp);
    }

    /// <summary>The reference every SocketHandle call holds on its descriptor (two interlocked operations).</summary>
    [Benchmark]
    public bool SafeHandleAddRefRelease()
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        _handle.DangerousRelease();
        return added;
    }

    /// <summary>The int codec as the typed option path calls it (virtual, through the descriptor).</summary>
    [Benchmark]
    public int Int32CodecRead() => SockOpt.SoRcvBuf.GetCodec.TryRead(_buffer.AsSpan(0, 4), out int v, out _) ? v : -1;

    /// <summary>What the ucode-style GetOpt adds for a struct: the seed's dictionary with boxed fields.</summary>
    [Benchmark]
    public int LingerToDictionary() => _linger.ToDictionary().Count;

    [Benchmark]
    public int LingerGeneratedRead() => Linger.Read(_buffer).Seconds;

    [Benchmark]
    public bool LingerGeneratedWrite() => _linger.TryWrite(_buffer, out _);

    [Benchmark]
    public int LingerCodecRead() => SockOpt.SoLinger.GetCodec.TryRead(_buffer.AsSpan(0, 8), out var v, out _) ? v.Seconds : -1;

    [Benchmark]
    public int LingerBlittableRead() => MemoryMarshal.Read<RawLinger>(_buffer).Seconds;

    [Benchmark]
    public byte TcpInfoGeneratedRead() => TcpInfo.Read(_buffer).State;

    [Benchmark]
    public bool TcpInfoGeneratedWrite() => _tcpInfo.TryWrite(_buffer, out _);

    [Benchmark]
    public byte TcpInfoBlittableRead() => MemoryMarshal.Read<RawTcpInfo>(_buffer).State;

    [Benchmark]
    public long ControlWalk()
    {
        long sum = 0;
        foreach (var m in _control) sum += m.Type + m.Payload.Length;
        return sum;
    }

    [Benchmark]
    public bool ControlAddTwo()
    {
        var c = _control;
        c.Clear();
        c.TryAdd(SOL_SOCKET, SCM_RIGHTS, MemoryMarshal.AsBytes(_fd.AsSpan()));
        return c.TryAdd(Cmsg.SoTimestamp, _stamp);
    }
}
