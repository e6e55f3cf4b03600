using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace UcSocket.Native;

/// <summary>The kinds of blocking call a socket can be woken from.</summary>
internal enum WaitDirection
{
    /// <summary>recv, recvmsg, recvmmsg: waits for POLLIN, bounded by SO_RCVTIMEO.</summary>
    Receive,

    /// <summary>send, sendmsg, sendmmsg: waits for POLLOUT, bounded by SO_SNDTIMEO.</summary>
    Send,

    /// <summary>accept4: waits for POLLIN, bounded by SO_RCVTIMEO.</summary>
    Accept,

    /// <summary>connect: waits for POLLOUT, bounded by SO_SNDTIMEO.</summary>
    Connect,
}

/// <summary>
/// Owns one socket descriptor and its lifecycle. Calls hold a reference (<see cref="SafeHandle.DangerousAddRef"/>)
/// for their duration, so the descriptor closes only when the last running call returns and a call never acts on
/// a reused descriptor number.
/// </summary>
/// <remarks>
/// <para>
/// Closing (<see cref="CloseByOwner"/>) closes this descriptor only: a socket shared with other descriptors (dup,
/// SCM_RIGHTS, fork, socket activation) lives on for their holders. To wake a call of this handle that is blocked
/// in the kernel, the close shuts the socket down, but only when such a call is in flight at that instant
/// (counted by <see cref="BeginBlocking"/>); the shutdown state persists, so a call that entered just before the
/// close and has not reached its syscall yet returns at once too. Calls that wait in <c>poll</c> instead (see
/// <see cref="BlockingIo"/>) register an eventfd here, which the close signals: they never need a shutdown.
/// </para>
/// <para>
/// Which blocking calls a shutdown wakes depends on the family: inet (TCP, UDP, raw) and UNIX stream sockets wake
/// every receive, send and accept; a UNIX datagram send waits on the peer's queue, which our shutdown does not
/// touch; packet and netlink sockets refuse shutdown. Calls that a shutdown would not wake wait in poll.
/// </para>
/// </remarks>
internal sealed class SafeSocketFd : SafeHandle
{
    private const int ClosingBit = int.MinValue;
    private const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    private const int SOCK_STREAM = 1, SOCK_DGRAM = 2;

    private int _state;                 // ClosingBit | number of calls blocked in a syscall that only a shutdown wakes
    private List<int>? _waiters;        // eventfds of calls waiting in poll; guarded by lock(this-list)
    private readonly object _waitersLock = new();
    private volatile bool _emulatesBlocking;
    private SocketAsyncContext? _async;

    /// <summary>Takes ownership of <paramref name="fd"/>, a socket of the given family and type (-1: unknown).</summary>
    public SafeSocketFd(int fd, int family, int type, bool nonBlocking) : base(new IntPtr(-1), ownsHandle: true)
    {
        SetHandle(new IntPtr(fd));
        Family = family;
        Type = type & 0xF; // without SOCK_NONBLOCK / SOCK_CLOEXEC
        UserNonBlocking = nonBlocking;
    }

    /// <summary>An owner with no descriptor yet: allocated before a syscall that installs one, so that nothing can fail between the syscall and owning it.</summary>
    public SafeSocketFd() : base(new IntPtr(-1), ownsHandle: true)
    {
        Family = Type = -1;
    }

