using System.Linq;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>Unknown constants, types and keys are reported with the nearest known name.</summary>
public class DidYouMeanTests
{
    private const string Base = """
        constants:
          SOL:
            SOL_SOCKET: 1
          SO:
            SO_LINGER: 13
        structs:
          linger:
            fields:
              - { c: l_onoff, type: int }

        """;

    private static string Message(string entries)
    {
        var run = GeneratorHarness.Run("dym.yaml", entries.StartsWith("  - { c:", System.StringComparison.Ordinal) ? Base.Replace("      - { c: l_onoff, type: int }\n", "    " + entries) : Base + entries);
        Assert.NotEmpty(run.Diagnostics);
        return string.Join("\n", run.Diagnostics.Select(d => d.GetMessage()));
    }

    [Theory]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_LINGR, type: int }\n", "unknown constant 'SO_LINGR' (did you mean 'SO_LINGER'?)")]
    [InlineData("options:\n  - { level: sol_socket, name: SO_LINGER, type: int }\n", "unknown constant 'sol_socket' (did you mean 'SOL_SOCKET'?)")]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_LINGER, type: struct lingr }\n", "unknown type 'struct lingr' (did you mean 'struct linger'?)")]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_LINGER, type: uint64 }\n", "unknown type 'uint64' (did you mean 'uint'?)")]
    [InlineData("  - { c: x, type: unsinged int }\n", "unknown type 'unsinged int' (did you mean 'unsigned int'?)")]
    [InlineData("options:\n  - { level: SOL_SOCKET, name: SO_LINGER, tpye: int }\n", "unknown key 'tpye' (did you mean 'type'?)")]
    [InlineData("optoins: []\n", "unknown top-level key 'optoins' (did you mean 'options'?)")]
    [InlineData("  - { c: x, type: int, kind: ipv5 }\n", "unknown field kind 'ipv5' (did you mean 'ipv4'?)")]
    public void UnknownNamesSuggestTheNearest(string entries, string expected) => Assert.Contains(expected, Message(entries));

    [Fact]
    public void NothingCloseSuggestsNothing() =>
        Assert.DoesNotContain("did you mean", Message("options:\n  - { level: SOL_SOCKET, name: TOTALLY_DIFFERENT, type: int }\n"));
}
