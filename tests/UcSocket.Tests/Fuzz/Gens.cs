using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Tests.Fuzz;

/// <summary>Generator combinators the fluent API lacks.</summary>
internal static class Gens
{
    public static Gen<(T1, T2, T3)> Zip<T1, T2, T3>(Gen<T1> first, Gen<T2> second, Gen<T3> third) =>
        Gen.Zip(Gen.Zip(first, second), third).Select(t => (t.Item1.Item1, t.Item1.Item2, t.Item2));
}
