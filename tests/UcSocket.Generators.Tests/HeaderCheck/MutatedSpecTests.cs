using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using UcSocket.Generators.Model;
using Xunit;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>
/// The repository's spec with known mistakes put in (in memory only), checked once against the headers. Each
/// mistake is on an entry of its own, so each must come back as exactly its own mismatches, with both values.
/// </summary>
public sealed class MutatedHeaderCheck
{
    public MutatedHeaderCheck()
    {
        var texts = RepoSpec.ReadAll().ToList();
        var specDir = Path.GetDirectoryName(texts[0].Path)!;

        Edit(texts, "socket.yaml", "{ c: l_onoff, name: onoff, property: OnOff, type: int }", "{ c: l_onoff, name: onoff, property: OnOff, type: long }");
        Edit(texts, "socket.yaml", "SO_LINGER: 13\n", "SO_LINGER: 1013\n");
        Edit(texts, "socket.yaml", "SO_REUSEPORT: 15\n", "SO_REUSEPORT: { value: 15, since: \"3.9\" }\n");
        Edit(texts, "socket.yaml", "SO_DOMAIN: 39\n",
            "SO_DOMAIN: 39\n    SO_TEST_NEWER: { value: 1076, since: \"6.5\" }\n    SO_TEST_MISSING: 1077\n    SO_TEST_ALSO_MISSING: 1080\n");
        Edit(texts, "socket.yaml", "{ c: pid, type: pid_t }", "{ c: pid, type: uint32_t }");
        Edit(texts, "tcp.yaml", "{ c: tcpi_snd_wscale, name: snd_wscale, type: __u8, bits: 4 }", "{ c: tcpi_snd_wscale, name: snd_wscale, type: __u8, bits: 3 }");
        Edit(texts, "families.yaml", "type: char, count: 108", "type: char, count: 100");
        Edit(texts, "families.yaml", "{ c: sin_addr, name: address, type: struct in_addr }", "{ c: sin_addr, name: address_bits, type: __be32 }");
        Edit(texts, "families.yaml", "{ c: sin6_scope_id,", "{ c: sin6_scope,");
        Edit(texts, "tcp_states.yaml", "TCP_LISTEN: { value: 10,", "TCP_LISTEN: { value: 11,");
        // Struct members marked since: one the headers have after all (the last member of their tcp_info), and one
        // followed by a member that is not so marked.
        Edit(texts, "tcp.yaml", "{ c: tcpi_snd_wnd, name: snd_wnd, type: __u32 }", "{ c: tcpi_snd_wnd, name: snd_wnd, type: __u32, since: \"5.4\" }");
        Edit(texts, "families.yaml", "{ c: sll_hatype, name: hardware_type, type: unsigned short }",
            "{ c: sll_hatype, name: hardware_type, type: unsigned short, since: \"9.9\" }");
        Edit(texts, "ip.yaml", "{ c: ee_rfc4884.flags, name: flags, type: __u8, offset: 14 }", "{ c: ee_rfc4884.flags, name: flags, type: __u8, offset: 13 }");
        // A constant given inline on its option entry is checked like any other.
        Edit(texts, "socket.yaml", "    SO_KEEPALIVE: 9\n", "");
        Edit(texts, "socket.yaml", "{ level: SOL_SOCKET, name: SO_KEEPALIVE, property: SoKeepAlive, type: bool,", "{ level: SOL_SOCKET, name: SO_KEEPALIVE, property: SoKeepAlive, value: 99, type: bool,");

        // A file whose names the headers lack (netlink lives in linux/netlink.h). The correct nested struct next to
        // the mistakes is ip.yaml's group_req (a sockaddr_storage inside).
        texts.Add(new SpecText(Path.Combine(specDir, "zz_extra.yaml"), """
            headers: [sys/socket.h, netinet/in.h]
            constants:
              NETLINK:
                MAX_LINKS: 32
            structs:
              nl_mmap_hdr:
                fields:
                  - { c: nm_status, name: status, type: unsigned int }
                  - { c: nm_len, name: len, type: unsigned int }
                  - { c: nm_group, name: group, type: __u32 }
                  - { c: nm_pid, name: pid, type: __u32 }
                  - { c: nm_uid, name: uid, type: __u32 }
                  - { c: nm_gid, name: gid, type: __u32 }
            """));
        // A file whose headers do not exist: reported once, without hiding the other files.
        texts.Add(new SpecText(Path.Combine(specDir, "zz_broken.yaml"), """
            headers: [linux/no_such_header.h]
            constants:
              NOPE:
                NOPE_ONE: 1
            """));

        var parsed = RepoSpec.Parse(texts);
        Files = parsed.Select(p => p.File).ToList();
        Index = IndexBuilder.Build(Files);
        Diagnostics = RepoSpec.Diagnostics(parsed, Index);
        Result = HeaderChecker.Run(Files, Index);
    }

