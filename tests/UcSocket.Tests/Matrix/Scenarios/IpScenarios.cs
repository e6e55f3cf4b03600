using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Matrix.Scenarios;

/// <summary>Receptions of IPPROTO_IP control messages.</summary>
internal static class IpScenarios
{
    [CmsgScenario("udp4-ttl")]
    public static ReceivedMessage Ttl() =>
        SocketScenarios.Udp4(r => Assert.True(r.SetOpt(IPPROTO_IP, IP_RECVTTL, true)), s => Assert.True(s.SetOpt(IPPROTO_IP, IP_TTL, 42)));
}
