using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// The address-family fields port_id, groups and cid (the AF_NETLINK and AF_VSOCK addresses), next to options of
/// the u64 and uints kinds: their generated code, compared with its snapshot and compiled against the library.
/// </summary>
public class FamilyWordFieldTests
{
    internal const string Spec = """
        headers: [stdint.h]

        constants:
          AF:
            AF_TESTNL: 210
            AF_TESTVM: 211
            AF_TESTNARROW: 212
          SOL:
            SOL_TESTW: 310
          TESTW:
            TESTW_UINT64: 1
            TESTW_UINTLIST: 2
            TESTW_SPLIT: 3

        structs:
          sockaddr_testnl:
            fields:
              - { c: nl_family, name: family, type: unsigned short }
              - { c: nl_pad, name: pad, type: unsigned short }
              - { c: nl_pid, name: port_id, type: __u32 }
              - { c: nl_groups, name: groups, type: __u32 }
          sockaddr_testvm:
            fields:
              - { c: svm_family, name: family, type: unsigned short }
              - { c: svm_reserved1, name: reserved1, type: unsigned short }
              - { c: svm_port, name: port_id, type: unsigned int }
              - { c: svm_cid, name: cid, type: unsigned int }
              - { c: svm_flags, name: flags, type: __u8 }
              - { c: svm_zero, name: zero, type: unsigned char, count: 3 }
          sockaddr_testnarrow:
            fields:
              - { c: family, type: unsigned short }
              - { c: port, name: port_id, type: __u16 }
              - { c: cid, type: __u8 }

        options:
          - { level: SOL_TESTW, name: TESTW_UINT64, type: u64 }
          - { level: SOL_TESTW, name: TESTW_UINTLIST, type: uints, access: read }
          - { level: SOL_TESTW, name: TESTW_SPLIT, get: uints, set: u64 }

        families:
          - { family: AF_TESTNL, struct: sockaddr_testnl }
          - { family: AF_TESTVM, struct: sockaddr_testvm }
          - { family: AF_TESTNARROW, struct: sockaddr_testnarrow }
        """;

    [Fact]
    public void PortIdGroupsAndCid()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("wide.yaml", Spec) }, "Spec.WideKinds");
        Assert.Empty(run.Diagnostics);
        Snapshot.Verify<FamilyWordFieldTests>(run);
    }

    [Fact]
    public void WideKindsCompileAgainstTheLibrary()
    {
        var run = GeneratorHarness.Run(new[] { GeneratorHarness.Text("wide.yaml", Spec) }, "Spec.WideKinds");
        Assert.Empty(run.Diagnostics);
        var problems = GeneratorHarness.Compile(run.Results.Single().GeneratedSources);
        Assert.True(problems.IsEmpty, "the generated code does not compile cleanly:\n" + string.Join("\n", problems));
    }
}