    public IReadOnlyList<SpecFile> Files { get; }
    public SpecIndex Index { get; }
    public IReadOnlyList<string> Diagnostics { get; }
    public HeaderCheckResult Result { get; }

    private static void Edit(List<SpecText> texts, string file, string from, string to)
    {
        int i = texts.FindIndex(t => Path.GetFileName(t.Path) == file);
        if (i < 0) throw new InvalidOperationException($"no spec file {file}");
        var text = texts[i].Text.Replace("\r\n", "\n", StringComparison.Ordinal);
        int at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(from, at + 1, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException($"{file} must contain '{from}' exactly once to be mutated");
        texts[i] = texts[i] with { Text = text.Replace(from, to, StringComparison.Ordinal) };
    }
}

public class MutatedSpecTests : IClassFixture<MutatedHeaderCheck>
{
    private const string SocketHeaders =
        "(sys/socket.h, sys/time.h, time.h, netinet/in.h, netinet/tcp.h, netinet/udp.h, netax25/ax25.h, netatalk/at.h, netipx/ipx.h, netrom/netrom.h, netrose/rose.h, linux/vm_sockets.h, linux/time_types.h, linux/errqueue.h, linux/net_tstamp.h, linux/filter.h, linux/sock_diag.h)";

    private const string BrokenPrefix = "zz_broken.yaml: its headers (linux/no_such_header.h) do not compile: ";

    // Each value on the "headers" side is what the C headers say (see HeaderCheckTests.ReadsTheHeaders).
    private static readonly string[] Expected =
    {
        "SO_LINGER: value spec=1013 headers=13",
        "SO_REUSEPORT: marked since \"3.9\" but the headers define it: value spec=15 headers=15",
        "SO_TEST_MISSING: missing from the headers of socket.yaml " + SocketHeaders,
        "SO_TEST_ALSO_MISSING: missing from the headers of socket.yaml " + SocketHeaders,
        "struct linger: size spec=16 headers=8",
        "struct linger: align spec=8 headers=4",
        "struct linger.l_onoff: size spec=8 headers=4",
        "struct linger.l_linger: offset spec=8 headers=4",
        "struct ucred.pid: signedness spec=unsigned headers=signed",
        "struct tcp_info.tcpi_snd_wscale: bit width spec=3 headers=4",
        "struct tcp_info.tcpi_rcv_wscale: bit position spec=51 headers=52",
        "struct tcp_info.tcpi_delivery_rate_app_limited: bit position spec=55 headers=56",
        "struct tcp_info.tcpi_fastopen_client_fail: bit position spec=56 headers=57",
        "struct sockaddr_un: size spec=102 headers=110",
        "struct sockaddr_un.sun_path: size spec=100 headers=108",
        "struct sockaddr_un.sun_path: count spec=100 headers=108",
        "struct sockaddr_in.sin_addr: shape spec=integer headers=struct",
        "struct sockaddr_in6.sin6_scope: missing from the headers: struct sockaddr_in6 has no such member",
        "TCP_LISTEN: value spec=11 headers=10",
        "SO_KEEPALIVE: value spec=99 headers=9",
        "struct tcp_info.tcpi_snd_wnd: marked since \"5.4\" but the headers' struct tcp_info (232 bytes) reaches over its offset 228",
        "struct sockaddr_ll.sll_hatype: marked since \"9.9\" but followed by sll_pkttype, which is not: members marked since must come last",
        "struct sock_extended_err.ee_rfc4884.flags: offset spec=13 headers=14",
        "MAX_LINKS: missing from the headers of zz_extra.yaml (sys/socket.h, netinet/in.h)",
        "struct nl_mmap_hdr: missing from the headers of zz_extra.yaml (sys/socket.h, netinet/in.h)",
    };

