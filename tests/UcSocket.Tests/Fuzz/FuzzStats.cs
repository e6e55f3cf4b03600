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

    [ThreadStatic]
    private static int t_known;

    /// <summary>Inputs of the current property run (on this thread) that a known finding covered.</summary>
    public static int Known => t_known;

    public static void Reset()
    {
        Counts.Clear();
        t_known = 0;
    }

    /// <summary>
    /// True (and counted) when <paramref name="applies"/>: the input belongs to a bug class a skipped finding test
    /// already reproduces, so the property skips the check that bug breaks (see <see cref="KnownFindings"/>).
    /// </summary>
    public static bool CoveredByKnownFinding(bool applies)
    {
        if (applies) t_known++;
        return applies;
    }

    public static void Note(string outcome) => Counts[outcome] = Counts.GetValueOrDefault(outcome) + 1;

    public static string Summary() =>
        string.Join(" ", Counts.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value}")));
}
