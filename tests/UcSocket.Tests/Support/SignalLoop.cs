using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace UcSocket.Tests.Support;

/// <summary>
/// Sends SIGWINCH to one thread every 20 to 100 ms until disposed (or until <see cref="MaxDuration"/>, so that a
/// call that never returns under signals fails its test instead of hanging it). A handler is registered for the
/// loop's lifetime: a signal whose disposition is to be ignored (SIGWINCH's default) interrupts nothing. The
/// runtime installs its handlers with SA_RESTART, as most programs do; the kernel still ends a socket wait that
/// has SO_RCVTIMEO/SO_SNDTIMEO set with EINTR.
/// </summary>
internal sealed class SignalLoop : IDisposable
{
    /// <summary>SIGWINCH's number (asm-generic/signal.h and x86's signal.h agree); a wrong number leaves <see cref="Handled"/> at 0.</summary>
    public const int SIGWINCH = 28;

    /// <summary>The longest the loop runs.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromSeconds(4);

    private readonly PosixSignalRegistration _registration;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private int _sent, _handled;

    public SignalLoop(int tid)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("signals are sent with tgkill");
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => Interlocked.Increment(ref _handled));
        _thread = new Thread(() => Run(tid)) { IsBackground = true, Name = "signal loop" };
        _thread.Start();
    }

    /// <summary>Signals sent so far.</summary>
    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Signals the handler saw so far (delivered asynchronously, on a thread of the runtime's).</summary>
    public int Handled => Volatile.Read(ref _handled);

    private void Run(int tid)
    {
        var random = new Random(tid);
        var deadline = DateTime.UtcNow + MaxDuration;
        while (DateTime.UtcNow < deadline)
        {
            if (_stop.Token.WaitHandle.WaitOne(random.Next(20, 101))) return;
            if (!ThreadProbe.Signal(tid, SIGWINCH)) return;
            Interlocked.Increment(ref _sent);
        }
    }

    /// <summary>Stops sending and waits (up to a second) for the handler to have seen at least one signal.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        SpinWait.SpinUntil(() => Handled > 0 || Sent == 0, TimeSpan.FromSeconds(1));
        _registration.Dispose();
        _stop.Dispose();
    }
}
