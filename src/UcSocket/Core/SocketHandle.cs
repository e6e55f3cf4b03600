using System;
using System.Runtime.InteropServices;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// A socket, with the methods of ucode's socket handle. A failing call returns null (<see cref="FileNo"/>: -1)
/// and records the error for <see cref="Error()"/>; a succeeding call clears it. The record is per thread.
/// </summary>
/// <remarks>
/// <para>
/// The handle owns one descriptor. <see cref="Close"/> and <see cref="Dispose"/> close that descriptor, as
/// close(2) does: when the socket has other descriptors (a <c>dup</c>, a copy sent with SCM_RIGHTS, a process
/// that inherited it), their holders see no change, and the connection ends only when the last one closes.
/// </para>
/// <para>
/// A call of this handle that is blocked or waiting on another thread when the handle is closed returns at once
/// with ECANCELED (<c>"recv(): Operation canceled"</c>). To wake a call blocked in the kernel the close shuts the
/// socket down (SHUT_RDWR), which its other holders do see; it does so only when such a call is blocked at that
/// instant. A running call keeps the descriptor open until it returns, so no call ever acts on a descriptor number
/// the system has given to another file meanwhile.
/// </para>
/// </remarks>
public sealed partial class SocketHandle : IDisposable, IFileDescriptorOwner
{
    private readonly SafeSocketFd _fd;

    internal SocketHandle(SafeSocketFd fd) => _fd = fd;

    internal SocketHandle(int fd, int family, int type, bool nonBlocking) : this(new SafeSocketFd(fd, family, type, nonBlocking))
    {
    }

    /// <summary>The handle that owns the descriptor (for SCM_RIGHTS, or interop with other libraries). Disposing it closes the socket as <see cref="Dispose"/> does.</summary>
    public SafeHandle SafeHandle => _fd;

    /// <summary>The owner of the descriptor, for the syscall layer.</summary>
    internal SafeSocketFd Owner => _fd;

    /// <summary>True once <see cref="Close"/> or <see cref="Dispose"/> ran.</summary>
    public bool IsClosed => _fd.IsClosing;

    /// <summary>The error of the last call on this thread, as <c>"&lt;context&gt;: &lt;strerror&gt;"</c>, or null.</summary>
    public string? Error() => Errors.Last?.Message;

    /// <summary>With <paramref name="numeric"/> true the error code (errno, or negative EAI_*), else the message; null when there is no error.</summary>
    public object? Error(bool numeric) => Errors.Describe(numeric);

    /// <summary>The descriptor number, or -1 when the socket is closed.</summary>
    public int FileNo()
    {
        if (IsClosed)
        {
            Errors.Set(InvalidContext);
            return -1;
        }
        Errors.Clear();
        return _fd.Fd;
    }

    /// <summary>
    /// Closes the handle's descriptor (ucode's <c>sock.close()</c>): true, or null when it was closed already
    /// ("Invalid socket context"). See the remarks of <see cref="SocketHandle"/> for what other holders of the
    /// socket and calls running on other threads see.
    /// </summary>
    public bool? Close()
    {
        if (!_fd.CloseByOwner()) return Fail(InvalidContext);
        Errors.Clear();
        return true;
    }

    /// <summary>Closes the handle's descriptor as <see cref="Close"/> does (no error is recorded if it was closed already).</summary>
    public void Dispose() => _fd.CloseByOwner();

    internal static ErrorInfo InvalidContext => new(Errno.EBADF, "Invalid socket context");

    /// <summary>
    /// Holds the descriptor open for one call: <c>using var call = Enter(); if (!call.IsOpen) return null;</c>. On a
    /// closed handle it records EBADF "Invalid socket context".
    /// </summary>
    internal HandleCall Enter()
    {
        if (_fd.TryEnter()) return new HandleCall(_fd);
        Errors.Set(InvalidContext);
        return default;
    }

    /// <summary>Records a failed syscall's error (<paramref name="rc"/> is the negated errno) and returns null.</summary>
    private static bool? Fail(long rc, string context)
    {
        Errors.Set(new ErrorInfo((int)-rc, context));
        return null;
    }

    private static bool? Fail(ErrorInfo error)
    {
        Errors.Set(error);
        return null;
    }

    private static long? FailCount(long rc, string context)
    {
        Errors.Set(new ErrorInfo((int)-rc, context));
        return null;
    }

    private static long? FailCount(ErrorInfo error)
    {
        Errors.Set(error);
        return null;
    }
}

/// <summary>
/// One call's hold on a handle's descriptor: the descriptor stays open (and its number unused by anything else)
/// until <see cref="Dispose"/>. Default (closed handle): <see cref="IsOpen"/> false and nothing to release.
/// </summary>
internal readonly ref struct HandleCall
{
    private readonly SafeSocketFd? _owner;

    internal HandleCall(SafeSocketFd owner)
    {
        _owner = owner;
        Fd = owner.Fd;
    }

    /// <summary>True when the handle was open and the descriptor is held.</summary>
    public bool IsOpen => _owner is not null;

    /// <summary>The descriptor.</summary>
    public int Fd { get; }

    /// <summary>The descriptor's owner (null when not open).</summary>
    public SafeSocketFd Owner => _owner!;

    /// <summary>Releases the hold.</summary>
    public void Dispose() => _owner?.Exit();
}
