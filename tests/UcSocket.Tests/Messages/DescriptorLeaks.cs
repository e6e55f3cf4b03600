using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace UcSocket.Tests.Messages;

/// <summary>Descriptor-leak checks for scenarios that await (the blocking ones call it through <see cref="Native.AssertNoDescriptorLeak"/>).</summary>
internal static class DescriptorLeaks
{
    /// <summary>
    /// Runs <paramref name="scenario"/> once to warm up whatever the runtime opens lazily, then again between
    /// two counts of /proc/self/fd, and asserts that the count did not change. Nothing is collected after the
    /// scenario, so a descriptor left for a finalizer to close counts as leaked.
    /// </summary>
    public static async Task AssertNoneAsync(Func<Task> scenario)
    {
        await scenario();
        // A leak shows on every run of the scenario; the runtime itself may open or close a descriptor now and then
        // (a finalizer of unrelated garbage, a diagnostics file), so a count that differs once is measured again.
        string failure = "";
        for (int attempt = 0; attempt < 3; attempt++)
        {
            // Let finalizers of earlier garbage close what they own now, not in the middle of the count.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var before = Native.OpenDescriptors();
            await scenario();
            var after = Native.OpenDescriptors();
            if (before.Length == after.Length) return;
            failure = $"descriptor count {before.Length} -> {after.Length}; new: {string.Join(", ", after.Except(before))}; gone: {string.Join(", ", before.Except(after))}";
        }
        Assert.Fail(failure);
    }
}
