using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Tmds.Linux;
using Xunit;

namespace UcSocket.Tests.Support;

/// <summary>
/// The tests that count this process's descriptors, check that a descriptor number is closed, time a blocking call,
/// send signals to a thread or start peer processes: they run alone, after the parallel collections, so that no
/// other test opens, closes or reuses a descriptor number, or loads the machine, while they measure (and they do
/// not load it under other timed tests).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DescriptorAccountingCollection
{
    public const string Name = "Descriptor accounting (run alone)";
}

/// <summary>
/// Descriptor accounting for the whole test project: what is open in this process (<c>/proc/self/fd</c>), and
/// assertions that an action leaves nothing open that was not open before. A class that uses it belongs to
/// <see cref="DescriptorAccountingCollection"/>.
/// </summary>
internal static class DescriptorAccounting
{
    private const int F_GETFD = 1;

    /// <summary>True when <paramref name="fd"/> is an open descriptor of this process.</summary>
    public static bool IsOpen(int fd) => LibC.fcntl(fd, F_GETFD) >= 0;

    /// <summary>What the descriptor refers to (readlink of /proc/self/fd/N), e.g. <c>pipe:[1234]</c>, <c>socket:[99]</c>, <c>anon_inode:[pidfd]</c>.</summary>
    public static string Target(int fd) =>
        new FileInfo("/proc/self/fd/" + fd.ToString(CultureInfo.InvariantCulture)).LinkTarget
        ?? throw new InvalidOperationException($"descriptor {fd} is not open");

    /// <summary>
    /// True when <paramref name="fd"/> no longer refers to <paramref name="target"/> (what <see cref="Target"/> gave
    /// before): closed, or closed and its number taken since by another file that a thread of the runtime opened.
    /// </summary>
    public static bool IsClosedOrReused(int fd, string target)
    {
        try
        {
            return !IsOpen(fd) || Target(fd) != target;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            return true; // closed between the two looks
        }
    }

    /// <summary>
    /// Asserts that each of <paramref name="fds"/> no longer refers to what it did when <paramref name="targets"/>
    /// were read (<see cref="Target"/> of each, in the same order): see <see cref="IsClosedOrReused"/>.
    /// </summary>
    public static void AssertClosed(IReadOnlyList<int> fds, IReadOnlyList<string> targets)
    {
        for (int i = 0; i < fds.Count; i++)
            Assert.True(IsClosedOrReused(fds[i], targets[i]), $"fd {fds[i]} ({targets[i]}) stayed open");
    }

