using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Tmds.Linux;
using UcSocket.Marshalling;
using static UcSocket.Sockets;
using NetSocketAddress = System.Net.SocketAddress;

namespace UcSocket.Benchmarks;

/// <summary>
/// 64-byte UDP datagrams over loopback, 32 per operation, reported per datagram: send 32 to a bound socket,
/// then receive the 32, each with the sender's address. Must run inside a private network namespace (run.sh does).
/// </summary>
public abstract unsafe class UdpBase
{
    public const int Batch = 32, Size = 64;

    protected SocketHandle UReceiver = null!, USender = null!;
    protected RawSocketAddress UDestination = null!;
    protected int RReceiver, RSender;
    private protected RawSockaddrIn RDestination;
    protected readonly byte[] Payload = new byte[Batch * Size];

    protected void SetupUcSocketAndRaw()
    {
        new Random(1).NextBytes(Payload);
        UReceiver = Open(Native.UdpBound(out var ua))!;
        USender = Create(AF_INET, SOCK_DGRAM)!;
        UDestination = RawSocketAddress.From(UReceiver.SockName())!;
        RReceiver = Native.UdpBound(out RDestination);
        RSender = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        _ = ua;
    }

    protected void CleanupUcSocketAndRaw()
    {
        UReceiver.Dispose(); USender.Dispose();
        LibC.close(RReceiver); LibC.close(RSender);
    }

    protected static void Fail(SocketHandle s) => throw new InvalidOperationException(s.Error());
}

/// <summary>One send and one receive syscall per datagram.</summary>
public unsafe class UdpPerCall : UdpBase
{
    [Params("udp 64 B per-call")]
    public string Workload { get; set; } = "";

    private Socket _sReceiver = null!, _sSender = null!;
    private NetSocketAddress _sDestination = null!, _sFrom = null!;
    private readonly RawSocketAddress _uFrom = new();
    private readonly byte[] _buffer = new byte[2048];

    [GlobalSetup]
    public void Setup()
    {
        SetupUcSocketAndRaw();
        _sReceiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 2000 };
        _sReceiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sSender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sDestination = _sReceiver.LocalEndPoint!.Serialize();
        _sFrom = new NetSocketAddress(AddressFamily.InterNetwork);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        CleanupUcSocketAndRaw();
        _sReceiver.Dispose(); _sSender.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long UcSocket()
    {
        for (int i = 0; i < Batch; i++)
            if (USender.SendMsg(Payload.AsSpan(i * Size, Size), null, UDestination) is null) Fail(USender);
        long total = 0;
        for (int i = 0; i < Batch; i++)
            total += UReceiver.RecvMsg(_buffer, null, _uFrom)?.Length ?? throw new InvalidOperationException(UReceiver.Error());
        return total;
    }

    /// <summary>The allocation-free SocketAddress overloads of SendTo/ReceiveFrom (.NET 8+).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public long SystemNet()
    {
        for (int i = 0; i < Batch; i++)
            _sSender.SendTo(Payload.AsSpan(i * Size, Size), SocketFlags.None, _sDestination);
        long total = 0;
        for (int i = 0; i < Batch; i++)
            total += _sReceiver.ReceiveFrom(_buffer, SocketFlags.None, _sFrom);
        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Raw()
    {
        long total = 0;
        fixed (byte* p = Payload)
        fixed (byte* b = _buffer)
        fixed (RawSockaddrIn* to = &RDestination)
        {
            for (int i = 0; i < Batch; i++)
                Native.Check(LibC.sendto(RSender, p + i * Size, Size, 0, (sockaddr*)to, (uint)sizeof(RawSockaddrIn)), "sendto");
            sockaddr_storage from;
            for (int i = 0; i < Batch; i++)
            {
                socklen_t len = (uint)sizeof(sockaddr_storage);
                long n = LibC.recvfrom(RReceiver, b, _buffer.Length, 0, (sockaddr*)&from, &len);
                Native.Check(n, "recvfrom");
                total += n;
            }
        }
        return total;
    }
}

/// <summary>sendmmsg/recvmmsg of 32 datagrams: two syscalls per 32 datagrams. System.Net.Sockets cannot batch.</summary>
public unsafe class UdpBatched : UdpBase
{
    [Params("udp 64 B batched x32")]
    public string Workload { get; set; } = "";

