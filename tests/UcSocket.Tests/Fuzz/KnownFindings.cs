
namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Inputs of a bug class that a <c>Findings*.cs</c> test already reproduces. A property skips the check the bug
/// breaks for such an input (and counts it), so that the property keeps checking everything else; when the bug
/// is fixed, its predicate here and the skip of its finding test go together.
/// </summary>
internal static partial class KnownFindings
{
    /// <summary>True (and counted in the campaign log) when <paramref name="applies"/>: the caller skips the check the finding breaks.</summary>
    public static bool Covers(bool applies) => FuzzStats.CoveredByKnownFinding(applies);
}