    /// <summary>The number of open descriptors of this process.</summary>
    public static int Count() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Every open descriptor of this process with what it refers to.</summary>
    public static SortedDictionary<int, string> Snapshot()
    {
        var result = new SortedDictionary<int, string>();
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            int fd = int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture);
            string? target;
            try
            {
                target = new FileInfo(path).LinkTarget;
            }
            catch (IOException)
            {
                target = null; // closed between the listing and the readlink (the listing's own descriptor, say)
            }
            if (target is not null) result[fd] = target;
        }
        return result;
    }

    /// <summary>
    /// Every open descriptor but the files of loaded code (see <see cref="IsLoadedCode"/>), as "fd -> target": what a
    /// count across a long test compares, since the runtime loads assemblies lazily, on any thread, at any moment.
    /// </summary>
    public static string[] ExceptLoadedCode() =>
        Snapshot().Where(d => !IsLoadedCode(d.Value)).Select(d => $"{d.Key} -> {d.Value}").ToArray();

    /// <summary>Runs the finalizers of everything unreachable now, so that they do not close descriptors in the middle of a count.</summary>
    public static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>
    /// Asserts that <paramref name="action"/> leaves the process's descriptors as it found them: none new, none
    /// gone. Finalizers of earlier garbage run before the first count. With <paramref name="collect"/> they also
    /// run after the action (for what a finalizer is allowed to close); without it, a descriptor left for a
    /// finalizer counts as leaked. With <paramref name="warmUp"/> the action runs once first, unmeasured, for
    /// what the runtime opens once and keeps (a cache, say). A difference is measured once more after a short
    /// pause: another thread of the runtime may hold a descriptor for a moment, a leak stays. Files of the runtime
    /// and of the test binaries (assemblies and libraries loaded meanwhile, by any thread) are not counted.
    /// </summary>
    public static void AssertNoLeak(Action action, bool collect = false, bool warmUp = false)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (warmUp) action();
        Collect();
        var before = Snapshot();
        action();
        var difference = Measure(before, collect);
        if (difference is not null) Assert.Fail(difference);
    }

    /// <summary>
    /// <see cref="AssertNoLeak(Action, bool, bool)"/> for a scenario that awaits; it runs once first, unmeasured, for
    /// what the runtime opens once and keeps (the async engine's epoll instance, say).
    /// </summary>
    public static async Task AssertNoLeakAsync(Func<Task> action, bool collect = false)
    {
        ArgumentNullException.ThrowIfNull(action);
        await action();
        Collect();
        var before = Snapshot();
        await action();
        var difference = Measure(before, collect);
        if (difference is not null) Assert.Fail(difference);
    }

    /// <summary>
    /// Runs <paramref name="iteration"/> <paramref name="iterations"/> times (given the iteration number) and asserts
    /// that the process ends with exactly the descriptors it had before, without a garbage collection: a descriptor
    /// that only a finalizer would close counts as leaked. <paramref name="release"/>, when given, runs after the
    /// loop, before the final count: it lets go of what the last iteration may still hold on purpose (a reused
    /// buffer's descriptors, say). A few iterations (and <paramref name="release"/>) run first, unmeasured, as a
    /// warm-up. The count is checked as the loop goes, and the loop stops early once it has grown by more than a
    /// few, so that a leaking implementation fails fast without exhausting the descriptor limit for later tests.
    /// </summary>
    public static void AssertNoLeak(int iterations, Action<int> iteration, Action? release = null, int warmUpIterations = 8)
    {
        ArgumentNullException.ThrowIfNull(iteration);
        const int checkEvery = 250, slack = 16;
        for (int i = 0; i < warmUpIterations; i++) iteration(i);
        release?.Invoke();
        Collect();
        var before = Snapshot();
        int ran = 0;
        for (int i = 0; i < iterations; i++)
        {
            iteration(warmUpIterations + i);
            ran++;
            if (ran % checkEvery == 0 && Count() > before.Count + slack) break;
        }
        release?.Invoke();
        var difference = Measure(before, collect: false);
        if (difference is not null)
            Assert.Fail(ran < iterations
                ? $"stopped after {ran} of {iterations} iterations: {difference}"
                : $"after {iterations} iterations: {difference}");
    }

    /// <summary>Null when the descriptors match <paramref name="before"/> (measured a second time if needed), else what differs.</summary>
    private static string? Measure(SortedDictionary<int, string> before, bool collect)
    {
        if (collect) Collect();
        string? difference = Difference(before, Snapshot());
        if (difference is null) return null;
        Thread.Sleep(50);
        if (collect) Collect();
        return Difference(before, Snapshot());
    }

    private static string? Difference(SortedDictionary<int, string> before, SortedDictionary<int, string> after)
    {
        var added = after.Where(e => (!before.TryGetValue(e.Key, out var t) || t != e.Value) && !IsLoadedCode(e.Value)).ToList();
        var gone = before.Where(e => (!after.TryGetValue(e.Key, out var t) || t != e.Value) && !IsLoadedCode(e.Value)).ToList();
        if (added.Count == 0 && gone.Count == 0) return null;
        return $"descriptor count {before.Count} -> {after.Count}; new: {Describe(added)}; gone: {Describe(gone)}";
    }

    private static readonly string[] s_codeDirectories =
    {
        System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(),
        AppContext.BaseDirectory,
    };

    /// <summary>
    /// A file of the runtime or of the test binaries (an assembly or native library that some thread of the process
    /// loaded, lazily and for good, while an action ran): not something the code under test opened.
    /// </summary>
    private static bool IsLoadedCode(string target) =>
        s_codeDirectories.Any(d => d.Length > 1 && target.StartsWith(d, StringComparison.Ordinal));

    /// <summary>At most 20 entries, grouped by what they refer to when there are more.</summary>
    private static string Describe(List<KeyValuePair<int, string>> entries)
    {
        if (entries.Count == 0) return "none";
        if (entries.Count <= 20) return string.Join(", ", entries.Select(e => $"{e.Key} -> {e.Value}"));
        return string.Join(", ", entries.GroupBy(e => e.Value.StartsWith("socket:", StringComparison.Ordinal) ? "socket:[...]" : e.Value)
            .Select(g => $"{g.Count()} x {g.Key}"));
    }
}