    private DatagramBatch _out = null!, _in = null!;
    private RawMMsgHdr* _rawOut, _rawIn;
    private RawIoVec* _rawIovOut, _rawIovIn;
    private byte* _rawBuffers;
    private sockaddr_storage* _rawNames;

    [GlobalSetup]
    public void Setup()
    {
        SetupUcSocketAndRaw();
        _out = new DatagramBatch(Batch, Size);
        _in = new DatagramBatch(Batch, 2048);
        for (int i = 0; i < Batch; i++) _out.Set(i, Payload.AsSpan(i * Size, Size));
        _out.SetAddressAll(UDestination);

        _rawOut = (RawMMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(RawMMsgHdr)));
        _rawIn = (RawMMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(RawMMsgHdr)));
        _rawIovOut = (RawIoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(RawIoVec)));
        _rawIovIn = (RawIoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(RawIoVec)));
        _rawBuffers = (byte*)NativeMemory.AllocZeroed((nuint)(Batch * (Size + 2048)));
        _rawNames = (sockaddr_storage*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(sockaddr_storage)));
        var destination = (RawSockaddrIn*)NativeMemory.AllocZeroed((nuint)sizeof(RawSockaddrIn));
        *destination = RDestination;
        for (int i = 0; i < Batch; i++)
        {
            byte* outBuffer = _rawBuffers + i * Size;
            Payload.AsSpan(i * Size, Size).CopyTo(new Span<byte>(outBuffer, Size));
            _rawIovOut[i] = new RawIoVec { Base = outBuffer, Length = Size };
            _rawOut[i].Header.Iov = &_rawIovOut[i];
            _rawOut[i].Header.IovLength = 1;
            _rawOut[i].Header.Name = destination;
            _rawOut[i].Header.NameLength = (uint)sizeof(RawSockaddrIn);
            _rawIovIn[i] = new RawIoVec { Base = _rawBuffers + Batch * Size + i * 2048, Length = 2048 };
            _rawIn[i].Header.Iov = &_rawIovIn[i];
            _rawIn[i].Header.IovLength = 1;
            _rawIn[i].Header.Name = &_rawNames[i];
        }
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupUcSocketAndRaw(); // the native blocks live as long as the process

    [Benchmark(OperationsPerInvoke = Batch)]
    public long UcSocket()
    {
        for (int sent = 0; sent < Batch;)
            sent += USender.SendMmsg(_out, sent, Batch - sent) ?? throw new InvalidOperationException(USender.Error());
        long total = 0;
        for (int got = 0; got < Batch;)
        {
            int n = UReceiver.RecvMmsg(_in, got, Batch - got, MSG_WAITFORONE) ?? throw new InvalidOperationException(UReceiver.Error());
            for (int i = got; i < got + n; i++) total += _in.GetLength(i);
            got += n;
        }
        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Raw()
    {
        for (int sent = 0; sent < Batch;)
        {
            int n = Native.sendmmsg(RSender, _rawOut + sent, (uint)(Batch - sent), 0);
            Native.Check(n, "sendmmsg");
            sent += n;
        }
        long total = 0;
        for (int got = 0; got < Batch;)
        {
            for (int i = got; i < Batch; i++) _rawIn[i].Header.NameLength = (uint)sizeof(sockaddr_storage);
            int n = Native.recvmmsg(RReceiver, _rawIn + got, (uint)(Batch - got), MSG_WAITFORONE, null);
            Native.Check(n, "recvmmsg");
            for (int i = got; i < got + n; i++) total += _rawIn[i].Length;
            got += n;
        }
        return total;
    }
}

