using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Module;

/// <summary>A signal interrupting poll (EINTR) does not end the wait early nor make it fail.</summary>
[Collection(DescriptorAccountingCollection.Name)]
public class PollInterruptTests
{
    [Fact]
    public async Task SignalsDuringTheWaitAreRetriedForTheTimeLeft()
    {
        var (a, b) = Pair()!;
        using (a)
        using (b)
        {
            int tid = 0;
            var watch = new Stopwatch();
            var waiting = Task.Factory.StartNew(() =>
            {
                Volatile.Write(ref tid, ThreadProbe.CurrentThreadId());
                watch.Start();
                var r = Poll(600, b);
                return (Result: r, Code: Error(true), Elapsed: watch.ElapsedMilliseconds);
            }, TaskCreationOptions.LongRunning);
            while (Volatile.Read(ref tid) == 0) await Task.Delay(1);
            (IReadOnlyList<PollEvent>? Result, object? Code, long Elapsed) outcome;
            int sent;
            using (var signals = new SignalLoop(Volatile.Read(ref tid)))
            {
                outcome = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
                sent = signals.Sent;
            }
            Assert.True(sent >= 2, $"only {sent} signals were sent during the wait");
            Assert.True(outcome.Result is not null, $"Poll failed with {outcome.Code}");
            Assert.Empty(outcome.Result);
            Assert.True(outcome.Elapsed >= 590, $"returned after {outcome.Elapsed} ms of 600");
        }
    }
}
