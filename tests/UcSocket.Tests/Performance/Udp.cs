using Tmds.Linux;
using UcSocket.Marshalling;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Performance;

/// <summary>UDP helpers for the offload tests (the UDP_* constants and descriptors come from spec/udp.yaml).</summary>
internal static class Udp
{
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
