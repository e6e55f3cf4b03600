using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Outcome counts of the current property run (how many inputs converted, failed, were sent, ...), written to the
/// campaign log so that a property that checks nothing (every input refused, say) shows.
/// </summary>
internal static class FuzzStats
{
    private static readonly ConcurrentDictionary<string, int> s_counts = new();

    public static void Reset() => s_counts.Clear();

    public static void Note(string outcome) => s_counts.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    public static string Summary() =>
        string.Join(" ", s_counts.OrderBy(e => e.Key, System.StringComparer.Ordinal).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value}")));
}