    /// <summary>Takes the descriptor an accept4 (or socket) just returned.</summary>
    public void Adopt(int fd, int family, int type, bool nonBlocking)
    {
        SetHandle(new IntPtr(fd));
        Family = family;
        Type = type & 0xF;
        UserNonBlocking = nonBlocking;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The descriptor number.</summary>
    public int Fd => (int)handle.ToInt64();

    /// <summary>The address family (AF_*), or -1 when unknown.</summary>
    public int Family { get; private set; }

    /// <summary>The socket type (SOCK_*), or -1 when unknown.</summary>
    public int Type { get; private set; }

    /// <summary>True when the socket was made non-blocking by its creator: calls never wait.</summary>
    public bool UserNonBlocking { get; private set; }

    /// <summary>
    /// True once the socket was put in non-blocking mode for the async engine while its user wants blocking calls:
    /// every blocking call then waits in poll.
    /// </summary>
    public bool EmulatesBlocking
    {
        get => _emulatesBlocking;
        set => _emulatesBlocking = value;
    }

    /// <summary>The async state, created on the first async call.</summary>
    public SocketAsyncContext AsyncContext
    {
        get
        {
            var context = Volatile.Read(ref _async);
            if (context is not null) return context;
            Interlocked.CompareExchange(ref _async, new SocketAsyncContext(this), null);
            context = _async!;
            // A close that ran before the context existed could not stop it: stop it now.
            if (IsClosing) context.Stop();
            return context;
        }
    }

    /// <summary>Set once recvmsg refused MSG_CMSG_CLOEXEC (packet sockets do): later receives leave it out.</summary>
    public bool RefusesCmsgCloexec { get; set; }

    /// <summary>True when the stream kind of send semantics apply (a blocking send sends everything).</summary>
    public bool IsStream => Type == SOCK_STREAM;

    /// <summary>True once <see cref="CloseByOwner"/> ran (the descriptor may still be open for running calls).</summary>
    public bool IsClosing => Volatile.Read(ref _state) < 0 || IsClosed;

    /// <summary>Whether a shutdown wakes a call of <paramref name="direction"/> blocked in the kernel on this socket.</summary>
    public bool ShutdownWakes(WaitDirection direction) => direction switch
    {
        WaitDirection.Connect => false, // a connect that has not reached SYN_SENT ignores an earlier shutdown
        _ when Family is AF_INET or AF_INET6 => true,
        _ when Family == AF_UNIX => Type != SOCK_DGRAM || direction != WaitDirection.Send,
        _ => false,
    };

    /// <summary>Adds a reference for one call; false (no reference taken) once the handle is closing.</summary>
    public bool TryEnter()
    {
        if (IsClosing) return false;
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return added;
    }

    /// <summary>Drops the reference <see cref="TryEnter"/> took.</summary>
    public void Exit() => DangerousRelease();

    /// <summary>Counts a call that is about to block in the kernel; false when the handle is closing (the call must not start).</summary>
    public bool BeginBlocking()
    {
        if (Interlocked.Increment(ref _state) > 0) return true;
        Interlocked.Decrement(ref _state);
        return false;
    }

    /// <summary>Ends what <see cref="BeginBlocking"/> began; true when the handle was closed meanwhile (the call may have been woken by it).</summary>
    public bool EndBlocking() => Interlocked.Decrement(ref _state) < 0;

    /// <summary>Registers the eventfd of a call about to wait in poll; false when the handle is closing.</summary>
    public bool RegisterWaiter(int eventFd)
    {
        lock (_waitersLock)
        {
            if (Volatile.Read(ref _state) < 0) return false;
            (_waiters ??= new List<int>(2)).Add(eventFd);
            return true;
        }
    }

    /// <summary>Removes what <see cref="RegisterWaiter"/> added; after this the close no longer touches the eventfd.</summary>
    public void UnregisterWaiter(int eventFd)
    {
        lock (_waitersLock) _waiters?.Remove(eventFd);
    }

    /// <summary>
    /// Closes the handle: wakes this handle's calls that are blocked or waiting, then gives up the handle's own
    /// reference; the descriptor closes when the last running call returns. False when it was closed already.
    /// </summary>
    public bool CloseByOwner()
    {
        if (!BeginClose()) return false;
        Dispose();
        return true;
    }

    /// <summary>Disposing (also through the public <c>SafeHandle</c>) closes as <see cref="CloseByOwner"/> does.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) BeginClose();
        base.Dispose(disposing);
    }

    /// <summary>Marks the handle closing and wakes its calls; false when it was marked already.</summary>
    private bool BeginClose()
    {
        int old = Interlocked.Or(ref _state, ClosingBit);
        if (old < 0) return false;
        // Pending async operations fail at once; they hold no descriptor while they wait.
        Volatile.Read(ref _async)?.Stop();
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
        try
        {
            // Only a call of ours blocked right now justifies touching the socket itself.
            if ((old & ~ClosingBit) != 0) SocketSyscalls.Shutdown(Fd, SocketSyscalls.SHUT_RDWR);
            lock (_waitersLock)
            {
                if (_waiters is not null)
                    foreach (int eventFd in _waiters) SocketSyscalls.Signal(eventFd);
            }
            return true;
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        int fd = (int)handle.ToInt64();
        // Before the descriptor goes: a socket shared with another process would stay registered otherwise.
        Volatile.Read(ref _async)?.Unregister(fd);
        return SocketSyscalls.Close(fd) == 0;
    }
}
