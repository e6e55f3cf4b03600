using System;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Inputs of a bug class that a <c>Findings*.cs</c> test already reproduces. A property skips the check the bug
/// breaks for such an input (and counts it), so that the property keeps checking everything else; when the bug
/// is fixed, its predicate here and the skip of its finding test go together.
/// </summary>
internal static partial class KnownFindings
{
    [ThreadStatic]
    private static int t_covered;

    /// <summary>Inputs of the current property run (on this thread) that a known finding covered.</summary>
    public static int Covered => t_covered;

    public static void Reset() => t_covered = 0;

    /// <summary>True (and counted) when <paramref name="applies"/>: the caller skips the check the finding breaks.</summary>
    public static bool Covers(bool applies)
    {
        if (applies) t_covered++;
        return applies;
    }
}
