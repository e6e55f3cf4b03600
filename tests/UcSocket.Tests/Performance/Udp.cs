using Tmds.Linux;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>
/// UDP offload numbers from linux/udp.h, which the spec does not have yet (they are being added to the spec;
/// the generated constants and descriptors replace these when they land).
/// </summary>
internal static class Udp
{
    /// <summary>SOL_UDP (linux/socket.h): the same number as IPPROTO_UDP.</summary>
    public const int SOL_UDP = 17;

    /// <summary>UDP_SEGMENT (linux/udp.h): GSO segment size, a socket option and a cmsg with a u16 payload.</summary>
    public const int UDP_SEGMENT = 103;

    /// <summary>UDP_GRO (linux/udp.h): receive coalesced datagrams; the cmsg carries the segment size as an int.</summary>
    public const int UDP_GRO = 104;

    public static readonly SocketOption<bool, bool> UdpGroOption = new("UDP_GRO", SOL_UDP, UDP_GRO, ValueCodecs.Bool, ValueCodecs.Bool);

    public static readonly SocketOption<int, int> UdpSegmentOption = new("UDP_SEGMENT", SOL_UDP, UDP_SEGMENT, ValueCodecs.Int32, ValueCodecs.Int32);

    public static readonly ControlMessageType<int> UdpGroCmsg = new("UDP_GRO", SOL_UDP, UDP_GRO, ValueCodecs.Int32);

    /// <summary>A UDP socket bound to 127.0.0.1 on a free port.</summary>
    public static SocketHandle Bound()
    {
        var s = Create(AF_INET, SOCK_DGRAM);
        Assert.NotNull(s);
        Assert.True(s!.Bind("127.0.0.1:0"), s.Error());
        return s;
    }

    /// <summary>The kernel's idea of the socket's address, read with getsockname(2) directly.</summary>
    public static unsafe byte[] KernelSockName(SocketHandle s)
    {
        byte* buffer = stackalloc byte[128];
        socklen_t length = 128;
        Assert.Equal(0, LibC.getsockname(s.FileNo(), (sockaddr*)buffer, &length));
        return new System.ReadOnlySpan<byte>(buffer, (int)length).ToArray();
    }
}
