using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>
    /// A union member given with a value for the member it shares bytes with overwrites part of it without an error
    /// (FindingsStructs.ConflictingUnionMembers).
    /// </summary>
    public static bool UnionMembersMerge(SpecStruct spec, IReadOnlyDictionary<string, object?> given) =>
        spec.Fields.Any(f => f.IsUnionMember && given.TryGetValue(f.Name, out var v) && IntendedNumber.TryGet(v, out var n) && n != 0);
}