/// <summary>
/// UDP GSO and GRO: one 2048-byte send with a UDP_SEGMENT control message of 64, which the kernel cuts into 32
/// datagrams, received with UDP_GRO on as one coalesced message and split back into its 32 segments.
/// </summary>
public unsafe class UdpGsoGro : UdpBase
{
    [Params("udp 64 B gso/gro x32")]
    public string Workload { get; set; } = "";

    private readonly ControlBuffer _segment = new(ControlBuffer.SpaceFor(2));
    private readonly ControlBuffer _control = new(64);
    private readonly RawSocketAddress _uFrom = new();
    private readonly byte[] _buffer = new byte[65536];
    private readonly byte[] _rawBuffer = new byte[65536];
    private readonly byte[] _rawOutControl = new byte[24];
    private readonly byte[] _rawInControl = new byte[64];

    [GlobalSetup]
    public void Setup()
    {
        SetupUcSocketAndRaw();
        int one = 1;
        foreach (int fd in new[] { UReceiver.FileNo(), RReceiver })
            Native.Check(LibC.setsockopt(fd, Native.SOL_UDP, Native.UDP_GRO, &one, sizeof(int)), "setsockopt UDP_GRO");
        _segment.TryAddValue<ushort>(Native.SOL_UDP, Native.UDP_SEGMENT, Size);
        _rawOutControl.AsSpan().Clear();
        MemoryMarshal.Write(_rawOutControl, 18UL); // CMSG_LEN(2)
        MemoryMarshal.Write(_rawOutControl.AsSpan(8), Native.SOL_UDP);
        MemoryMarshal.Write(_rawOutControl.AsSpan(12), Native.UDP_SEGMENT);
        MemoryMarshal.Write(_rawOutControl.AsSpan(16), (ushort)Size);
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupUcSocketAndRaw();

    [Benchmark(OperationsPerInvoke = Batch)]
    public long UcSocket()
    {
        if (USender.SendMsg(Payload, _segment, UDestination) != Batch * Size) Fail(USender);
        long segments = 0;
        for (long bytes = 0; bytes < Batch * Size;)
        {
            var r = UReceiver.RecvMsg(_buffer, _control, _uFrom) ?? throw new InvalidOperationException(UReceiver.Error());
            if (!_control.TryGetValue(Native.SOL_UDP, Native.UDP_GRO, out int size)) size = 0;
            var data = _buffer.AsSpan(0, (int)r.Length);
            for (int offset = 0; offset < data.Length; offset += size == 0 ? data.Length : size)
                segments += data[offset];
            bytes += r.Length;
        }
        return segments;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long Raw()
    {
        long segments = 0;
        fixed (byte* p = Payload)
        fixed (byte* c = _rawOutControl)
        fixed (byte* b = _rawBuffer)
        fixed (byte* ic = _rawInControl)
        fixed (RawSockaddrIn* to = &RDestination)
        {
            var iov = new RawIoVec { Base = p, Length = Batch * Size };
            var msg = new RawMsgHdr { Name = to, NameLength = (uint)sizeof(RawSockaddrIn), Iov = &iov, IovLength = 1, Control = c, ControlLength = 24 };
            Native.Check(LibC.sendmsg(RSender, (msghdr*)&msg, 0), "sendmsg");
            sockaddr_storage from;
            for (long bytes = 0; bytes < Batch * Size;)
            {
                var riov = new RawIoVec { Base = b, Length = (nuint)_rawBuffer.Length };
                var rmsg = new RawMsgHdr { Name = &from, NameLength = (uint)sizeof(sockaddr_storage), Iov = &riov, IovLength = 1, Control = ic, ControlLength = 64 };
                long n = LibC.recvmsg(RReceiver, (msghdr*)&rmsg, 0);
                Native.Check(n, "recvmsg");
                int size = 0;
                if (rmsg.ControlLength >= 20 && *(int*)(ic + 8) == Native.SOL_UDP && *(int*)(ic + 12) == Native.UDP_GRO)
                    size = *(int*)(ic + 16);
                for (int offset = 0; offset < n; offset += size == 0 ? (int)n : size)
                    segments += b[offset];
                bytes += n;
            }
        }
        return segments;
    }
}
