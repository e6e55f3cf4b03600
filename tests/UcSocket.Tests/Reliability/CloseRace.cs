using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;

namespace UcSocket.Tests.Reliability;

/// <summary>Where, relative to a blocking call on another thread, <see cref="SocketHandle.Close"/> lands.</summary>
internal enum Landing
{
    /// <summary>Close returns before the call starts: the call must fail with EBADF "Invalid socket context".</summary>
    BeforeCall,

    /// <summary>
    /// Close runs within microseconds of the call's start, a little before or after it (both threads wait for the same
    /// instant of the monotonic clock, then one calls and the other closes at a planned offset): before the call takes
    /// the descriptor, between that and its syscall, or just inside the syscall.
    /// </summary>
    Entering,

    /// <summary>Close runs while the call is asleep in the kernel: the call must fail with ECANCELED.</summary>
    Blocked,
}

/// <summary>What a call on the racing thread gave back, read on that thread.</summary>
internal sealed record CallOutcome(object? Value, object? Code, string? Message)
{
    public override string ToString() =>
        $"returned {Describe(Value)}, error {Code?.ToString() ?? "none"} \"{Message}\"";

    public static string Describe(object? value) => value switch
    {
        null => "null",
        byte[] bytes => $"{bytes.Length} bytes",
        System.Collections.ICollection list => $"{value.GetType().Name} of {list.Count}: [{string.Join(", ", list.Cast<object>())}]",
        _ => value.ToString() ?? value.GetType().Name,
    };
}

/// <summary>
/// A socket in a state where <see cref="Call"/> blocks, the call itself, and what else the round created
/// (peers, a listener) to dispose after the round.
/// </summary>
internal sealed record RaceTarget(SocketHandle Handle, Func<object?> Call, params IDisposable[] Rest);

/// <summary>
/// Closes a handle on one thread while another runs a blocking call on it, many rounds over, with the close
/// landing before the call, while it enters (a few microseconds in, at varied instants) and while it sleeps in
/// the kernel. Every round must end within <see cref="Deadline"/> of Close returning, with the outcome the landing allows:
/// ECANCELED "&lt;call&gt;(): Operation canceled" for a call Close interrupted, EBADF "Invalid socket context" for one
/// that started after Close. The rounds follow a fixed pseudo-random plan, so a run can be repeated.
/// </summary>
internal static class CloseRace
{
    /// <summary>
    /// How long a call may take to return after Close returned. A woken call returns within microseconds; the
    /// margin is for a busy machine that leaves a thread waiting for a CPU.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>Rounds still blocked after the deadline cost a second each and leave a thread behind: a few are enough.</summary>
    private const int MaxStuck = 3;

    /// <summary>Entering rounds wanted with Close within 3 µs of the call's start, and how long to go on for them.</summary>
    private const int NearStartWanted = 80;

    private static readonly TimeSpan ExtraTime = TimeSpan.FromSeconds(2);

    /// <summary>Failing rounds shown in full; the rest are counted.</summary>
    private const int ShownFailures = 10;

    private static readonly string InvalidContext = "Invalid socket context: " + Errno.Text(Errno.EBADF);

