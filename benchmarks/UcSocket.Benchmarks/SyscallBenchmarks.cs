using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Tmds.Linux;
using static UcSocket.Sockets;

namespace UcSocket.Benchmarks;

/// <summary>1-byte ping-pong on a stream socketpair: send a→b, recv, send b→a, recv (4 syscalls per operation).</summary>
public unsafe class PingPong
{
    private SocketHandle _ua = null!, _ub = null!;
    private Socket _sa = null!, _sb = null!;
    private int _ra, _rb;
    private readonly byte[] _byte = { 42 };
    private readonly byte[] _buffer = new byte[16];

    [Params("ping-pong 1 B")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        (_ua, _ub) = Pair(SOCK_STREAM)!;
        var (a, b) = Native.SocketPair(SOCK_STREAM);
        (_sa, _sb) = (Native.ToSystemNet(a), Native.ToSystemNet(b));
        (_ra, _rb) = Native.SocketPair(SOCK_STREAM);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ua.Dispose(); _ub.Dispose(); _sa.Dispose(); _sb.Dispose();
        LibC.close(_ra); LibC.close(_rb);
    }

    [Benchmark]
    public long UcSocket()
    {
        _ua.Send(_byte.AsSpan());
        _ub.Recv(_buffer.AsSpan());
        _ub.Send(_byte.AsSpan());
        return _ua.Recv(_buffer.AsSpan()) ?? throw new InvalidOperationException(_ua.Error());
    }

    [Benchmark]
    public int SystemNet()
    {
        _sa.Send(_byte.AsSpan());
        _sb.Receive(_buffer.AsSpan());
        _sb.Send(_byte.AsSpan());
        return _sa.Receive(_buffer.AsSpan());
    }

    [Benchmark]
    public long Raw()
    {
        byte b = 42, r;
        LibC.send(_ra, &b, 1, 0);
        LibC.recv(_rb, &r, 1, 0);
        LibC.send(_rb, &b, 1, 0);
        return LibC.recv(_ra, &r, 1, 0);
    }
}

/// <summary>getsockopt of an int (SO_RCVBUF), SO_LINGER, and TCP_INFO on a connected loopback TCP socket.</summary>
public unsafe class GetOpt
{
    private SocketHandle _u = null!;
    private Socket _s = null!;
    private int _r;
    private readonly List<int> _fds = new();
    private int _kind;
    private readonly byte[] _tcpInfo = new byte[232];

    [Params("getsockopt int", "getsockopt linger", "getsockopt tcp_info")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _kind = Workload switch { "getsockopt int" => 0, "getsockopt linger" => 1, _ => 2 };
        int Connected()
        {
            var (c, s, l) = Native.TcpPair();
            _fds.Add(s);
            _fds.Add(l);
            return c;
        }
        _u = Open(Connected())!;
        _s = Benchmarks.Native.ToSystemNet(Connected());
        _r = Connected();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _u.Dispose(); _s.Dispose(); LibC.close(_r);
        foreach (int fd in _fds) LibC.close(fd);
    }

    // One small method per kind: a single method holding every kind's locals would make each call zero the
    // largest frame (a tcp_info), which is the harness's cost, not the library's.
    [Benchmark]
    public int UcSocket() => _kind switch { 0 => UcInt(), 1 => UcLinger(), _ => UcTcpInfo() };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int UcInt() => _u.GetOpt(SockOpt.SoRcvBuf) ?? throw new InvalidOperationException(_u.Error());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int UcLinger() => _u.GetOpt(SockOpt.SoLinger)?.Seconds ?? throw new InvalidOperationException(_u.Error());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int UcTcpInfo() => _u.GetOpt(SockOpt.TcpInfo)?.State ?? throw new InvalidOperationException(_u.Error());

