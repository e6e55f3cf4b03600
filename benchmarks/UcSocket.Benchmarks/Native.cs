using System;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace UcSocket.Benchmarks;

/// <summary>
/// The raw .NET floor: direct Tmds.LibC P/Invoke on plain descriptors, plus the calls Tmds.LibC 0.5.0 lacks
/// (sendmmsg, recvmmsg), bound the same way as a user would.
/// </summary>
internal static unsafe partial class Native
{
    public const int SOL_UDP = UcSocket.Sockets.SOL_UDP, UDP_SEGMENT = UcSocket.Sockets.UDP_SEGMENT, UDP_GRO = UcSocket.Sockets.UDP_GRO;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sendmmsg(int fd, RawMMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int recvmmsg(int fd, RawMMsgHdr* messages, uint count, int flags, void* timeout);

    public static void Check(long rc, string what)
    {
        if (rc < 0) throw new InvalidOperationException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static (int, int) SocketPair(int type)
    {
        int* fds = stackalloc int[2];
        Check(LibC.socketpair(LibC.AF_UNIX, type | LibC.SOCK_CLOEXEC, 0, fds), "socketpair");
        return (fds[0], fds[1]);
    }

    /// <summary>A UDP socket bound to 127.0.0.1 on a free port, with a 2 s receive timeout so that a lost datagram fails instead of hanging.</summary>
    public static int UdpBound(out RawSockaddrIn address)
    {
        int fd = LibC.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        Check(fd, "socket");
        var a = RawSockaddrIn.Loopback;
        Check(LibC.bind(fd, (sockaddr*)&a, (uint)sizeof(RawSockaddrIn)), "bind");
        socklen_t len = (uint)sizeof(RawSockaddrIn);
        Check(LibC.getsockname(fd, (sockaddr*)&a, &len), "getsockname");
        var timeout = new RawTimeval { Seconds = 2 };
        Check(LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, &timeout, (uint)sizeof(RawTimeval)), "setsockopt");
        address = a;
        return fd;
    }

    /// <summary>A connected TCP pair on loopback (client, server).</summary>
    public static (int Client, int Server, int Listener) TcpPair()
    {
        int l = LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        var a = RawSockaddrIn.Loopback;
        Check(LibC.bind(l, (sockaddr*)&a, (uint)sizeof(RawSockaddrIn)), "bind");
        socklen_t len = (uint)sizeof(RawSockaddrIn);
        Check(LibC.getsockname(l, (sockaddr*)&a, &len), "getsockname");
        Check(LibC.listen(l, 4), "listen");
        int c = LibC.socket(LibC.AF_INET, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        Check(LibC.connect(c, (sockaddr*)&a, (uint)sizeof(RawSockaddrIn)), "connect");
        int s = LibC.accept4(l, null, null, LibC.SOCK_CLOEXEC);
        Check(s, "accept");
        return (c, s, l);
    }

    public static Socket ToSystemNet(int fd) => new(new SafeSocketHandle(fd, ownsHandle: true));
}

/// <summary>struct linger as a C programmer declares it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawLinger
{
    public int OnOff;
    public int Seconds;
}

/// <summary>struct ip_mreqn as a C programmer declares it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawIpMreqn
{
    public uint Multiaddr;
    public uint Address;
    public int Ifindex;
}

/// <summary>struct tcp_info (232 bytes on this kernel) as a blob a C programmer reads fields from.</summary>
[StructLayout(LayoutKind.Sequential, Size = 232)]
internal struct RawTcpInfo
{
    public byte State;
}

/// <summary>The control buffer of one SCM_RIGHTS (one descriptor) and one SO_TIMESTAMP message, as a C struct.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawRightsAndTimestamp
{
    public ulong RightsLen;
    public int RightsLevel;
    public int RightsType;
    public int Fd;
    public int Pad;
    public ulong StampLen;
    public int StampLevel;
    public int StampType;
    public long Seconds;
    public long Microseconds;
}

/// <summary>struct sockaddr_in.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawSockaddrIn
{
    public ushort Family;
    public ushort Port;     // network order
    public uint Address;    // network order
    public ulong Zero;

    public static RawSockaddrIn Loopback => new() { Family = 2, Address = 0x0100007f };
}

/// <summary>struct timeval.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawTimeval
{
    public long Seconds;
    public long Microseconds;
}

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RawIoVec
{
    public void* Base;
    public nuint Length;
}

/// <summary>struct msghdr.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RawMsgHdr
{
    public void* Name;
    public uint NameLength;
    public RawIoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}

/// <summary>struct mmsghdr.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RawMMsgHdr
{
    public RawMsgHdr Header;
    public uint Length;
}
