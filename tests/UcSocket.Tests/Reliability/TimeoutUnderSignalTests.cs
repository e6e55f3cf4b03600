using System;
using System.Diagnostics;
using System.Threading;
using UcSocket.Tests.Handle;
using UcSocket.Tests.Support;
using Xunit;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Reliability;

/// <summary>
/// SO_RCVTIMEO and SO_SNDTIMEO hold under signals. With a timeout set, the kernel ends a socket wait that a signal
/// interrupts with EINTR even under SA_RESTART; retrying it with the full timeout again would never end while
/// signals keep coming. A 500 ms timeout, one signal every 20 to 100 ms: the call fails after 0.4 to 1.5 s from
/// its start, with the kernel's timeout error (EAGAIN; EINPROGRESS for connect). Each case runs without signals
/// too, which shows the timeout and error the kernel gives.
/// </summary>
[Collection(DescriptorAccountingCollection.Name)]
public sealed class TimeoutUnderSignalTests
{
    private const int TimeoutMs = 500;
    private static readonly TimeSpan Earliest = TimeSpan.FromMilliseconds(400), Latest = TimeSpan.FromMilliseconds(1500);

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var call in new[] { "Recv", "RecvMsg", "Accept", "Send", "Connect" })
        {
            data.Add(call, true);
            data.Add(call, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheTimeoutIsCountedFromTheCallsStart(string call, bool signals)
    {
        var timeout = new Timeval(Seconds: 0, Microseconds: TimeoutMs * 1000);
        SocketHandle socket;
        IDisposable? rest;
        Func<object?> run;
        string expected;
        int code = Errno.EAGAIN;
        switch (call)
        {
            case "Recv":
            {
                var (a, b) = Pair(SOCK_STREAM)!;
                (socket, rest) = (a, b);
                Assert.True(a.SetOpt(SockOpt.SoRcvTimeo, timeout), a.Error());
                run = () => a.Recv(64);
                expected = "recv()";
                break;
            }
            case "RecvMsg":
            {
                var (a, b) = Pair(SOCK_DGRAM)!;
                (socket, rest) = (a, b);
                Assert.True(a.SetOpt(SockOpt.SoRcvTimeo, timeout), a.Error());
                run = () => a.RecvMsg(64, 64);
                expected = "recvmsg()";
                break;
            }
            case "Accept":
            {
                var listener = BlockingPeers.TcpListener();
                (socket, rest) = (listener, null);
                Assert.True(listener.SetOpt(SockOpt.SoRcvTimeo, timeout), listener.Error());
                run = () => listener.Accept();
                expected = "accept4()";
                break;
            }
            case "Send":
            {
                var (full, peer) = BlockingPeers.FullSendBuffer();
                (socket, rest) = (full, peer);
                Assert.True(full.SetOpt(SockOpt.SoSndTimeo, timeout), full.Error());
                var big = new byte[65536];
                run = () => full.Send(big);
                expected = "send()";
                break;
            }
            case "Connect":
            {
                var listener = new SynDroppingListener();
                var s = Create(AF_INET, SOCK_STREAM)!;
                (socket, rest) = (s, listener);
                // A blocking connect gives up after SO_SNDTIMEO with EINPROGRESS: the kernel goes on connecting.
                Assert.True(s.SetOpt(SockOpt.SoSndTimeo, timeout), s.Error());
                run = () => s.Connect(listener.Address);
                expected = "connect()";
                code = Errno.EINPROGRESS;
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(call), call, null);
        }

        try
        {
            var (outcome, elapsed, sent, handled) = RunTimed(run, signals);
            Assert.True(outcome is not null,
                $"{call}: still blocked {elapsed.TotalSeconds:0.0} s after it began{(signals ? $", after {sent} signals" : "")}");
            Assert.True(Earliest <= elapsed && elapsed <= Latest,
                $"{call}: returned after {elapsed.TotalMilliseconds:0} ms with a {TimeoutMs} ms timeout" +
                $"{(signals ? $" and {sent} signals" : "")}; {outcome}");
            string message = expected + ": " + Errno.Text(code);
            Assert.True(outcome!.Value is null && Equals(outcome.Code, code) && outcome.Message == message,
                $"{call}: {outcome}; expected null with {code} \"{message}\"");
            if (signals)
            {
                Assert.True(sent >= 2, $"only {sent} signals were sent while the call waited");
                Assert.True(handled > 0, "no signal reached the handler: SIGWINCH's number is wrong");
            }
        }
        finally
        {
            socket.Dispose();
            rest?.Dispose();
        }
    }

    /// <summary>
    /// Runs the call on a thread of its own (signalled every 20-100 ms when <paramref name="signals"/>) and waits
    /// for it until the signals stop plus twice the timeout. The outcome is null if it did not return by then.
    /// </summary>
    private static (CallOutcome? Outcome, TimeSpan Elapsed, int Sent, int Handled) RunTimed(Func<object?> run, bool signals)
    {
        CallOutcome? outcome = null;
        long started = 0, ended = 0;
        int tid = 0;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            Volatile.Write(ref tid, ThreadProbe.CurrentThreadId());
            Volatile.Write(ref started, Stopwatch.GetTimestamp());
            object? value = run();
            ended = Stopwatch.GetTimestamp();
            outcome = new CallOutcome(value, Sockets.Error(true), Sockets.Error());
            done.Set();
        }) { IsBackground = true, Name = "timed call" };
        thread.Start();
        SpinWait.SpinUntil(() => Volatile.Read(ref tid) != 0);
        var loop = signals ? new SignalLoop(Volatile.Read(ref tid)) : null;
        bool returned = done.Wait(SignalLoop.MaxDuration + TimeSpan.FromMilliseconds(2 * TimeoutMs));
        int sent = 0, handled = 0;
        if (loop is not null)
        {
            loop.Dispose();
            (sent, handled) = (loop.Sent, loop.Handled);
        }
        var elapsed = returned
            ? Stopwatch.GetElapsedTime(Volatile.Read(ref started), ended)
            : Stopwatch.GetElapsedTime(Volatile.Read(ref started));
        (outcome?.Value as IDisposable)?.Dispose();
        return (returned ? outcome : null, elapsed, sent, handled);
    }
}
