using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace UcSocket.Tests.Support;

/// <summary>
/// What a thread of this process is doing in the kernel (<c>/proc/self/task/TID/syscall</c>), and signals sent to
/// one thread: for tests that must act while a call is blocked in the kernel, or interrupt it.
/// </summary>
internal static partial class ThreadProbe
{
    /// <summary>The kernel's id of the calling thread (gettid).</summary>
    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int CurrentThreadId();

    [LibraryImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    private static partial int TgKill(int tgid, int tid, int signal);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int tid, nint size, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int tid, nint size, ref ulong mask);

    /// <summary>The CPUs (of the first 64) the calling thread may run on, as a bit mask; 0 if unknown.</summary>
    public static ulong CurrentAffinity()
    {
        ulong mask = 0;
        return SchedGetAffinity(0, sizeof(ulong), ref mask) == 0 ? mask : 0;
    }

    /// <summary>
    /// Restricts a thread of this process (<paramref name="tid"/>; 0: the calling thread) to the CPUs in
    /// <paramref name="mask"/>; false if the system refused.
    /// </summary>
    public static bool SetAffinity(int tid, ulong mask) => mask != 0 && SchedSetAffinity(tid, sizeof(ulong), ref mask) == 0;

    /// <summary>Sends <paramref name="signal"/> to one thread of this process; false when the thread is gone.</summary>
    public static bool Signal(int tid, int signal) => TgKill(Environment.ProcessId, tid, signal) == 0;

    /// <summary>
    /// futex(2)'s number (x86_64: asm/unistd_64.h, 202; arm64: asm-generic/unistd.h, 98): a thread asleep in it
    /// waits on a lock or an event of the runtime, not in a socket call. <see cref="ThreadProbeTests"/> checks it.
    /// </summary>
    public static long FutexSyscall => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>
    /// The syscall number and first argument of the syscall the thread is asleep in, or null when it is running
    /// or asleep outside a syscall.
    /// </summary>
    public static (long Number, long FirstArgument)? SleepingIn(int tid)
    {
        string text;
        try
        {
            text = File.ReadAllText("/proc/self/task/" + tid.ToString(CultureInfo.InvariantCulture) + "/syscall");
        }
        catch (IOException)
        {
            return null; // the thread ended
        }
        // "running", "-1 sp pc" (asleep outside a syscall), or "nr arg1 arg2 ... sp pc" with the arguments in hex.
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || !long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long number) || number < 0)
            return null;
        long first = long.Parse(fields[1].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (number, first);
    }

    /// <summary>
    /// True when the thread is asleep in a syscall other than futex (a blocking socket call, or a poll), or in any
    /// syscall when <paramref name="evenFutex"/>, and is still asleep in the same one a moment later.
    /// </summary>
    public static bool IsBlockedInKernel(int tid, bool evenFutex = false)
    {
        var first = SleepingIn(tid);
        if (first is null || (first.Value.Number == FutexSyscall && !evenFutex)) return false;
        Thread.Sleep(1);
        return SleepingIn(tid) == first;
    }

    /// <summary>
    /// Waits until a thread that has entered a call is blocked in it: asleep in a syscall other than futex, or,
    /// after <paramref name="futexAfter"/>, asleep in any (a call may wait on a lock or event of its own). True; false when
    /// <paramref name="returned"/> says the call came back first, or after <paramref name="timeout"/>.
    /// </summary>
    public static bool WaitUntilBlocked(int tid, Func<bool> returned, TimeSpan futexAfter, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (returned()) return false;
            if (IsBlockedInKernel(tid, evenFutex: watch.Elapsed > futexAfter)) return !returned();
            Thread.Yield();
        }
        return false;
    }
}
