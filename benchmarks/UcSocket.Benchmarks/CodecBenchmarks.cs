using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using static UcSocket.Sockets;

namespace UcSocket.Benchmarks;

/// <summary>
/// Marshalling work alone (no syscall): a value written to its C bytes and read back through the generated struct's
/// <c>TryWrite</c> and <c>Read</c> (one copy each: the typed option paths hand the value's own memory to the kernel,
/// so they do even less), and a control buffer written and walked; against a plain blittable struct write and read
/// of the same bytes.
/// </summary>
public class Codec
{
    private readonly byte[] _buffer = new byte[512];
    private int _kind;
    private Linger _linger = new(OnOff: 1, Seconds: 5);
    private IpMreqn _mreqn;
    private TcpInfo _tcpInfo;
    private RawLinger _rawLinger = new() { OnOff = 1, Seconds = 5 };
    private RawIpMreqn _rawMreqn = new() { Multiaddr = 0x030201EF, Address = 0x0100007F, Ifindex = 1 };
    private RawTcpInfo _rawTcpInfo = new() { State = 1 };
    private RawRightsAndTimestamp _rawControl;
    private readonly ControlBuffer _control = new(64);
    private readonly int[] _fd = { 7 };
    private readonly Timeval _stamp = new(Seconds: 1_700_000_000, Microseconds: 123_456);

    [Params("codec linger", "codec ip_mreqn", "codec tcp_info", "codec cmsg rights+timestamp")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _kind = Array.IndexOf(new[] { "codec linger", "codec ip_mreqn", "codec tcp_info", "codec cmsg rights+timestamp" }, Workload);
        InAddr.TryParse("239.1.2.3", out var group);
        InAddr.TryParse("127.0.0.1", out var local);
        _mreqn = new IpMreqn(Multiaddr: group, Address: local, Ifindex: 1);
        _tcpInfo = new TcpInfo { State = 1, SndMss = 32768, Rtt = 40, BytesAcked = 1 << 20 };
        _rawControl = new RawRightsAndTimestamp
        {
            RightsLen = 20, RightsLevel = SOL_SOCKET, RightsType = SCM_RIGHTS, Fd = 7,
            StampLen = 32, StampLevel = SOL_SOCKET, StampType = SO_TIMESTAMP, Seconds = 1_700_000_000, Microseconds = 123_456,
        };
    }

    // One small method per kind: a single method holding every kind's locals would make each call zero the
    // largest frame (a tcp_info), which is the harness's cost, not the codec's.
    [Benchmark]
    public long UcSocket() => _kind switch { 0 => UcLinger(), 1 => UcMreqn(), 2 => UcTcpInfo(), _ => UcControl() };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long UcLinger()
    {
        _linger.TryWrite(_buffer, out _);
        return Linger.Read(_buffer).Seconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long UcMreqn()
    {
        _mreqn.TryWrite(_buffer, out _);
        return IpMreqn.Read(_buffer).Ifindex;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long UcTcpInfo()
    {
        _tcpInfo.TryWrite(_buffer, out _);
        return TcpInfo.Read(_buffer).State;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long UcControl()
    {
        var c = _control;
        c.Clear();
        c.TryAdd(SOL_SOCKET, SCM_RIGHTS, MemoryMarshal.AsBytes(_fd.AsSpan()));
        c.TryAdd(Cmsg.SoTimestamp, _stamp);
        long sum = 0;
        foreach (var m in c)
        {
            if (m.Level != SOL_SOCKET) continue;
            if (m.Type == SCM_RIGHTS && m.TryGetValue(out int fd)) sum += fd;
            else if (m.TryGet(Cmsg.SoTimestamp, out var t)) sum += t.Microseconds;
        }
        return sum;
    }

    /// <summary>The floor: the same bytes written and read as plain blittable structs.</summary>
    [Benchmark]
    public long Raw() => _kind switch { 0 => BlitLinger(), 1 => BlitMreqn(), 2 => BlitTcpInfo(), _ => BlitControl() };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long BlitLinger()
    {
        MemoryMarshal.Write(_buffer, in _rawLinger);
        return MemoryMarshal.Read<RawLinger>(_buffer).Seconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long BlitMreqn()
    {
        MemoryMarshal.Write(_buffer, in _rawMreqn);
        return MemoryMarshal.Read<RawIpMreqn>(_buffer).Ifindex;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long BlitTcpInfo()
    {
        MemoryMarshal.Write(_buffer, in _rawTcpInfo);
        return MemoryMarshal.Read<RawTcpInfo>(_buffer).State;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long BlitControl()
    {
        MemoryMarshal.Write(_buffer, in _rawControl);
        var back = MemoryMarshal.Read<RawRightsAndTimestamp>(_buffer);
        return back.Fd + back.Microseconds;
    }
}