    private readonly MutatedHeaderCheck _check;

    public MutatedSpecTests(MutatedHeaderCheck check) => _check = check;

    private List<string> Reported => _check.Result.Mismatches.Select(m => m.ToString()).ToList();

    [Fact]
    public void MutatedSpecIsStillValid() => Assert.Empty(_check.Diagnostics);

    public static IEnumerable<object[]> ExpectedMismatches => Expected.Select(e => new object[] { e });

    [Theory]
    [MemberData(nameof(ExpectedMismatches))]
    public void ReportsTheMutatedEntryWithBothValues(string expected) =>
        Assert.True(Reported.Contains(expected), $"expected '{expected}' among:\n{string.Join("\n", Reported)}");

    [Fact]
    public void ReportsNothingElse()
    {
        var extra = Reported.Where(r => !Expected.Contains(r) && !r.StartsWith(BrokenPrefix, StringComparison.Ordinal)).ToList();
        Assert.True(extra.Count == 0, "unexpected mismatches:\n" + string.Join("\n", extra));
        Assert.Equal(Expected.Length + 1, Reported.Count);
    }

    [Fact]
    public void HeadersThatDoNotCompileAreReportedOnce()
    {
        var broken = Assert.Single(Reported, r => r.StartsWith("zz_broken.yaml", StringComparison.Ordinal));
        Assert.StartsWith(BrokenPrefix, broken);
        Assert.Contains("linux/no_such_header.h", broken.Substring(BrokenPrefix.Length), StringComparison.Ordinal);
        Assert.DoesNotContain(Reported, r => r.StartsWith("NOPE_ONE", StringComparison.Ordinal));
    }

    [Fact]
    public void AnEntryMarkedSinceThatTheHeadersLackPasses()
    {
        Assert.DoesNotContain(Reported, r => r.StartsWith("SO_TEST_NEWER", StringComparison.Ordinal));
        Assert.False(_check.Result.Facts.ContainsKey("SO_TEST_NEWER value"));
    }

    [Fact]
    public void EntriesNextToMistakesAreStillCompared()
    {
        var facts = _check.Result.Facts;
        Assert.Equal(4, facts["struct sockaddr_in.sin_addr offset"]);
        Assert.Equal(0, facts["struct sockaddr_in6.sin6_family offset"]);
        Assert.Equal(13, facts["SO_LINGER value"]);
        Assert.Equal(136, facts["struct group_req size"]);
        Assert.Equal(8, facts["struct group_req.gr_group offset"]);
        Assert.Equal(1, facts["struct group_req.gr_group is struct sockaddr_storage"]);
        Assert.Equal(128, facts["struct sockaddr_storage size"]);
    }

    [Fact]
    public void StructsWithMembersMarkedSinceAreComparedUpToTheLastMemberTheHeadersHave()
    {
        var facts = _check.Result.Facts;
        // With tcpi_snd_wnd marked since as well, the spec's tcp_info up to tcpi_rcv_ooopack (offset 224) rounds up to
        // the headers' 232 bytes: only the member itself is reported, not the size.
        Assert.Equal(232, facts["struct tcp_info size"]);
        Assert.DoesNotContain(Reported, r => r.StartsWith("struct tcp_info: size", StringComparison.Ordinal));
        Assert.False(facts.ContainsKey("struct tcp_info.tcpi_snd_wnd beyond headers"));
        Assert.False(facts.ContainsKey("struct tcp_info.tcpi_snd_wnd offset"));
        // A member out of order is not probed; the rest of its struct still is, whole.
        Assert.False(facts.ContainsKey("struct sockaddr_ll.sll_hatype offset"));
        Assert.Equal(10, facts["struct sockaddr_ll.sll_pkttype offset"]);
        Assert.Equal(20, facts["struct sockaddr_ll size"]);
    }

    [Fact]
    public void MissingNamesCostOneMoreCompileNotOnePerName() => Assert.Equal(2, _check.Result.Compiles);
}
