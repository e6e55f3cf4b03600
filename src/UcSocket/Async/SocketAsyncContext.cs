using System;
using System.Threading;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// The async state of one socket: its registration with the engine and a FIFO queue of pending operations per
/// direction, so that several receives complete in order and a send and a receive can be pending together.
/// Created on the first async call; stopped when the handle closes (every pending operation fails at once), and
/// unregistered from epoll before the descriptor is closed.
/// </summary>
internal sealed class SocketAsyncContext
{
    private readonly object _gate = new();
    private ulong _id;
    private object? _engine;
    private int _registration; // 0 none, 1 registered, -errno when registration failed
    private int _listenerNonBlocking;
    private CancellationTokenSource? _closing;
    private bool _stopped;

    public SocketAsyncContext(SafeSocketFd owner)
    {
        Owner = owner;
        Receive = new AsyncQueue(this, "receive");
        Send = new AsyncQueue(this, "send");
    }

    public SafeSocketFd Owner { get; }

    public AsyncQueue Receive { get; }

    public AsyncQueue Send { get; }

    /// <summary>Cached operation objects, one per kind, reused so that steady state allocates nothing.</summary>
    public AsyncOperation? CachedReceive, CachedSend, CachedReceiveMessage, CachedSendMessage, CachedReceiveBatch, CachedSendBatch, CachedWait, CachedAccept;

    /// <summary>
    /// Canceled when the handle closes: ends the waits the engine does not serve, such as a connect retried while a
    /// UNIX listener's backlog is full (nothing reports room there).
    /// </summary>
    public CancellationToken Closing
    {
        get
        {
            lock (_gate)
            {
                if (_closing is null)
                {
                    _closing = new CancellationTokenSource();
                    if (_stopped) _closing.Cancel();
                }
                return _closing.Token;
            }
        }
    }

    /// <summary>Registers the socket with the engine (once); 0 or the negated errno.</summary>
    public long EnsureRegistered()
    {
        if (Volatile.Read(ref _registration) == 1) return 0;
        lock (_gate)
        {
            if (_registration != 0) return _registration == 1 ? 0 : _registration;
            if (!Owner.TryEnter()) return -Errno.ECANCELED;
            try
            {
                long rc = AsyncEngine.Register(this, Owner.Fd, out _id, out _engine);
                _registration = rc < 0 ? (int)rc : 1;
                return rc < 0 ? rc : 0;
            }
            finally
            {
                Owner.Exit();
            }
        }
    }

    /// <summary>
    /// Puts a listening socket in non-blocking mode for accept4, which takes no per-call flag for it. O_NONBLOCK
    /// belongs to the open file description: every holder of the socket sees it. This handle's own blocking calls
    /// then wait in poll (<see cref="SafeSocketFd.EmulatesBlocking"/>).
    /// </summary>
    public long EnsureNonBlocking(int fd)
    {
        if (Volatile.Read(ref _listenerNonBlocking) != 0) return 0;
        lock (_gate)
        {
            if (_listenerNonBlocking != 0) return 0;
            long flags = SocketSyscalls.GetStatusFlags(fd);
            if (flags < 0) return flags;
            if ((flags & SocketSyscalls.O_NONBLOCK) == 0)
            {
                if (!Owner.UserNonBlocking) Owner.EmulatesBlocking = true;
                long set = SocketSyscalls.SetStatusFlags(fd, (int)flags | SocketSyscalls.O_NONBLOCK);
                if (set < 0)
                {
                    Owner.EmulatesBlocking = false;
                    return set;
                }
            }
            _listenerNonBlocking = 1;
            return 0;
        }
    }

    /// <summary>Readiness reported by the engine thread.</summary>
    public void OnEvents(uint events)
    {
        const uint readable = SocketSyscalls.EPOLLIN | SocketSyscalls.EPOLLPRI | SocketSyscalls.EPOLLERR | SocketSyscalls.EPOLLHUP | SocketSyscalls.EPOLLRDHUP;
        const uint writable = SocketSyscalls.EPOLLOUT | SocketSyscalls.EPOLLERR | SocketSyscalls.EPOLLHUP;
        if ((events & readable) != 0) Receive.OnReady();
        if ((events & writable) != 0) Send.OnReady();
    }

    /// <summary>The handle is closing: every pending operation fails now, and new ones fail at once.</summary>
    public void Stop()
    {
        Receive.Stop();
        Send.Stop();
        CancellationTokenSource? closing;
        lock (_gate)
        {
            _stopped = true;
            closing = _closing;
        }
        // Its callbacks run on the thread pool, as the queues' completions do: never on the closing thread.
        _ = closing?.CancelAsync();
    }

    /// <summary>Removes the epoll registration: called right before the descriptor is closed.</summary>
    public void Unregister(int fd)
    {
        lock (_gate)
        {
            if (_registration != 1) return;
            _registration = -Errno.EBADF;
            AsyncEngine.Unregister(_id, _engine!, fd);
        }
    }
}
