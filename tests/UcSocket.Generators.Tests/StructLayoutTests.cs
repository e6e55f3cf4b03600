using System.Linq;
using UcSocket.Generators.Model;
using UcSocket.Generators.Parsing;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Union members (<c>offset:</c> with a dotted C member name), trailing fields, arrays of addresses with a length
/// member, and the <c>ifname_be32</c> option kind: their layout, and generated code that compiles against the library.
/// The layouts are those of linux/errqueue.h and glibc's netinet/in.h (the header check compares the real spec's).
/// </summary>
public class StructLayoutTests
{
    private const string Spec = """
        headers: [netinet/in.h, linux/errqueue.h]
        constants:
          SOL:
            SOL_LF: 300
          LF:
            LF_IFINDEX: 1
            LF_ERR: 2
            LF_FILTER: 3
            LF_GROUPS: 4
        structs:
          sockaddr_lf6:
            fields:
              - { c: sin6_family, name: family, type: sa_family_t }
              - { c: sin6_port, name: port, type: in_port_t }
              - { c: sin6_flowinfo, name: flowinfo, type: uint32_t, order: big }
              - { c: sin6_addr, name: address, type: struct in6_addr }
              - { c: sin6_scope_id, name: interface, type: uint32_t, kind: ifindex }
          sock_extended_err:
            fields:
              - { c: ee_errno, name: errno, type: __u32 }
              - { c: ee_origin, name: origin, type: __u8 }
              - { c: ee_type, name: type, type: __u8 }
              - { c: ee_code, name: code, type: __u8 }
              - { c: ee_info, name: info, type: __u32 }
              - { c: ee_data, name: data, type: __u32 }
              - { c: ee_rfc4884.len, name: len, type: __u16, offset: 12 }
              - { c: ee_rfc4884.flags, name: flags, type: __u8, offset: 14 }
              - { c: offender, name: offender, type: struct sockaddr_lf6, kind: sockaddr, trailing: true }
          ip_msfilter:
            fields:
              - { c: imsf_multiaddr, name: multiaddr, type: struct in_addr }
              - { c: imsf_interface, name: interface, type: struct in_addr }
              - { c: imsf_fmode, name: fmode, type: uint32_t }
              - { c: imsf_numsrc, name: numsrc, type: uint32_t }
              - { c: imsf_slist, name: slist, type: struct in_addr, count: 4, length: imsf_numsrc }
          v6_list:
            fields:
              - { c: count, type: __u8 }
              - { c: addrs, type: struct in6_addr, count: 2, length: count }
              - { c: peers, type: struct sockaddr_lf6, kind: sockaddr, count: 2 }
        options:
          - { level: SOL_LF, name: LF_IFINDEX, type: ifname_be32 }
          - { level: SOL_LF, name: LF_FILTER, type: struct ip_msfilter }
          - { level: SOL_LF, name: LF_GROUPS, type: struct v6_list }
        cmsgs:
          - { level: SOL_LF, type: LF_ERR, payload: struct sock_extended_err }
        """;

    private static StructLayout Layout(string tag)
    {
        var index = IndexBuilder.Build(new[] { SpecParser.Parse("/spec/lf.yaml", Spec).File });
        Assert.Empty(index.Diagnostics);
        return index.Structs.Single(s => s.Tag == tag);
    }

    [Fact]
    public void UnionMembersSitAtTheirOffsetAndAreMarkedOverlapping()
    {
        var s = Layout("sock_extended_err");
        var byName = s.Fields.ToDictionary(f => f.Field.Name);
        Assert.Equal((12, false), (byName["data"].Offset, byName["data"].Overlaps));
        Assert.Equal((12, true), (byName["len"].Offset, byName["len"].Overlaps));
        Assert.Equal((14, true), (byName["flags"].Offset, byName["flags"].Overlaps));
        Assert.Equal("ee_rfc4884.len", byName["len"].Field.CName);
    }

    [Fact]
    public void TrailingFieldsFollowTheCStructAndKeepItsSize()
    {
        var s = Layout("sock_extended_err");
        var offender = s.Fields.Single(f => f.Field.Name == "offender");
        Assert.True(offender.Field.Trailing);
        Assert.Equal(16, offender.Offset);
        Assert.Equal(16, s.NativeCSize); // sizeof(struct sock_extended_err)
        Assert.Equal(44, s.Size);       // and a sockaddr_in6 after it
        Assert.Equal(4, s.Align);
    }

    [Fact]
    public void AddressArraysAreLaidOutAsTheirElements()
    {
        var msf = Layout("ip_msfilter").Fields.Single(f => f.Field.Name == "slist");
        Assert.Equal((16, 16, 4, 4), (msf.Offset, msf.Size, msf.ElementSize, msf.Count));
        var list = Layout("v6_list");
        var addrs = list.Fields.Single(f => f.Field.Name == "addrs");
        var peers = list.Fields.Single(f => f.Field.Name == "peers");
        Assert.Equal((4, 32), (addrs.Offset, addrs.Size));
        Assert.Equal((36, 56), (peers.Offset, peers.Size));
        Assert.Equal(92, list.Size);
    }

    [Fact]
    public void GeneratedCodeCompilesAgainstTheLibrary()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("lf.yaml", Spec) }, "Spec.LayoutFeatures");
        Assert.Empty(run.Diagnostics);
        var problems = GeneratorHarness.Compile(run.Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, "the generated code does not compile cleanly:\n" + string.Join("\n", problems));
    }
}