    /// <summary>The idiomatic call for each: GetSocketOption (boxed int), LingerState, GetRawSocketOption (no typed TCP_INFO).</summary>
    [Benchmark]
    public int SystemNet() => _kind switch { 0 => SnsInt(), 1 => SnsLinger(), _ => SnsTcpInfo() };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SnsInt() => (int)_s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer)!;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SnsLinger() => _s.LingerState!.LingerTime;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SnsTcpInfo() => _s.GetRawSocketOption(IPPROTO_TCP, TCP_INFO, _tcpInfo) > 0 ? _tcpInfo[0] : -1;

    [Benchmark]
    public int Raw() => _kind switch { 0 => RawInt(_r), 1 => RawLingerSeconds(_r), _ => RawTcpInfoState(_r) };

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int RawInt(int fd)
    {
        int v;
        socklen_t len = sizeof(int);
        LibC.getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
        return v;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int RawLingerSeconds(int fd)
    {
        RawLinger v;
        socklen_t len = (uint)sizeof(RawLinger);
        LibC.getsockopt(fd, SOL_SOCKET, SO_LINGER, &v, &len);
        return v.Seconds;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RawTcpInfoState(int fd)
    {
        RawTcpInfo v;
        socklen_t len = (uint)sizeof(RawTcpInfo);
        LibC.getsockopt(fd, IPPROTO_TCP, TCP_INFO, &v, &len);
        return v.State;
    }
}

/// <summary>setsockopt of an int (SO_RCVBUF) and of SO_LINGER (TCP_INFO is read-only).</summary>
public unsafe class SetOpt
{
    private SocketHandle _u = null!;
    private Socket _s = null!;
    private int _r;
    private int _kind;
    private readonly LingerOption _linger = new(true, 5);

    [Params("setsockopt int", "setsockopt linger")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _kind = Workload == "setsockopt int" ? 0 : 1;
        _u = Create(AF_INET, SOCK_STREAM)!;
        _s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _r = LibC.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _u.Dispose(); _s.Dispose(); LibC.close(_r);
    }

    [Benchmark]
    public bool UcSocket() => _kind == 0 ? UcInt() : UcLinger();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool UcInt() => _u.SetOpt(SockOpt.SoRcvBuf, 65536) ?? throw new InvalidOperationException(_u.Error());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool UcLinger() => _u.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5)) ?? throw new InvalidOperationException(_u.Error());

    /// <summary>SetSocketOption for the int; the LingerState setter (with a cached LingerOption) for linger.</summary>
    [Benchmark]
    public bool SystemNet() => _kind == 0 ? SnsInt() : SnsLinger();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool SnsInt()
    {
        _s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 65536);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool SnsLinger()
    {
        _s.LingerState = _linger;
        return true;
    }

    [Benchmark]
    public int Raw() => _kind == 0 ? RawSetInt(_r) : RawSetLinger(_r);

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int RawSetInt(int fd)
    {
        int v = 65536;
        return LibC.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(int));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int RawSetLinger(int fd)
    {
        var l = new RawLinger { OnOff = 1, Seconds = 5 };
        return LibC.setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, (uint)sizeof(RawLinger));
    }
}

/// <summary>ucode-style calls: (level, option) looked up in the registry, values as boxed ints and dictionaries.</summary>
public unsafe class UcodeOpt
{
    private SocketHandle _u = null!;
    private int _r;
    private int _kind;
    private readonly Dictionary<string, object?> _linger = new() { ["onoff"] = 1, ["linger"] = 5 };
    private readonly object _int = 65536;

    [Params("ucode getopt int", "ucode setopt int", "ucode getopt linger (dict)", "ucode setopt linger (dict)")]
    public string Workload { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _kind = Array.IndexOf(new[] { "ucode getopt int", "ucode setopt int", "ucode getopt linger (dict)", "ucode setopt linger (dict)" }, Workload);
        _u = Create(AF_INET, SOCK_STREAM)!;
        _r = LibC.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        _u.SetOpt(SOL_SOCKET, SO_LINGER, _linger);
        var l = new RawLinger { OnOff = 1, Seconds = 5 };
        LibC.setsockopt(_r, SOL_SOCKET, SO_LINGER, &l, (uint)sizeof(RawLinger));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _u.Dispose(); LibC.close(_r);
    }

    [Benchmark]
    public object UcSocket() => _kind switch
    {
        0 => _u.GetOpt(SOL_SOCKET, SO_RCVBUF),
        1 => _u.SetOpt(SOL_SOCKET, SO_RCVBUF, _int),
        2 => _u.GetOpt(SOL_SOCKET, SO_LINGER),
        _ => _u.SetOpt(SOL_SOCKET, SO_LINGER, _linger),
    } ?? throw new InvalidOperationException(_u.Error());

    [Benchmark]
    public int Raw() => _kind switch
    {
        0 => GetOpt.RawInt(_r),
        1 => SetOpt.RawSetInt(_r),
        2 => GetOpt.RawLingerSeconds(_r),
        _ => SetOpt.RawSetLinger(_r),
    };
}
