using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Outcome counts of the current property run (how many inputs converted, failed, were sent, ...), written to the
/// campaign log so that a property that checks nothing (every input refused, say) shows. Per thread: a property runs
/// on one thread, and test classes run in parallel.
/// </summary>
internal static class FuzzStats
{
    [ThreadStatic]
    private static Dictionary<string, int>? t_counts;

    private static Dictionary<string, int> Counts => t_counts ??= new Dictionary<string, int>(StringComparer.Ordinal);

    public static void Reset() => Counts.Clear();

    public static void Note(string outcome) => Counts[outcome] = Counts.GetValueOrDefault(outcome) + 1;

    public static string Summary() =>
        string.Join(" ", Counts.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value}")));
}
