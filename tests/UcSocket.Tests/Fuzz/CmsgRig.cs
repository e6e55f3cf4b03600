using System;
using System.IO;
using System.Linq;
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
    private readonly string[] _setup;

    public CmsgRig(int type = SOCK_DGRAM)
    {
        Flush();
        Guard = new DescriptorGuard();
        (A, B) = Pair(type)!;
        Assert.True(B.SetOpt(SOL_SOCKET, SO_PASSCRED, true), B.Error());
        var (r1, w1) = MessageNative.Pipe();
        var (r2, w2) = MessageNative.Pipe();
        Pipes = new[] { r1, w1, r2, w2 };
        Own = new Ucred(Environment.ProcessId, LibC.getuid(), LibC.getgid());
        Flush();
        _setup = ReceivableDescriptors(withNumbers: true);
        _openAfterSetup = _setup.Length;
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

    /// <summary>
    /// Open descriptors of the kinds a receive can install here: pipes, sockets, pidfds and /dev/null (the canaries'
    /// file). What the runtime opens on its own meanwhile does not count: assemblies it loads, an eventfd, and the
    /// copies of stdin, stdout and stderr that Console makes when first used.
    /// </summary>
    private static int OpenCount() => ReceivableDescriptors().Length;

    private static readonly string[] s_stdio = new[] { 0, 1, 2 }.Select(fd => new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? "").ToArray();

    private static string[] ReceivableDescriptors(bool withNumbers = false) => Directory.GetFiles("/proc/self/fd")
        .Select(f => (Fd: Path.GetFileName(f), Target: new FileInfo(f).LinkTarget ?? ""))
        .Where(t => t.Target.StartsWith("pipe:", StringComparison.Ordinal) || t.Target.StartsWith("socket:", StringComparison.Ordinal)
            || t.Target == "anon_inode:[pidfd]" || t.Target == "/dev/null")
        .Where(t => Array.IndexOf(s_stdio, t.Target) < 0 || t.Target == "/dev/null")
        .Select(t => withNumbers ? t.Fd + " -> " + t.Target : t.Target)
        .ToArray();

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
        var now = ReceivableDescriptors(withNumbers: true);
        var listing = $"new: {string.Join(", ", now.Except(_setup))}; gone: {string.Join(", ", _setup.Except(now))}";
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
