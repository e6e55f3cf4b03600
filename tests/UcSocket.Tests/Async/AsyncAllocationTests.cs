using System;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Async;

/// <summary>
/// Tests that count every byte the process allocates (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, all threads: the
/// engine, the thread pool, the continuations): run alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCountCollection
{
    public const string Name = "allocation counting";
}

/// <summary>
/// Steady state allocates nothing per operation: 10,000 round trips, every receive awaited through the engine's
/// pooled operation objects, allocate no more than a small constant (the objects of the measured run itself: its
/// task and state machine).
/// </summary>
[Collection(AllocationCountCollection.Name)]
public class AsyncAllocationTests(ITestOutputHelper output)
{
    private const int RoundTrips = 10_000;

    /// <summary>
    /// What a run may allocate whatever its length: its task, two async state machines, a closure, and what the thread
    /// pool allocates when a loaded machine makes it add a worker meanwhile. Far below what one allocation per
    /// operation would show (at least 24 bytes times 40,000 operations).
    /// </summary>
    private const long Constant = 16384;

    /// <summary>
    /// Runs <paramref name="run"/> once to warm up (engine threads, socket contexts, cached operations, JIT), then
    /// measures the bytes the whole process allocates during a run of <see cref="RoundTrips"/>. The test host
    /// allocates now and then on threads of its own (reporting earlier results, the thread pool adding a worker):
    /// a run that shows more than the constant is measured again, up to three times, and the least is returned;
    /// an allocation per operation shows every time.
    /// </summary>
    private static async Task<(long Allocated, int Waited, string Runs)> Measure(Func<int, Task<int>> run)
    {
        await Task.Run(() => run(1000)).WaitAsync(AsyncTestSupport.Limit);
        long least = long.MaxValue;
        int waited = 0;
        var runs = new System.Text.StringBuilder();
        for (int attempt = 0; attempt < 3 && least > Constant; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            int w = await Task.Run(() => run(RoundTrips)).WaitAsync(TimeSpan.FromMinutes(1));
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            runs.Append(runs.Length == 0 ? "" : ", ").Append(allocated);
            if (allocated < least) (least, waited) = (allocated, w);
        }
        return (least, waited, runs.ToString());
    }

    [Fact]
    public async Task RecvAsyncAndSendAsyncRoundTripsAllocateNothing()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            var (allocated, waited, runs) = await Measure(n => PingPong(a, b, n));
            output.WriteLine($"{RoundTrips} round trips ({4 * RoundTrips} operations, {waited} of them waited): {allocated} bytes (runs: {runs})");
            // Most receives wait for the peer: the pooled path, not only the synchronous one, was measured.
            Assert.True(waited >= RoundTrips / 2, $"only {waited} operations waited");
            Assert.True(allocated <= Constant, $"{allocated} bytes for {RoundTrips} round trips");
        }
    }

    [Fact]
    public async Task RecvMsgAsyncWithAControlBufferAllocatesNothing()
    {
        var (a, b) = Pair(SOCK_STREAM)!;
        using (a)
        using (b)
        {
            // Every message then carries SCM_CREDENTIALS: the control buffer is filled and read on each receive.
            Assert.True(b.SetOpt(SockOpt.SoPassCred, true));
            Assert.True(a.SetOpt(SockOpt.SoPassCred, true));
            using var sendControl = new ControlBuffer(0);
            using var aControl = new ControlBuffer(ControlBuffer.SpaceFor(64));
            using var bControl = new ControlBuffer(ControlBuffer.SpaceFor(64));
            var (allocated, waited, runs) = await Measure(n => MessagePingPong(a, b, sendControl, aControl, bControl, n));
            output.WriteLine($"{RoundTrips} message round trips ({waited} receives waited): {allocated} bytes (runs: {runs})");
            Assert.True(waited >= RoundTrips / 2, $"only {waited} receives waited");
            Assert.True(allocated <= Constant, $"{allocated} bytes for {RoundTrips} round trips");
        }
    }

    /// <summary><paramref name="rounds"/> one-byte round trips a → b → a; returns how many operations did not complete at once.</summary>
    private static async Task<int> PingPong(SocketHandle a, SocketHandle b, int rounds)
    {
        var echo = Echo(b, rounds);
        var ping = new byte[1];
        var pong = new byte[1];
        int waited = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping[0] = (byte)i;
            var sending = a.SendAsync(ping);
            if (!sending.IsCompleted) waited++;
            if (await sending.ConfigureAwait(false) != 1) Assert.Fail("short send");
            var receiving = a.RecvAsync(pong);
            if (!receiving.IsCompleted) waited++;
            if (await receiving.ConfigureAwait(false) != 1 || pong[0] != (byte)i) Assert.Fail($"round {i}: wrong echo");
        }
        return waited + await echo.ConfigureAwait(false);
    }

    private static async Task<int> Echo(SocketHandle s, int rounds)
    {
        var buffer = new byte[1];
        int waited = 0;
        for (int i = 0; i < rounds; i++)
        {
            var receiving = s.RecvAsync(buffer);
            if (!receiving.IsCompleted) waited++;
            if (await receiving.ConfigureAwait(false) != 1) Assert.Fail("end of stream");
            if (await s.SendAsync(buffer).ConfigureAwait(false) != 1) Assert.Fail("short send");
        }
        return waited;
    }

    private static async Task<int> MessagePingPong(SocketHandle a, SocketHandle b, ControlBuffer sendControl, ControlBuffer aControl, ControlBuffer bControl, int rounds)
    {
        var echo = MessageEcho(b, sendControl, bControl, rounds);
        var ping = new byte[1];
        var pong = new byte[1];
        int waited = 0;
        for (int i = 0; i < rounds; i++)
        {
            ping[0] = (byte)i;
            if (await a.SendMsgAsync(ping, sendControl).ConfigureAwait(false) != 1) Assert.Fail("short send");
            var receiving = a.RecvMsgAsync(pong, aControl);
            if (!receiving.IsCompleted) waited++;
            var result = await receiving.ConfigureAwait(false);
            if (result.Length != 1 || pong[0] != (byte)i) Assert.Fail($"round {i}: wrong echo");
            CheckCredentials(aControl);
        }
        return waited + await echo.ConfigureAwait(false);
    }

    private static async Task<int> MessageEcho(SocketHandle s, ControlBuffer sendControl, ControlBuffer control, int rounds)
    {
        var buffer = new byte[1];
        int waited = 0;
        for (int i = 0; i < rounds; i++)
        {
            var receiving = s.RecvMsgAsync(buffer, control);
            if (!receiving.IsCompleted) waited++;
            if ((await receiving.ConfigureAwait(false)).Length != 1) Assert.Fail("end of stream");
            CheckCredentials(control);
            if (await s.SendMsgAsync(buffer, sendControl).ConfigureAwait(false) != 1) Assert.Fail("short send");
        }
        return waited;
    }

    private static void CheckCredentials(ControlBuffer control)
    {
        if (!control.TryGet(Cmsg.ScmCredentials, out var credentials) || credentials.Pid != Environment.ProcessId)
            Assert.Fail("no SCM_CREDENTIALS with this process's pid");
    }
}
