using System;
using System.Threading;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>The probe the close races rely on tells a thread blocked in a socket call from one waiting on a lock.</summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class ThreadProbeTests
{
    [Fact]
    public void AThreadWaitingOnAnEventSleepsInFutex()
    {
        using var release = new ManualResetEventSlim();
        int tid = 0;
        var thread = new Thread(() =>
        {
            Volatile.Write(ref tid, ThreadProbe.CurrentThreadId());
            release.Wait();
        }) { IsBackground = true };
        thread.Start();
        try
        {
            // The wait spins first (and may sleep a little while spinning), then sleeps in futex for good.
            Assert.True(SpinUntil(() => Volatile.Read(ref tid) != 0 && ThreadProbe.SleepingIn(tid)?.Number == ThreadProbe.FutexSyscall),
                $"the thread never slept in futex ({ThreadProbe.FutexSyscall}); last seen in {ThreadProbe.SleepingIn(tid)?.Number.ToString() ?? "no syscall"}");
            Assert.False(ThreadProbe.IsBlockedInKernel(tid));
            Assert.True(ThreadProbe.IsBlockedInKernel(tid, evenFutex: true));
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [Fact]
    public void AThreadInABlockingRecvSleepsInASyscallOnItsDescriptor()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            int tid = 0;
            var thread = new Thread(() =>
            {
                Volatile.Write(ref tid, ThreadProbe.CurrentThreadId());
                a.Recv(16);
            }) { IsBackground = true };
            thread.Start();
            Assert.True(SpinUntil(() => Volatile.Read(ref tid) != 0), "the thread did not start");
            Assert.True(ThreadProbe.WaitUntilBlocked(tid, () => !thread.IsAlive, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)),
                "the Recv was not seen blocked in the kernel");
            var sleeping = ThreadProbe.SleepingIn(tid);
            Assert.NotNull(sleeping);
            Assert.NotEqual(ThreadProbe.FutexSyscall, sleeping!.Value.Number);
            Assert.Equal(a.FileNo(), sleeping.Value.FirstArgument);
            Assert.Equal(1L, b.Send("x"));
            Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
        }
    }

    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(5));
}
