using System.Collections.Generic;
using System.IO;
using System.Linq;
using UcSocket.Generators.Model;
using Xunit;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>The repository's spec, checked once against the machine's C headers and shared by the tests below.</summary>
public sealed class RepoHeaderCheck
{
    public RepoHeaderCheck()
    {
        Parsed = RepoSpec.Parse(RepoSpec.ReadAll());
        Files = Parsed.Select(p => p.File).ToList();
        Index = IndexBuilder.Build(Files);
        Result = HeaderChecker.Run(Files, Index);
    }

    public IReadOnlyList<ParsedSpec> Parsed { get; }
    public IReadOnlyList<SpecFile> Files { get; }
    public SpecIndex Index { get; }
    public HeaderCheckResult Result { get; }
}

/// <summary>
/// Every constant value, struct size and alignment, member offset, size, element count, signedness and bitfield
/// position in spec/*.yaml agrees with the machine's C headers (Linux 6.1 UAPI, glibc 2.36).
/// </summary>
public class HeaderCheckTests : IClassFixture<RepoHeaderCheck>
{
    private readonly RepoHeaderCheck _check;

    public HeaderCheckTests(RepoHeaderCheck check) => _check = check;

    [Fact]
    public void SpecHasNoDiagnostics()
    {
        var diagnostics = RepoSpec.Diagnostics(_check.Parsed, _check.Index);
        Assert.True(diagnostics.Count == 0, "the spec has problems, so entries may have been left out:\n" + string.Join("\n", diagnostics));
    }

    [Fact]
    public void SpecMatchesTheHeaders()
    {
        var mismatches = _check.Result.Mismatches.Select(m => m.ToString()).ToList();
        Assert.True(mismatches.Count == 0, "the spec disagrees with the C headers:\n" + string.Join("\n", mismatches));
    }

    [Fact]
    public void ACorrectSpecNeedsOneCompile() => Assert.Equal(1, _check.Result.Compiles);

    [Fact]
    public void EveryEntryWasCompared()
    {
        var facts = _check.Result.Facts;
        var unchecked_ = new List<string>();
        var since = _check.Files.SelectMany(f => f.Constants).Where(c => c.Since is not null).Select(c => c.Name).ToHashSet();
        foreach (var c in _check.Index.Constants)
            if (!since.Contains(c.Name) && !facts.ContainsKey($"{c.Name} value")) unchecked_.Add(c.Name);
        foreach (var s in _check.Index.Structs)
        {
            if (!facts.ContainsKey($"{s.CTypeName} size") || !facts.ContainsKey($"{s.CTypeName} align")) unchecked_.Add(s.CTypeName);
            foreach (var f in s.Fields.Where(f => !f.Field.Trailing))
            {
                var entry = $"{s.CTypeName}.{f.Field.CName}";
                var needed = new List<string>();
                if (f.Field.Since is not null) needed.Add("beyond headers");
                else if (f.Bits > 0) needed.AddRange(new[] { "bit position", "bit width", "signed" });
                else needed.AddRange(new[] { "offset", "size" });
                if (f.Field.Since is null && f.Bits == 0 && f.Count > 0) needed.Add("count");
                if (f.Field.Since is null && f.Bits == 0 && f.Category == ValueCategory.Int) needed.Add("signed");
                unchecked_.AddRange(needed.Where(n => !facts.ContainsKey($"{entry} {n}")).Select(n => $"{entry} {n}"));
            }
        }
        Assert.True(unchecked_.Count == 0, "not compared with the headers:\n" + string.Join("\n", unchecked_));
        Assert.True(_check.Files.Count >= 6 && _check.Index.Structs.Count >= 9, "the spec was not found or not read whole");
    }

