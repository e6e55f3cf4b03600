using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using UcSocket.Tests.Matrix.Scenarios;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.SolSocket;

/// <summary>
/// SOL_SOCKET options whose values the matrix can only read (cookies, the peer's groups and pidfd), checked against
/// what the kernel says elsewhere; and the constants newer than the build machine's headers (marked <c>since</c>),
/// checked on the running kernel.
/// </summary>
public class SolSocketOptionTests
{
    [DllImport("libc", SetLastError = true)]
    private static extern int getgroups(int size, [Out] uint[]? list);

    private static SocketHandle Udp4() => Create(AF_INET, SOCK_DGRAM)!;

    [Fact]
    public void EachSocketHasItsOwnStableCookie()
    {
        using var a = Udp4();
        using var b = Udp4();
        ulong first = a.GetOpt(SockOpt.SoCookie) ?? throw new InvalidOperationException(a.Error());
        Assert.NotEqual(0UL, first);
        Assert.Equal(first, a.GetOpt(SockOpt.SoCookie));
        Assert.NotEqual(first, b.GetOpt(SockOpt.SoCookie));
        Assert.Equal(first, Assert.IsType<ulong>(a.GetOpt(SOL_SOCKET, SO_COOKIE)));
    }

    [Fact]
    public void SocketsOfOneNamespaceShareItsCookie()
    {
        using var a = Udp4();
        using var b = Create(AF_UNIX, SOCK_STREAM)!;
        ulong cookie = a.GetOpt(SockOpt.SoNetnsCookie) ?? throw new InvalidOperationException(a.Error());
        Assert.NotEqual(0UL, cookie);
        Assert.Equal(cookie, b.GetOpt(SockOpt.SoNetnsCookie));
    }

