using System.Linq;
using UcSocket.Tests.Matrix;
using Xunit;

namespace UcSocket.Tests.Coverage;

/// <summary>
/// Every socket option and control-message type of ucode's socket module (the sockopts[] and cmsgtypes[] tables of
/// its lib/socket.c, Linux build: 144 options, 28 cmsg types) is in the spec, registered under the same (level, name).
/// </summary>
public class UcodeCoverageTests
{
    private static readonly (string Level, string Name)[] UcodeOptions =
    [
        ("SOL_SOCKET", "SO_ACCEPTCONN"), ("SOL_SOCKET", "SO_BROADCAST"), ("SOL_SOCKET", "SO_DEBUG"),
        ("SOL_SOCKET", "SO_ERROR"), ("SOL_SOCKET", "SO_DONTROUTE"), ("SOL_SOCKET", "SO_KEEPALIVE"),
        ("SOL_SOCKET", "SO_LINGER"), ("SOL_SOCKET", "SO_OOBINLINE"), ("SOL_SOCKET", "SO_RCVBUF"),
        ("SOL_SOCKET", "SO_RCVLOWAT"), ("SOL_SOCKET", "SO_RCVTIMEO"), ("SOL_SOCKET", "SO_REUSEADDR"),
        ("SOL_SOCKET", "SO_REUSEPORT"), ("SOL_SOCKET", "SO_SNDBUF"), ("SOL_SOCKET", "SO_SNDLOWAT"),
        ("SOL_SOCKET", "SO_SNDTIMEO"), ("SOL_SOCKET", "SO_TIMESTAMP"), ("SOL_SOCKET", "SO_TYPE"),
        ("SOL_SOCKET", "SO_ATTACH_FILTER"), ("SOL_SOCKET", "SO_ATTACH_BPF"),
        ("SOL_SOCKET", "SO_ATTACH_REUSEPORT_CBPF"), ("SOL_SOCKET", "SO_ATTACH_REUSEPORT_EBPF"),
        ("SOL_SOCKET", "SO_BINDTODEVICE"), ("SOL_SOCKET", "SO_DETACH_FILTER"), ("SOL_SOCKET", "SO_DETACH_BPF"),
        ("SOL_SOCKET", "SO_DOMAIN"), ("SOL_SOCKET", "SO_INCOMING_CPU"), ("SOL_SOCKET", "SO_INCOMING_NAPI_ID"),
        ("SOL_SOCKET", "SO_LOCK_FILTER"), ("SOL_SOCKET", "SO_MARK"), ("SOL_SOCKET", "SO_PASSCRED"),
        ("SOL_SOCKET", "SO_PASSSEC"), ("SOL_SOCKET", "SO_PEEK_OFF"), ("SOL_SOCKET", "SO_PEERCRED"),
        ("SOL_SOCKET", "SO_PEERSEC"), ("SOL_SOCKET", "SO_PRIORITY"), ("SOL_SOCKET", "SO_PROTOCOL"),
        ("SOL_SOCKET", "SO_RCVBUFFORCE"), ("SOL_SOCKET", "SO_RXQ_OVFL"), ("SOL_SOCKET", "SO_SNDBUFFORCE"),
        ("SOL_SOCKET", "SO_TIMESTAMPNS"), ("SOL_SOCKET", "SO_BUSY_POLL"), ("IPPROTO_IP", "IP_ADD_MEMBERSHIP"),
        ("IPPROTO_IP", "IP_ADD_SOURCE_MEMBERSHIP"), ("IPPROTO_IP", "IP_BLOCK_SOURCE"),
        ("IPPROTO_IP", "IP_DROP_MEMBERSHIP"), ("IPPROTO_IP", "IP_DROP_SOURCE_MEMBERSHIP"),
        ("IPPROTO_IP", "IP_HDRINCL"), ("IPPROTO_IP", "IP_MULTICAST_IF"), ("IPPROTO_IP", "IP_MULTICAST_LOOP"),
        ("IPPROTO_IP", "IP_MULTICAST_TTL"), ("IPPROTO_IP", "IP_OPTIONS"), ("IPPROTO_IP", "IP_PKTINFO"),
        ("IPPROTO_IP", "IP_RECVOPTS"), ("IPPROTO_IP", "IP_RECVTOS"), ("IPPROTO_IP", "IP_RECVTTL"),
        ("IPPROTO_IP", "IP_RETOPTS"), ("IPPROTO_IP", "IP_TOS"), ("IPPROTO_IP", "IP_TTL"),
        ("IPPROTO_IP", "IP_UNBLOCK_SOURCE"), ("IPPROTO_IP", "IP_MSFILTER"),
        ("IPPROTO_IP", "IP_BIND_ADDRESS_NO_PORT"), ("IPPROTO_IP", "IP_FREEBIND"), ("IPPROTO_IP", "IP_MTU"),
        ("IPPROTO_IP", "IP_MTU_DISCOVER"), ("IPPROTO_IP", "IP_MULTICAST_ALL"), ("IPPROTO_IP", "IP_NODEFRAG"),
        ("IPPROTO_IP", "IP_PASSSEC"), ("IPPROTO_IP", "IP_RECVERR"), ("IPPROTO_IP", "IP_RECVORIGDSTADDR"),
        ("IPPROTO_IP", "IP_ROUTER_ALERT"), ("IPPROTO_IP", "IP_TRANSPARENT"), ("IPPROTO_IPV6", "IPV6_FLOWINFO_SEND"),
        ("IPPROTO_IPV6", "IPV6_FLOWINFO"), ("IPPROTO_IPV6", "IPV6_FLOWLABEL_MGR"),
        ("IPPROTO_IPV6", "IPV6_MULTICAST_HOPS"), ("IPPROTO_IPV6", "IPV6_MULTICAST_IF"),
        ("IPPROTO_IPV6", "IPV6_MULTICAST_LOOP"), ("IPPROTO_IPV6", "IPV6_RECVTCLASS"),
        ("IPPROTO_IPV6", "IPV6_TCLASS"), ("IPPROTO_IPV6", "IPV6_UNICAST_HOPS"), ("IPPROTO_IPV6", "IPV6_V6ONLY"),
        ("IPPROTO_IPV6", "IPV6_ADD_MEMBERSHIP"), ("IPPROTO_IPV6", "IPV6_ADDR_PREFERENCES"),
        ("IPPROTO_IPV6", "IPV6_ADDRFORM"), ("IPPROTO_IPV6", "IPV6_AUTHHDR"), ("IPPROTO_IPV6", "IPV6_AUTOFLOWLABEL"),
        ("IPPROTO_IPV6", "IPV6_DONTFRAG"), ("IPPROTO_IPV6", "IPV6_DROP_MEMBERSHIP"),
        ("IPPROTO_IPV6", "IPV6_DSTOPTS"), ("IPPROTO_IPV6", "IPV6_FREEBIND"), ("IPPROTO_IPV6", "IPV6_HOPLIMIT"),
        ("IPPROTO_IPV6", "IPV6_HOPOPTS"), ("IPPROTO_IPV6", "IPV6_JOIN_ANYCAST"),
        ("IPPROTO_IPV6", "IPV6_LEAVE_ANYCAST"), ("IPPROTO_IPV6", "IPV6_MINHOPCOUNT"),
        ("IPPROTO_IPV6", "IPV6_MTU_DISCOVER"), ("IPPROTO_IPV6", "IPV6_MTU"), ("IPPROTO_IPV6", "IPV6_MULTICAST_ALL"),
        ("IPPROTO_IPV6", "IPV6_PKTINFO"), ("IPPROTO_IPV6", "IPV6_RECVDSTOPTS"), ("IPPROTO_IPV6", "IPV6_RECVERR"),
        ("IPPROTO_IPV6", "IPV6_RECVFRAGSIZE"), ("IPPROTO_IPV6", "IPV6_RECVHOPLIMIT"),
        ("IPPROTO_IPV6", "IPV6_RECVHOPOPTS"), ("IPPROTO_IPV6", "IPV6_RECVORIGDSTADDR"),
        ("IPPROTO_IPV6", "IPV6_RECVPATHMTU"), ("IPPROTO_IPV6", "IPV6_RECVPKTINFO"),
        ("IPPROTO_IPV6", "IPV6_RECVRTHDR"), ("IPPROTO_IPV6", "IPV6_ROUTER_ALERT_ISOLATE"),
        ("IPPROTO_IPV6", "IPV6_ROUTER_ALERT"), ("IPPROTO_IPV6", "IPV6_RTHDR"), ("IPPROTO_IPV6", "IPV6_RTHDRDSTOPTS"),
        ("IPPROTO_IPV6", "IPV6_TRANSPARENT"), ("IPPROTO_IPV6", "IPV6_UNICAST_IF"), ("IPPROTO_TCP", "TCP_KEEPCNT"),
        ("IPPROTO_TCP", "TCP_KEEPINTVL"), ("IPPROTO_TCP", "TCP_MAXSEG"), ("IPPROTO_TCP", "TCP_NODELAY"),
        ("IPPROTO_TCP", "TCP_FASTOPEN"), ("IPPROTO_TCP", "TCP_CONGESTION"), ("IPPROTO_TCP", "TCP_CORK"),
        ("IPPROTO_TCP", "TCP_DEFER_ACCEPT"), ("IPPROTO_TCP", "TCP_INFO"), ("IPPROTO_TCP", "TCP_KEEPIDLE"),
        ("IPPROTO_TCP", "TCP_LINGER2"), ("IPPROTO_TCP", "TCP_QUICKACK"), ("IPPROTO_TCP", "TCP_SYNCNT"),
        ("IPPROTO_TCP", "TCP_USER_TIMEOUT"), ("IPPROTO_TCP", "TCP_WINDOW_CLAMP"),
        ("IPPROTO_TCP", "TCP_FASTOPEN_CONNECT"), ("IPPROTO_UDP", "UDP_CORK"),
        ("SOL_PACKET", "PACKET_ADD_MEMBERSHIP"), ("SOL_PACKET", "PACKET_DROP_MEMBERSHIP"),
        ("SOL_PACKET", "PACKET_AUXDATA"), ("SOL_PACKET", "PACKET_FANOUT"), ("SOL_PACKET", "PACKET_LOSS"),
        ("SOL_PACKET", "PACKET_RESERVE"), ("SOL_PACKET", "PACKET_RX_RING"), ("SOL_PACKET", "PACKET_STATISTICS"),
        ("SOL_PACKET", "PACKET_TIMESTAMP"), ("SOL_PACKET", "PACKET_TX_RING"), ("SOL_PACKET", "PACKET_VERSION"),
        ("SOL_PACKET", "PACKET_QDISC_BYPASS"),
    ];

