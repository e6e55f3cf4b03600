using System;
using System.IO;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using Xunit;
using MessageNative = UcSocket.Tests.Messages.Native;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// What the control-message properties send over: a UNIX socket pair of the test's own (no address, so nothing can
/// go anywhere else), the receiving end with SO_PASSCRED, two pipes whose ends are the descriptors to pass, and a
/// <see cref="DescriptorGuard"/>. <see cref="Finish"/> checks that the run left no descriptor open (without a GC)
/// and that no canary was closed.
/// </summary>
internal sealed class CmsgRig : IDisposable
{
    private readonly int _openAfterSetup;

    public CmsgRig(int type = SOCK_DGRAM)
    {
        Flush();
        Guard = new DescriptorGuard();
        (A, B) = Pair(type)!.Value;
        Assert.True(B.SetOpt(SOL_SOCKET, SO_PASSCRED, true), B.Error());
        var (r1, w1) = MessageNative.Pipe();
        var (r2, w2) = MessageNative.Pipe();
        Pipes = new[] { r1, w1, r2, w2 };
        Own = new Ucred(Environment.ProcessId, LibC.getuid(), LibC.getgid());
        Flush();
        _openAfterSetup = OpenCount();
    }

    public DescriptorGuard Guard { get; }

    /// <summary>The sending end.</summary>
    public SocketHandle A { get; }

    /// <summary>The receiving end (SO_PASSCRED on).</summary>
    public SocketHandle B { get; }

    /// <summary>Descriptors to pass: both ends of two pipes.</summary>
    public SafeFileHandle[] Pipes { get; }

    /// <summary>This process's credentials, as SCM_CREDENTIALS reports them when none were sent.</summary>
    public Ucred Own { get; }

    private static int OpenCount() => Directory.GetFiles("/proc/self/fd").Length;

    private static void Flush()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Nothing left to read, every received descriptor closed without a GC, every canary intact.</summary>
    public void Finish()
    {
        Assert.Null(B.Recv(65536, MSG_DONTWAIT));
        Guard.CheckCanaries();
        int open = OpenCount();
        if (open == _openAfterSetup) return;
        var listing = string.Join(", ", MessageNative.OpenDescriptors());
        Flush();
        int afterGc = OpenCount();
        Assert.Fail(afterGc == _openAfterSetup
            ? $"{open - _openAfterSetup} descriptors were left for a finalizer to close: {listing}"
            : $"{afterGc - _openAfterSetup} descriptors leaked (still open after a GC): {listing}");
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
        foreach (var p in Pipes) p.Dispose();
        Guard.Dispose();
    }
}
