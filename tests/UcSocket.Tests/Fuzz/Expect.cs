using System;
using Xunit.Sdk;

namespace UcSocket.Tests.Fuzz;

/// <summary>Assertions whose message is built only when they fail (fuzz properties check millions of inputs).</summary>
internal static class Expect
{
    public static void That(bool condition, Func<string> message)
    {
        if (!condition) throw new XunitException(message());
    }
}
