using System.Threading;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Inputs of a bug class that a <c>Findings*.cs</c> test already reproduces. A property skips the check the bug
/// breaks for such an input (and counts it), so that the property keeps checking everything else; when the bug
/// is fixed, its predicate here and the skip of its finding test go together.
/// </summary>
internal static partial class KnownFindings
{
    private static int s_covered;

    /// <summary>Inputs of the current property run that a known finding covered.</summary>
    public static int Covered => Volatile.Read(ref s_covered);

    public static void Reset() => Volatile.Write(ref s_covered, 0);

    /// <summary>True (and counted) when <paramref name="applies"/>: the caller skips the check the finding breaks.</summary>
    public static bool Covers(bool applies)
    {
        if (applies) Interlocked.Increment(ref s_covered);
        return applies;
    }
}