    /// <summary>
    /// The judgement of a method call that returns null on failure: ECANCELED with
    /// "<paramref name="context"/>: Operation canceled" when interrupted, EBADF when it started after Close.
    /// </summary>
    public static Func<Landing, CallOutcome, string?> FailsAs(string context) => (landing, outcome) =>
    {
        bool canceled = outcome.Value is null && Equals(outcome.Code, Errno.ECANCELED)
            && outcome.Message == context + ": " + Errno.Text(Errno.ECANCELED);
        bool closed = outcome.Value is null && Equals(outcome.Code, Errno.EBADF) && outcome.Message == InvalidContext;
        return landing switch
        {
            Landing.BeforeCall when closed => null,
            Landing.Blocked when canceled => null,
            Landing.Entering when canceled || closed => null,
            Landing.BeforeCall => $"expected null with {Errno.EBADF} \"{InvalidContext}\"",
            Landing.Blocked => $"expected null with {Errno.ECANCELED} \"{context}: {Errno.Text(Errno.ECANCELED)}\"",
            _ => $"expected null with {Errno.ECANCELED} \"{context}: {Errno.Text(Errno.ECANCELED)}\" or {Errno.EBADF} \"{InvalidContext}\"",
        };
    };

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds of <paramref name="setup"/>'s call against Close (one in eight with Close
    /// first, two in eight with Close while the call sleeps in the kernel, the rest entering) and fails with every
    /// wrong round. When fewer than <see cref="NearStartWanted"/> entering rounds had Close land within 3 µs of the
    /// call's start (a busy machine delays one thread or the other), entering rounds go on for up to
    /// <see cref="ExtraTime"/> more.
    /// </summary>
    public static void Run(string name, Func<RaceTarget> setup, Func<Landing, CallOutcome, string?> judge, int rounds = 400)
    {
        var plan = new Random(20240607);
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        var failuresByLanding = new Dictionary<Landing, int>();
        var roundsByLanding = new Dictionary<Landing, int>();
        int stuck = 0, ran = 0, nearStart = 0;
        var offsets = new List<double>();
        var slowest = TimeSpan.Zero;
        Stopwatch? extra = null;
        var cpus = new CpuSplit(ThreadProbe.CurrentAffinity());
        var worker = new Worker();
        try
        {
            for (int round = 0; stuck < MaxStuck; round++)
            {
                if (round >= rounds)
                {
                    extra ??= Stopwatch.StartNew();
                    if (nearStart >= NearStartWanted || extra.Elapsed > ExtraTime) break;
                }
                Landing landing = round >= rounds ? Landing.Entering : (round % 8) switch
                {
                    0 => Landing.BeforeCall,
                    1 or 5 => Landing.Blocked,
                    _ => Landing.Entering,
                };
                long offsetNs = plan.Next(-3_000, 9_000);
                ran++;
                roundsByLanding[landing] = roundsByLanding.GetValueOrDefault(landing) + 1;
                int failed = failures.Count;
                var result = Round(worker, cpus, setup, landing, offsetNs, out var latency, out var achieved);
                string where = landing switch
                {
                    Landing.BeforeCall => "Close before the call",
                    Landing.Blocked => "Close while the call sleeps in the kernel",
                    _ => string.Create(CultureInfo.InvariantCulture,
                        $"Close planned {offsetNs / 1000.0:+0.0;-0.0} µs from the call's start, began {achieved.TotalMicroseconds:+0.0;-0.0} µs from it"),
                };
                if (landing == Landing.Entering)
                {
                    offsets.Add(achieved.TotalMicroseconds);
                    if (Math.Abs(achieved.TotalMicroseconds) <= 3) nearStart++;
                }
                if (latency > slowest) slowest = latency;
                switch (result)
                {
                    case RoundResult.Stuck:
                        stuck++;
                        failures.Add($"round {round} ({where}): still blocked {Deadline.TotalSeconds:0.#} s after Close returned");
                        worker = new Worker(); // the stuck one stays behind, blocked
                        break;
                    case RoundResult.ReturnedEarly early:
                        failures.Add($"round {round} ({where}): the call returned before Close, {early.Outcome}");
                        break;
                    case RoundResult.Done done:
                        string key = done.Outcome.Code?.ToString() ?? CallOutcome.Describe(done.Outcome.Value);
                        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
                        var problem = done.CloseResult != true
                            ? $"Close returned {done.CloseResult?.ToString() ?? "null"}"
                            : judge(landing, done.Outcome);
                        if (problem is not null) failures.Add($"round {round} ({where}): {done.Outcome}; {problem}");
                        break;
                }
                if (failures.Count > failed) failuresByLanding[landing] = failuresByLanding.GetValueOrDefault(landing) + 1;
            }
        }
        finally
        {
            worker.Stop();
        }
        if (failures.Count == 0) return;
        string tally = string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}"));
        string byLanding = string.Join(", ", roundsByLanding.Select(r => $"{r.Key} {failuresByLanding.GetValueOrDefault(r.Key)}/{r.Value}"));
        Assert.Fail($"{name}: {failures.Count} failing rounds of {ran}{(stuck >= MaxStuck ? $" (stopped after {stuck} stuck rounds)" : "")} " +
                    $"[failing/run by landing: {byLanding}; outcomes (errno or value): {{{tally}}}; " +
                    $"entering rounds with Close within 3 µs of the call's start: {nearStart}, " +
                    $"offsets p10/p50/p90 {Pct(offsets, 0.1):0.0}/{Pct(offsets, 0.5):0.0}/{Pct(offsets, 0.9):0.0} µs; " +
                    $"slowest return after Close {slowest.TotalMilliseconds:0} ms]\n" +
                    string.Join("\n", failures.Take(ShownFailures)) + (failures.Count > ShownFailures ? "\n..." : ""));
    }

    /// <summary>
    /// The CPUs this process may use, split in two: the lowest for the closing thread, the others for the calling
    /// one. With fewer than two CPUs there is nothing to split, and the threads keep sharing.
    /// </summary>
    private sealed class CpuSplit
    {
        private readonly ulong _all, _first, _others;

        public CpuSplit(ulong all)
        {
            _all = all;
            _first = all & (~all + 1);
            _others = all & ~_first;
        }

        /// <summary>This thread to the lowest CPU, <paramref name="tid"/> to the others.</summary>
        public void Separate(int tid)
        {
            if (_others == 0) return;
            ThreadProbe.SetAffinity(0, _first);
            ThreadProbe.SetAffinity(tid, _others);
        }

        /// <summary>Both threads back to every CPU.</summary>
        public void Rejoin(int tid)
        {
            if (_others == 0) return;
            ThreadProbe.SetAffinity(tid, _all);
            ThreadProbe.SetAffinity(0, _all);
        }
    }

    private static double Pct(List<double> values, double p) => values.Count == 0 ? double.NaN : values.Order().ElementAt((int)(p * (values.Count - 1)));

    private abstract record RoundResult
    {
        public sealed record Stuck : RoundResult;

        public sealed record ReturnedEarly(CallOutcome Outcome) : RoundResult;

        public sealed record Done(CallOutcome Outcome, bool? CloseResult) : RoundResult;
    }

    private static RoundResult Round(Worker worker, CpuSplit cpus, Func<RaceTarget> setup, Landing landing, long offsetNs, out TimeSpan latency,
        out TimeSpan achievedOffset)
    {
        latency = TimeSpan.Zero;
        achievedOffset = TimeSpan.Zero;
        var target = setup();
        bool stuck = false;
        try
        {
            bool? closed = null;
            long closeStart = 0;
            switch (landing)
            {
                case Landing.BeforeCall:
                    closed = target.Handle.Close();
                    worker.Start(target.Call);
                    break;
                case Landing.Entering:
                    // Both threads spin towards one instant a little ahead: the worker calls at it, this thread
                    // closes at the planned offset from it. Two threads that share a CPU never run at the same
                    // instant (a busy machine's scheduler keeps them together), so each gets a CPU of its own
                    // for the moment.
                    worker.Start(target.Call, synchronized: true);
                    worker.WaitReady();
                    cpus.Separate(worker.ThreadId);
                    try
                    {
                        long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 200_000;
                        worker.StartAt(start);
                        long closeAt = start + offsetNs * Stopwatch.Frequency / 1_000_000_000;
                        while (Stopwatch.GetTimestamp() < closeAt) Thread.SpinWait(1);
                        closeStart = Stopwatch.GetTimestamp();
                        closed = target.Handle.Close();
                    }
                    finally
                    {
                        cpus.Rejoin(worker.ThreadId);
                    }
                    break;
                case Landing.Blocked:
                    worker.Start(target.Call);
                    worker.WaitCalled(TimeSpan.FromSeconds(5)); // the worker may still be idle, asleep between rounds
                    if (!ThreadProbe.WaitUntilBlocked(worker.ThreadId, () => worker.Finished, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5))
                        && worker.Wait(TimeSpan.Zero))
                        return new RoundResult.ReturnedEarly(worker.Outcome!);
                    closed = target.Handle.Close();
                    break;
            }
            long closedAt = Stopwatch.GetTimestamp();
            if (landing == Landing.Entering)
            {
                var called = worker.WaitCalled(Deadline);
                achievedOffset = called is { } at ? Stopwatch.GetElapsedTime(at, closeStart) : TimeSpan.Zero;
            }
            if (!worker.Wait(Deadline))
            {
                stuck = true;
                latency = Deadline;
                return new RoundResult.Stuck();
            }
            latency = Stopwatch.GetElapsedTime(closedAt, worker.ReturnedAt);
            if (latency < TimeSpan.Zero) latency = TimeSpan.Zero;
            Assert.Equal(-1, target.Handle.FileNo());
            return new RoundResult.Done(worker.Outcome!, closed);
        }
        finally
        {
            if (!stuck) (worker.Outcome?.Value as IDisposable)?.Dispose(); // an unexpected socket or message
            target.Handle.Dispose();
            foreach (var d in target.Rest) d.Dispose();
        }
    }

    /// <summary>
    /// A thread that runs one call at a time and records its outcome as that thread sees it. A synchronized start
    /// spins on the clock, so that it happens within a microsecond of the planned instant (when the machine leaves
    /// both threads running).
    /// </summary>
    private sealed class Worker
    {
        private readonly ManualResetEventSlim _done = new();
        private Func<object?>? _call;
        private int _threadId, _stop, _armed, _ready;
        private long _startAt, _calledAt;

        public Worker()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "close race" };
            thread.Start();
            while (Volatile.Read(ref _threadId) == 0) Thread.Yield();
        }

        public int ThreadId => Volatile.Read(ref _threadId);

        public bool Finished => _done.IsSet;

        public CallOutcome? Outcome { get; private set; }

        /// <summary>The Stopwatch timestamp at which the call returned.</summary>
        public long ReturnedAt { get; private set; }

        /// <summary>The Stopwatch timestamp at which the call was made, once it was (null if not within <paramref name="timeout"/>).</summary>
        public long? WaitCalled(TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            var spin = new SpinWait();
            while (Volatile.Read(ref _calledAt) == 0)
            {
                if (watch.Elapsed > timeout) return null;
                spin.SpinOnce();
            }
            return Volatile.Read(ref _calledAt);
        }

        /// <summary>
        /// Hands the thread <paramref name="call"/>: it calls at once, or, when <paramref name="synchronized"/>, once
        /// <see cref="StartAt"/> gave it an instant and the clock reached it.
        /// </summary>
        public void Start(Func<object?> call, bool synchronized = false)
        {
            _done.Reset();
            Outcome = null;
            _call = call;
            Volatile.Write(ref _ready, 0);
            Volatile.Write(ref _calledAt, 0);
            Volatile.Write(ref _startAt, synchronized ? 0 : 1);
            Volatile.Write(ref _armed, 1);
        }

        /// <summary>Waits until the thread took the call and spins, waiting for <see cref="StartAt"/>.</summary>
        public void WaitReady()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _ready) == 0) spin.SpinOnce(sleep1Threshold: -1);
        }

        /// <summary>The Stopwatch timestamp at which a synchronized call is made.</summary>
        public void StartAt(long timestamp) => Volatile.Write(ref _startAt, timestamp);

        public bool Wait(TimeSpan timeout) => _done.Wait(timeout);

        public void Stop() => Volatile.Write(ref _stop, 1);

        private void Loop()
        {
            Volatile.Write(ref _threadId, ThreadProbe.CurrentThreadId());
            while (true)
            {
                var idle = new SpinWait();
                while (Volatile.Read(ref _armed) == 0)
                {
                    if (Volatile.Read(ref _stop) != 0) return;
                    idle.SpinOnce(); // sleeps a millisecond at a time once it has spun a while
                }
                Volatile.Write(ref _armed, 0);
                var call = _call!;
                Volatile.Write(ref _ready, 1);
                long startAt;
                while ((startAt = Volatile.Read(ref _startAt)) == 0 || Stopwatch.GetTimestamp() < startAt) Thread.SpinWait(1);
                Volatile.Write(ref _calledAt, Stopwatch.GetTimestamp());
                object? value;
                try
                {
                    value = call();
                }
                catch (Exception ex)
                {
                    value = ex; // reported as the outcome, which no judge accepts
                }
                ReturnedAt = Stopwatch.GetTimestamp();
                Outcome = new CallOutcome(value, Sockets.Error(true), Sockets.Error());
                _done.Set();
            }
        }
    }
}