    private static readonly (string Level, string Type)[] UcodeCmsgs =
    [
        ("SOL_PACKET", "PACKET_AUXDATA"), ("SOL_SOCKET", "SO_TIMESTAMP_OLD"), ("SOL_SOCKET", "SO_TIMESTAMP_NEW"),
        ("SOL_SOCKET", "SO_TIMESTAMPNS_OLD"), ("SOL_SOCKET", "SO_TIMESTAMPNS_NEW"),
        ("SOL_SOCKET", "SCM_CREDENTIALS"), ("SOL_SOCKET", "SCM_RIGHTS"), ("IPPROTO_IP", "IP_RECVOPTS"),
        ("IPPROTO_IP", "IP_RETOPTS"), ("IPPROTO_IP", "IP_TOS"), ("IPPROTO_IP", "IP_TTL"),
        ("IPPROTO_IP", "IP_CHECKSUM"), ("IPPROTO_IP", "IP_ORIGDSTADDR"), ("IPPROTO_IP", "IP_RECVERR"),
        ("IPPROTO_IP", "IP_RECVFRAGSIZE"), ("IPPROTO_IPV6", "IPV6_TCLASS"), ("IPPROTO_IPV6", "IPV6_FLOWINFO"),
        ("IPPROTO_IPV6", "IPV6_DSTOPTS"), ("IPPROTO_IPV6", "IPV6_HOPLIMIT"), ("IPPROTO_IPV6", "IPV6_HOPOPTS"),
        ("IPPROTO_IPV6", "IPV6_ORIGDSTADDR"), ("IPPROTO_IPV6", "IPV6_PATHMTU"), ("IPPROTO_IPV6", "IPV6_PKTINFO"),
        ("IPPROTO_IPV6", "IPV6_RECVERR"), ("IPPROTO_IPV6", "IPV6_RECVFRAGSIZE"), ("IPPROTO_IPV6", "IPV6_RTHDR"),
        ("IPPROTO_TCP", "TCP_CM_INQ"), ("IPPROTO_UDP", "UDP_GRO"),
    ];

    [Fact]
    public void EveryUcodeOptionIsRegistered()
    {
        Assert.Equal(144, UcodeOptions.Length);
        var missing = UcodeOptions.Where(o => !Has(o.Level, o.Name, cmsg: false)).Select(o => o.Level + "/" + o.Name).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryUcodeControlMessageTypeIsRegistered()
    {
        Assert.Equal(28, UcodeCmsgs.Length);
        var missing = UcodeCmsgs.Where(c => !Has(c.Level, c.Type, cmsg: true)).Select(c => c.Level + "/" + c.Type).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
    }

    private static bool Has(string level, string name, bool cmsg)
    {
        int l, n;
        try
        {
            l = TestSocket.C(level);
            n = TestSocket.C(name);
        }
        catch (System.ArgumentException)
        {
            return false;
        }
        return cmsg ? SpecRegistry.TryGetControlMessage(l, n, out _) : SpecRegistry.TryGetOption(l, n, out _);
    }
}
