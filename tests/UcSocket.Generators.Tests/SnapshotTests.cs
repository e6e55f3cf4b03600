using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>The generated sources, compared with the reviewed snapshots in <c>Snapshots/</c>.</summary>
public class SnapshotTests
{
    /// <summary>A spec that uses every field kind, option value kind, payload kind and family field of spec/README.md.</summary>
    internal const string EveryKindSpec = """
        # Every field kind, option value kind and cmsg payload kind of the spec format.
        headers: [stdint.h]

        constants:
          AF:
            AF_TEST4: 200
            AF_TEST6: 201
            AF_TESTUN: 202
            AF_TESTLL: 203
          SOL:
            SOL_TEST: 300
          TEST:
            TEST_BOOL: 1
            TEST_INT: 2
            TEST_UINT: 3
            TEST_STRING: 4
            TEST_CSTRING: 5
            TEST_IFNAME: 6
            TEST_IPV4: 7
            TEST_IPV6: 8
            TEST_NONE: 9
            TEST_STRUCT: 10
            TEST_SPLIT: 11
            TEST_READ: 12
            TEST_WRITE: 13
            TEST_GET_ONLY: 14
            TEST_SET_ONLY: 15
          CM:
            CM_INT: 1
            CM_UINT: 2
            CM_BE32: 3
            CM_BYTES: 4
            CM_SOCKADDR: 5
            CM_FDS: 6
            CM_STRUCT: 7
          VALUES:
            VALUE_HEX: 0x7f
            VALUE_NEGATIVE: -5
            VALUE_LONG: 0x100000000
            VALUE_NEW: { value: 99, since: "6.9", doc: An entry newer than the build machine's headers }

        structs:
          every_int:
            ctype: struct every_int_s
            type: EveryInteger
            doc: One member of each integer width and signedness.
            fields:
              - { c: s8, type: __s8 }
              - { c: u8, type: __u8 }
              - { c: s16, type: short }
              - { c: u16, type: unsigned short }
              - { c: s32, name: signed32, property: Signed, type: int }
              - { c: u32, type: uint32_t }
              - { c: s64, type: long }
              - { c: u64, type: __u64 }
          bitfields:
            fields:
              - { c: a, type: __u8, bits: 3 }
              - { c: b, type: __u8, bits: 4 }
              - { c: c, type: __u8, bits: 2 }
              - { c: d, type: int, bits: 5 }
              - { c: e, type: __s64, bits: 40 }
              - { c: f, type: __u16 }
              - { c: g, type: unsigned int, bits: 32 }
          big_endian:
            fields:
              - { c: port, type: __be16 }
              - { c: addr, type: __be32 }
              - { c: flow, type: uint32_t, order: big }
              - { c: offset, type: __s32, order: big }
              - { c: cookie, type: __u64, order: big }
          addresses:
            fields:
              - { c: v4, type: struct in_addr }
              - { c: v6, type: struct in6_addr }
              - { c: ifindex, name: interface, type: int, kind: ifindex }
              - { c: scope, type: __u32, kind: ifindex }
              - { c: halen, type: __u8 }
              - { c: hw, name: hwaddr, type: unsigned char, count: 8, kind: hwaddr, length: halen }
          arrays:
            fields:
              - { c: path, type: char, count: 108, kind: path }
              - { c: raw, type: __u8, count: 16 }
              - { c: data_len, type: __u16 }
              - { c: data, type: char, count: 32, kind: bytes, length: data_len }
              - { c: words, type: __u32, count: 4 }
              - { c: shorts, type: __s16, count: 3 }
              - { c: ports, type: __be16, count: 2 }
              - { c: small, type: __s8, count: 2, kind: int }
              - { c: signed_bytes, type: signed char, count: 4 }
              - { c: trailer, type: __u8 }
          sockaddr_storage:
            fields:
              - { c: ss_family, name: family, type: sa_family_t }
              - { c: __ss_padding, name: padding, type: char, count: 118, private: true }
              - { c: __ss_align, name: align, type: unsigned long }
          nested:
            fields:
              - { c: flags, type: __u8 }
              - { c: inner, type: struct every_int }
              - { c: peer, type: struct sockaddr_storage, kind: sockaddr }
          packed_s:
            packed: true
            fields:
              - { c: tag, type: __u8 }
              - { c: value, type: __u32 }
              - { c: more, type: __u16 }
          sockaddr_test4:
            fields:
              - { c: sin_family, name: family, type: sa_family_t }
              - { c: sin_port, name: port, type: in_port_t }
              - { c: sin_addr, name: address, type: struct in_addr }
              - { c: sin_zero, name: zero, type: unsigned char, count: 8, private: true }
          sockaddr_test6:
            fields:
              - { c: sin6_family, name: family, type: sa_family_t }
              - { c: sin6_port, name: port, type: in_port_t }
              - { c: sin6_flowinfo, name: flowinfo, type: uint32_t, order: big }
              - { c: sin6_addr, name: address, type: struct in6_addr }
              - { c: sin6_scope_id, name: interface, type: uint32_t, kind: ifindex }
          sockaddr_testun:
            fields:
              - { c: sun_family, name: family, type: sa_family_t }
              - { c: sun_path, name: path, type: char, count: 108, kind: path }
          sockaddr_testll:
            fields:
              - { c: sll_family, name: family, type: unsigned short }
              - { c: sll_protocol, name: protocol, type: __be16 }
              - { c: sll_ifindex, name: interface, type: int, kind: ifindex }
              - { c: sll_hatype, name: hardware_type, type: unsigned short }
              - { c: sll_pkttype, name: packet_type, type: unsigned char }
              - { c: sll_halen, name: halen, type: unsigned char }
              - { c: sll_addr, name: address, type: unsigned char, count: 8, kind: hwaddr, length: sll_halen }

        options:
          - { level: SOL_TEST, name: TEST_BOOL, type: bool }
          - { level: SOL_TEST, name: TEST_INT, type: int, doc: A plain int & friends <a>. }
          - { level: SOL_TEST, name: TEST_UINT, type: uint }
          - { level: SOL_TEST, name: TEST_STRING, type: string }
          - { level: SOL_TEST, name: TEST_CSTRING, type: cstring }
          - { level: SOL_TEST, name: TEST_IFNAME, type: ifname }
          - { level: SOL_TEST, name: TEST_IPV4, type: ipv4 }
          - { level: SOL_TEST, name: TEST_IPV6, type: ipv6 }
          - { level: SOL_TEST, name: TEST_NONE, type: none }
          - { level: SOL_TEST, name: TEST_STRUCT, type: struct every_int, property: EveryInt }
          - { level: SOL_TEST, name: TEST_SPLIT, get: ipv4, set: struct addresses }
          - { level: SOL_TEST, name: TEST_READ, type: struct bitfields, access: read }
          - { level: SOL_TEST, name: TEST_WRITE, type: struct packed_s, access: write }
          - { level: SOL_TEST, name: TEST_GET_ONLY, get: struct nested }
          - { level: SOL_TEST, name: TEST_SET_ONLY, set: struct arrays }

        cmsgs:
          - { level: SOL_TEST, type: CM_INT, payload: int }
          - { level: SOL_TEST, type: CM_UINT, payload: uint }
          - { level: SOL_TEST, type: CM_BE32, payload: be32 }
          - { level: SOL_TEST, type: CM_BYTES, payload: bytes }
          - { level: SOL_TEST, type: CM_SOCKADDR, payload: sockaddr }
          - { level: SOL_TEST, type: CM_FDS, payload: fds }
          - { level: SOL_TEST, type: CM_STRUCT, payload: struct big_endian, doc: A struct payload. }

        families:
          - { family: AF_TEST4, struct: sockaddr_test4 }
          - { family: AF_TEST6, struct: sockaddr_test6 }
          - { family: AF_TESTUN, struct: sockaddr_testun }
          - { family: AF_TESTLL, struct: sockaddr_testll, property: LinkLayer }
        """;

    [Fact]
    public void RealSpec()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.RealSpec(), "UcSocket");
        Assert.Empty(run.Diagnostics);
        Snapshot.Verify<SnapshotTests>(run);
    }

    [Fact]
    public void EveryKind()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("kinds.yaml", EveryKindSpec) }, "Spec.EveryKind");
        Assert.Empty(run.Diagnostics);
        Snapshot.Verify<SnapshotTests>(run);
    }

    [Fact]
    public void EveryKindCompilesAgainstTheLibrary()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("kinds.yaml", EveryKindSpec) }, "Spec.EveryKind");
        Assert.Empty(run.Diagnostics);
        var sources = run.Results.Single().GeneratedSources;
        Assert.Equal(
            new[] { "SpecClasses.g.cs", "kinds.Cmsgs.g.cs", "kinds.Constants.g.cs", "kinds.Families.g.cs", "kinds.Options.g.cs", "kinds.Registration.g.cs", "kinds.Structs.g.cs" },
            sources.Select(s => s.HintName).OrderBy(h => h, System.StringComparer.Ordinal));
        var problems = GeneratorHarness.Compile(sources);
        Assert.True(problems.IsEmpty, "the generated code does not compile cleanly:\n" + string.Join("\n", problems));
    }
}
