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

internal static partial class KnownFindings
{
    /// <summary>
    /// Equals and GetHashCode of a generated struct with an array field throw NotSupportedException (its inline array
    /// has no built-in equality) (FindingsStructs.EqualityOfStructsWithArrays).
    /// </summary>
    public static bool HasArrayField(SpecStruct spec) => spec.Fields.Any(f => f.Count is not null);

    /// <summary>
    /// A generated struct with a nested address compares it by reference (SocketAddress has no value equality), so two
    /// reads of the same bytes are not equal (FindingsStructs.EqualityOfStructsWithArrays).
    /// </summary>
    public static bool HasAddressField(SpecStruct spec) => spec.Fields.Any(f => f.EffectiveKind == "sockaddr");
}
