using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// A generated struct's <c>ToString</c> (the record's, through the generated <c>PrintMembers</c>) prints array
/// members by their elements, up to their length member, and hardware addresses and paths as text.
/// </summary>
public class StructToStringTests
{
    private static readonly Assembly Generated = GeneratorHarness.CompileAndLoad(
        GeneratorHarness.Run(new[] { GeneratorHarness.Text("kinds.yaml", SnapshotTests.EveryKindSpec) }, "Spec.Printing").Results.Single().GeneratedSources);

    private static string Print(string type, Dictionary<string, object?> values)
    {
        var t = Generated.GetType("Spec.Printing." + type, throwOnError: true)!;
        var args = new object?[] { values, null, null };
        Assert.True((bool)t.GetMethod("TryFromDictionary")!.Invoke(null, args)!, (string?)args[2]);
        return args[1]!.ToString()!;
    }

    [Fact]
    public void ArraysPrintTheirElements()
    {
        var text = Print("Arrays", new() { ["words"] = new long[] { 1, 2, 3, 4 }, ["shorts"] = new long[] { -1, 0, 7 }, ["data"] = new byte[] { 7, 8 }, ["path"] = "/tmp/x" });

        Assert.StartsWith("Arrays { Path = \"/tmp/x\", Raw = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], DataLen = 2, Data = [7, 8], Words = [1, 2, 3, 4], ", text);
        Assert.Contains(", Shorts = [-1, 0, 7], Ports = [0, 0], Small = [0, 0], SignedBytes = [0, 0, 0, 0], Trailer = 0 }", text);
        Assert.DoesNotContain("Array", text.Replace("Arrays {", ""));
    }

    [Fact]
    public void HardwareAddressesPrintAsTextUpToTheirLength()
    {
        var text = Print("Addresses", new() { ["hwaddr"] = "02:00:5e:10:00:01", ["v4"] = "192.0.2.1" });

        Assert.Contains("V4 = 192.0.2.1", text);
        // Six bytes, as the length member says, in the letter case the library formats them.
        Assert.Contains("Halen = 6, Hwaddr = 02:00:5e:10:00:01 }", text, System.StringComparison.OrdinalIgnoreCase);
    }
}
