using UcSocket;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests;

public class SmokeTests
{
    [Fact]
    public void LingerRoundTripsThroughTheGeneratedDescriptor()
    {
        using var s = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(s.SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 7)));
        var back = s.GetOpt(SockOpt.SoLinger);
        Assert.Equal(new Linger(OnOff: 1, Seconds: 7), back);
    }
}
