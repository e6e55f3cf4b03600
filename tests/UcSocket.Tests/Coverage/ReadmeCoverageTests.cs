using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using UcSocket.Tests.Matrix;
using Xunit;

namespace UcSocket.Tests.Coverage;

/// <summary>
/// The coverage table in README.md is generated from what the spec registers; this test keeps it true.
/// <c>UPDATE_SNAPSHOTS=1</c> rewrites the table between its markers instead of failing.
/// </summary>
public class ReadmeCoverageTests
{
    private const string Start = "<!-- coverage:start (generated from spec/ by tests/UcSocket.Tests/Coverage; UPDATE_SNAPSHOTS=1 rewrites it) -->";
    private const string End = "<!-- coverage:end -->";

    [Fact]
    public void ReadmeTableMatchesTheSpec()
    {
        var readme = Path.Combine(SpecRows.RepoRoot, "README.md");
        var text = File.ReadAllText(readme).Replace("\r\n", "\n");
        int s = text.IndexOf(Start, StringComparison.Ordinal), e = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(s >= 0 && e > s, $"README.md needs the markers:\n{Start}\n{End}");
        var current = text[(s + Start.Length)..e];
        var expected = "\n" + Table() + "\n";
        if (current == expected) return;
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(readme, text[..(s + Start.Length)] + expected + text[e..]);
            return;
        }
        Assert.Fail("README.md's coverage table is out of date; run UPDATE_SNAPSHOTS=1 dotnet test tests/UcSocket.Tests --filter ReadmeCoverage\n--- expected ---" + expected);
    }

    /// <summary>Counts per level of options (typed descriptors) and control-message types, families, structs and constants.</summary>
    internal static string Table()
    {
        // Levels are named as options use them: SOL_SOCKET (1, which IPPROTO_ICMP shares), IPPROTO_* below 256, SOL_* above.
        var levels = Constants().Where(c => c.Key.StartsWith("SOL_", StringComparison.Ordinal) || c.Key.StartsWith("IPPROTO_", StringComparison.Ordinal))
            .GroupBy(c => c.Value)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Key)
                .OrderBy(n => (g.Key == 1 || g.Key >= 256) == n.StartsWith("SOL_", StringComparison.Ordinal) ? 0 : 1)
                .ThenBy(n => n, StringComparer.Ordinal).First());
        // The name the spec's entries give a level wins (IPPROTO_IP, not IPPROTO_HOPOPTS, which is 0 too).
        var constants = Constants();
        foreach (var g in SpecRows.Options.Concat(SpecRows.Cmsgs).Select(r => r.Level).Distinct().Where(constants.ContainsKey)
                     .GroupBy(n => constants[n]))
            levels[g.Key] = g.OrderBy(n => n, StringComparer.Ordinal).First();
        string LevelName(int level) => levels.TryGetValue(level, out var n) ? n : level.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var options = SpecRegistry.Options.GroupBy(o => o.Level).ToDictionary(g => g.Key, g => g.ToList());
        var cmsgs = SpecRegistry.ControlMessages.GroupBy(c => c.Level).ToDictionary(g => g.Key, g => g.ToList());
        var sb = new StringBuilder();
        sb.Append("| level | options | of which read-only / write-only | control-message types |\n|---|---:|---:|---:|\n");
        foreach (var level in options.Keys.Union(cmsgs.Keys).OrderBy(l => LevelName(l), StringComparer.Ordinal))
        {
            var o = options.GetValueOrDefault(level) ?? new List<SocketOption>();
            int ro = o.Count(x => !x.CanSet), wo = o.Count(x => !x.CanGet);
            sb.Append($"| `{LevelName(level)}` | {o.Count} | {ro} / {wo} | {cmsgs.GetValueOrDefault(level)?.Count ?? 0} |\n");
        }
        sb.Append($"| **all** | **{SpecRegistry.Options.Count}** | | **{SpecRegistry.ControlMessages.Count}** |\n\n");
        sb.Append($"Address families: {string.Join(", ", SpecRegistry.Families.Select(f => $"`{f.Name}`"))}. ");
        int structs = typeof(SpecRegistry).Assembly.GetTypes().Count(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISpecStruct<>)));
        sb.Append($"C structs: {structs}. Constants: {Constants().Count}.");
        return sb.ToString();
    }

    private static Dictionary<string, int> Constants() =>
        typeof(Sockets).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => f.GetRawConstantValue() is long l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : Convert.ToInt32(f.GetRawConstantValue()));
}
