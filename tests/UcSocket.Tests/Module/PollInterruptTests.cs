using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>A signal interrupting poll (EINTR) does not end the wait early nor make it fail.</summary>
[Collection(DescriptorAccountingCollection.Name)]
public partial class PollInterruptTests
{
    private const int SIGUSR2 = 12;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "tgkill", SetLastError = true)]
    private static partial int TgKill(int tgid, int tid, int signal);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);

    [Fact]
    public async Task SignalsDuringTheWaitAreRetriedForTheTimeLeft()
    {
        // A handler that does nothing harmful, in native code: getpid ignores its argument and is async-signal-safe.
        nint handler = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "getpid");
        nint previous = Signal(SIGUSR2, handler);
        Assert.NotEqual(-1, previous);
        try
        {
            var (a, b) = Pair()!.Value;
            using (a)
            using (b)
            {
                int tid = 0;
                var watch = new Stopwatch();
                var waiting = Task.Factory.StartNew(() =>
                {
                    Volatile.Write(ref tid, GetTid());
                    watch.Start();
                    var r = Poll(600, b);
                    return (Result: r, Code: Error(true), Elapsed: watch.ElapsedMilliseconds);
                }, TaskCreationOptions.LongRunning);
                while (Volatile.Read(ref tid) == 0) await Task.Delay(1);
                int pid = Environment.ProcessId;
                for (int i = 0; i < 4; i++)
                {
                    await Task.Delay(100);
                    if (TgKill(pid, tid, SIGUSR2) != 0)
                    {
                        int err = Marshal.GetLastPInvokeError();
                        var poll = waiting.IsCompleted ? (await waiting).ToString() : "still waiting";
                        Assert.Fail($"tgkill {i} failed with errno {err}; the poll (result, code, ms): {poll}");
                    }
                }
                var (result, code, elapsed) = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.True(result is not null, $"Poll failed with {code}");
                Assert.Empty(result);
                Assert.True(elapsed >= 590, $"returned after {elapsed} ms of 600");
            }
        }
        finally
        {
            Signal(SIGUSR2, previous);
        }
    }
}