    // What the headers say, known independently of the spec and of the generator: the values of
    // asm-generic/socket.h, glibc's netinet/in.h and netinet/tcp.h, and the layouts fixed by the ABI
    // (sockaddr_in6 per RFC 3493: family, port, flowinfo, 16-byte address, then scope id at 24; sock_extended_err
    // per linux/errqueue.h: 16 bytes, its union at 12, the offender address after it and not part of it).
    [Theory]
    [InlineData("SO_LINGER value", 13)]
    [InlineData("SO_PEERCRED value", 17)]
    [InlineData("SOL_SOCKET value", 1)]
    [InlineData("SOCK_CLOEXEC value", 0x80000)]
    [InlineData("MSG_CMSG_CLOEXEC value", 0x40000000)]
    [InlineData("IPPROTO_TCP value", 6)]
    [InlineData("SOL_PACKET value", 263)]
    [InlineData("TCP_INFO value", 11)]
    [InlineData("TCP_LISTEN value", 10)]
    [InlineData("struct linger size", 8)]
    [InlineData("struct linger.l_linger offset", 4)]
    [InlineData("struct timeval align", 8)]
    [InlineData("struct timeval.tv_usec offset", 8)]
    [InlineData("struct ucred.pid signed", 1)]
    [InlineData("struct ucred.uid signed", 0)]
    [InlineData("struct sockaddr_in6 size", 28)]
    [InlineData("struct sockaddr_in6.sin6_scope_id offset", 24)]
    [InlineData("struct sockaddr_un size", 110)]
    [InlineData("struct sockaddr_un.sun_path count", 108)]
    [InlineData("struct sockaddr_ll.sll_addr offset", 12)]
    [InlineData("struct tcp_info.tcpi_snd_wscale bit position", 48)]
    [InlineData("struct tcp_info.tcpi_rcv_wscale bit position", 52)]
    [InlineData("struct tcp_info.tcpi_rcv_wscale bit width", 4)]
    [InlineData("struct tcp_info.tcpi_fastopen_client_fail bit position", 57)]
    [InlineData("struct tcp_info.tcpi_rto offset", 8)]
    // linux/tcp.h of Linux 6.1 ends tcp_info with tcpi_snd_wnd at 228: 232 bytes, aligned to 8 by its __u64 members.
    // The members after it are marked since and lie beyond that end.
    [InlineData("struct tcp_info size", 232)]
    [InlineData("struct tcp_info align", 8)]
    [InlineData("struct tcp_info.tcpi_snd_wnd offset", 228)]
    [InlineData("struct tcp_info.tcpi_rcv_wnd beyond headers", 1)]
    [InlineData("struct tcp_info.tcpi_accecn_opt_seen beyond headers", 1)]
    // linux/socket.h: a 128-byte storage whose union with a pointer aligns it to 8; tcp_md5sig puts its flags after it.
    [InlineData("struct __kernel_sockaddr_storage size", 128)]
    [InlineData("struct __kernel_sockaddr_storage align", 8)]
    [InlineData("struct tcp_md5sig.tcpm_flags offset", 128)]
    [InlineData("struct tcp_md5sig.tcpm_ifindex offset", 132)]
    [InlineData("struct tcp_md5sig.tcpm_key count", 80)]
    [InlineData("struct tcp_md5sig size", 216)]
    [InlineData("struct tcp_repair_window size", 20)]
    [InlineData("TCP_MD5SIG_EXT value", 32)]
    [InlineData("TCP_CM_INQ value", 36)]
    [InlineData("TCP_REPAIR_OFF_NO_WP value", -1)]
    [InlineData("TCP_CA_Loss value", 4)]
    [InlineData("TCP_CLOSING value", 11)]
    [InlineData("SOL_TCP value", 6)]
    [InlineData("SOL_UDP value", 17)]
    [InlineData("UDP_GRO value", 104)]
    [InlineData("UDP_SEGMENT value", 103)]
    [InlineData("IPPROTO_UDPLITE value", 136)]
    [InlineData("IP_UNICAST_IF value", 50)]
    [InlineData("IPV6_RECVPKTINFO value", 49)]
    [InlineData("struct sock_extended_err size", 16)]
    [InlineData("struct sock_extended_err.ee_data offset", 12)]
    [InlineData("struct sock_extended_err.ee_rfc4884.len offset", 12)]
    [InlineData("struct sock_extended_err.ee_rfc4884.flags offset", 14)]
    [InlineData("struct ip_msfilter.imsf_slist count", 1)]
    [InlineData("struct ip_msfilter.imsf_slist offset", 16)]
    [InlineData("struct group_filter size", 272)]
    [InlineData("struct group_filter.gf_slist offset", 144)]
    [InlineData("struct in6_flowlabel_req size", 32)]
    [InlineData("SOL_NETLINK value", 270)]
    [InlineData("AF_VSOCK value", 40)]
    [InlineData("PACKET_FANOUT value", 18)]
    [InlineData("ETH_P_ALL value", 3)]
    [InlineData("ARPHRD_LOOPBACK value", 772)]
    [InlineData("struct sockaddr_nl size", 12)]
    [InlineData("struct sockaddr_nl.nl_groups offset", 8)]
    [InlineData("struct sockaddr_vm size", 16)]
    [InlineData("struct sockaddr_vm.svm_cid offset", 8)]
    [InlineData("struct tpacket_auxdata size", 20)]
    [InlineData("struct tpacket_hdr size", 32)]
    [InlineData("struct fanout_args.max_num_members offset", 4)]
    [InlineData("struct ethhdr size", 14)]
    public void ReadsTheHeaders(string fact, long expected)
    {
        Assert.True(_check.Result.Facts.TryGetValue(fact, out var actual), $"no fact '{fact}'");
        Assert.Equal(expected, actual);
    }
}