    [Fact]
    public void PeerGroupsAreTheGroupsOfThisProcess()
    {
        int n = getgroups(0, null);
        Assert.True(n >= 0, $"getgroups: errno {Marshal.GetLastPInvokeError()}");
        var groups = new uint[n];
        Assert.Equal(n, getgroups(n, groups));
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            Assert.True(a.TryGetOpt(SockOpt.SoPeerGroups, out uint[]? peer), a.Error());
            Assert.Equal(groups.Order(), peer.Order());
        }
    }

    [Fact]
    public void ThePeerPidfdNamesThisProcessAndIsOwned()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            Assert.True(a.TryGetOpt(SockOpt.SoPeerPidfd, out FileDescriptors? pidfd), a.Error());
            using (pidfd)
            {
                Assert.True(pidfd.IsOwned);
                Assert.Equal(Environment.ProcessId, SocketScenarios.PidOf(Assert.Single(pidfd)));
            }
            Assert.True(pidfd[0].IsClosed);
        }
    }

    [Fact]
    public void TheUnlimitedPacingRateReadsAsAllOnes()
    {
        using var s = Udp4();
        Assert.Equal(ulong.MaxValue, s.GetOpt(SockOpt.SoMaxPacingRate));
        Assert.Equal(ulong.MaxValue, s.GetOpt(SOL_SOCKET, SO_MAX_PACING_RATE));
        Assert.True(s.SetOpt(SockOpt.SoMaxPacingRate, 5_000_000_000UL), s.Error());
        Assert.Equal(5_000_000_000UL, s.GetOpt(SockOpt.SoMaxPacingRate));
        #pragma warning disable UCS103 // the library must refuse it at run time
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_MAX_PACING_RATE, -1));
        #pragma warning restore UCS103
        Assert.Contains("not a 64-bit unsigned integer", s.Error(), StringComparison.Ordinal);
    }

    [Fact]
    public void MeminfoIsIndexedBySkMeminfo()
    {
        using var s = Udp4();
        Assert.True(s.SetOpt(SockOpt.SoRcvBuf, 4096), s.Error());
        Assert.True(s.TryGetOpt(SockOpt.SoMeminfo, out uint[]? info), s.Error());
        Assert.True(info.Length >= SK_MEMINFO_VARS, $"{info.Length} values");
        Assert.Equal((uint)s.GetOpt(SockOpt.SoRcvBuf)!.Value, info[SK_MEMINFO_RCVBUF]);
        Assert.Equal((uint)s.GetOpt(SockOpt.SoSndBuf)!.Value, info[SK_MEMINFO_SNDBUF]);
    }

    [Fact]
    public void TimestampingFlagsReadBackAsTheStruct()
    {
        using var s = Udp4();
        Assert.True(s.SetOpt(SockOpt.SoTimestamping, new SoTimestamping(Flags: SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)), s.Error());
        var read = s.GetOpt(SockOpt.SoTimestamping) ?? throw new InvalidOperationException(s.Error());
        Assert.Equal(SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE, read.Flags);
        Assert.Equal(0, read.BindPhc);
    }

    [Fact]
    public void WithoutSoPassrightsDescriptorsAreRefused()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            Assert.True(b.SetOpt(SockOpt.SoPassRights, false), b.Error());
            Assert.False(Assert.IsType<bool>(b.GetOpt(SOL_SOCKET, SO_PASSRIGHTS)));
            Assert.Null(a.SendMsg("x", new[] { ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(a.SafeHandle)) }));
            Assert.Equal(1 /* EPERM */, a.Error(true));
        }
    }

    // ---- constants newer than the build machine's headers, on the running kernel ----

    public static TheoryData<string> NewTimestampingFlags() => new() { "SOF_TIMESTAMPING_OPT_RX_FILTER", "SOF_TIMESTAMPING_TX_COMPLETION" };

    [Theory]
    [MemberData(nameof(NewTimestampingFlags))]
    public void TheKernelKnowsTheNewTimestampingFlags(string name)
    {
        int flag = Matrix.TestSocket.C(name);
        using var s = Udp4();
        int flags = flag | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_RX_SOFTWARE;
        Assert.True(s.SetOpt(SOL_SOCKET, SO_TIMESTAMPING, new Dictionary<string, object?> { ["flags"] = flags }), s.Error());
        Assert.Equal(flags, s.GetOpt(SockOpt.SoTimestamping)!.Value.Flags);
    }

    [Fact]
    public void TxCompletionIsTheLastTimestampingFlag()
    {
        using var s = Udp4();
        Assert.Null(s.SetOpt(SOL_SOCKET, SO_TIMESTAMPING, new Dictionary<string, object?> { ["flags"] = SOF_TIMESTAMPING_TX_COMPLETION << 1 }));
        Assert.Equal(22 /* EINVAL */, s.Error(true));
    }

    [Fact]
    public void TheKernelKnowsOptIdTcp()
    {
        using var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(listener.Bind("127.0.0.1:0"), listener.Error());
        Assert.True(listener.Listen(), listener.Error());
        using var tcp = Create(AF_INET, SOCK_STREAM)!;
        Assert.True(tcp.Connect(listener.SockName()!), tcp.Error());
        using var server = listener.Accept()!;
        int flags = SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_ID_TCP;
        Assert.True(tcp.SetOpt(SockOpt.SoTimestamping, new SoTimestamping(Flags: flags)), tcp.Error());
        Assert.Equal(flags, tcp.GetOpt(SockOpt.SoTimestamping)!.Value.Flags);
        using var alone = Udp4();
        Assert.Null(alone.SetOpt(SockOpt.SoTimestamping, new SoTimestamping(Flags: SOF_TIMESTAMPING_OPT_ID_TCP)));
        Assert.Equal(22 /* EINVAL: it refines OPT_ID */, alone.Error(true));
    }

    /// <summary>SOL_UDPLITE is IPPROTO_UDPLITE; UDPLITE_SEND_CSCOV (10) is from udplite(7).</summary>
    [Fact]
    public void SolUdpliteIsTheUdpLiteLevel()
    {
        const int UDPLITE_SEND_CSCOV = 10;
        using var s = Create(AF_INET, SOCK_DGRAM, SOL_UDPLITE) ?? throw new InvalidOperationException(Error());
        Assert.Equal(0, Options.Raw.SetSockOpt(s.FileNo(), SOL_UDPLITE, UDPLITE_SEND_CSCOV, BitConverter.GetBytes(20)));
        Assert.Equal(92 /* ENOPROTOOPT */, Options.Raw.SetSockOpt(s.FileNo(), SOL_UDPLITE + 1, UDPLITE_SEND_CSCOV, BitConverter.GetBytes(20)));
    }
}
