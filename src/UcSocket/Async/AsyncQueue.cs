using System.Threading;

namespace UcSocket;

/// <summary>
/// The pending operations of one direction of a socket, first in first out. An operation is tried at once when
/// nothing is queued before it; when the kernel says EAGAIN it waits for the next readiness event. Readiness is
/// edge-triggered, so each event bumps a sequence number: an attempt that failed while an event arrived is tried
/// again, and readiness is only considered gone when an attempt reports EAGAIN with no event in between.
/// </summary>
/// <remarks>
/// Only operations that take from the socket (receives, sends, accepts) keep their order and wait for those before
/// them. A readiness wait (<see cref="SocketHandle.WaitAsync"/>) takes nothing: it is polled on every event wherever
/// it stands, and never holds up what comes after it (a wait for POLLRDHUP or POLLPRI beside a receive).
/// </remarks>
internal sealed class AsyncQueue : IThreadPoolWorkItem
{
    private readonly object _gate = new();
    private readonly SocketAsyncContext _context;
    private AsyncOperation? _head, _tail;
    private int _takers; // queued operations that are not readiness waits
    private int _sequence;
    private bool _processing, _stopped;

    public AsyncQueue(SocketAsyncContext context, string name)
    {
        _context = context;
        Name = name;
    }

    /// <summary>"receive" or "send", for diagnostics.</summary>
    public string Name { get; }

    /// <summary>
    /// Starts <paramref name="op"/>: true when it finished at once (its result or error is set), false when it was
    /// queued and will be signalled later.
    /// </summary>
    public bool Start(AsyncOperation op)
    {
        int sequence;
        lock (_gate)
        {
            if (_stopped)
            {
                op.SetClosed();
                return true;
            }
            if (op.CancelRequested)
            {
                op.SetCanceled();
                return true;
            }
            if (MustWaitItsTurn(op))
            {
                Enqueue(op);
                return false;
            }
            sequence = _sequence;
            op.Running = true;
        }
        while (true)
        {
            bool finished = op.TryComplete();
            if (!finished)
            {
                long registered = _context.EnsureRegistered();
                if (registered < 0)
                {
                    op.SetError((int)-registered);
                    finished = true;
                }
            }
            lock (_gate)
            {
                op.Running = false;
                if (finished) return true;
                if (_stopped)
                {
                    op.SetClosed();
                    return true;
                }
                if (op.CancelRequested)
                {
                    op.SetCanceled();
                    return true;
                }
                if (!MustWaitItsTurn(op) && sequence != _sequence)
                {
                    // An event arrived during the attempt: the socket may be ready again.
                    sequence = _sequence;
                    op.Running = true;
                    continue;
                }
                Enqueue(op);
                return false;
            }
        }
    }

    /// <summary>A readiness event for this direction (engine thread).</summary>
    public void OnReady()
    {
        lock (_gate)
        {
            _sequence++;
            if (_head is null || _processing || _stopped) return;
            _processing = true;
        }
        if (AsyncEngine.InlineCompletions) Process();
        else ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => Process();

    /// <summary>
    /// Runs the queued operations in order: the takers until one has to wait again, the readiness waits all. Passes
    /// over the queue again while events arrive during a pass.
    /// </summary>
    private void Process()
    {
        while (true)
        {
            AsyncOperation? op;
            int passSequence, sequence;
            bool takersBlocked = false;
            lock (_gate)
            {
                passSequence = sequence = _sequence;
                op = _stopped ? null : NextToTry(_head, takersBlocked);
                if (op is null)
                {
                    _processing = false;
                    return;
                }
                op.Running = true;
            }
            while (op is not null)
            {
                bool finished = op.TryComplete();
                bool handOver = false;
                AsyncOperation? next;
                lock (_gate)
                {
                    op.Running = false;
                    if (!finished && _stopped)
                    {
                        op.SetClosed();
                        finished = true;
                    }
                    else if (!finished && op.CancelRequested)
                    {
                        op.SetCanceled();
                        finished = true;
                    }
                    // A running operation stays linked (a cancel leaves it to us), unless a close emptied the queue.
                    next = op.Next;
                    if (finished) Unlink(op);
                    else if (!op.IsReadinessWait)
                    {
                        if (sequence != _sequence) next = op; // an event arrived during the attempt: try it again
                        else takersBlocked = true;            // readiness used up: the takers behind it wait too
                    }
                    next = _stopped ? null : NextToTry(next, takersBlocked);
                    if (next is not null)
                    {
                        if (finished && !AsyncEngine.InlineCompletions)
                        {
                            // More to do, and the finished operation's continuation runs on this thread next: another
                            // pool thread carries on with the queue, so that a continuation that blocks (even on a
                            // later operation of this queue) holds up nothing. The queue stays marked as processing.
                            handOver = true;
                            next = null;
                        }
                        else
                        {
                            next.Running = true;
                            sequence = _sequence;
                        }
                    }
                }
                if (handOver) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                if (finished) op.Signal(inline: true);
                if (handOver) return;
                op = next;
            }
            lock (_gate)
            {
                // An event during the pass may have made ready what the pass found waiting.
                if (_stopped || _head is null || _sequence == passSequence)
                {
                    _processing = false;
                    return;
                }
            }
        }
    }

    /// <summary>The first operation from <paramref name="from"/> on to try: any, or only readiness waits once the takers are blocked.</summary>
    private static AsyncOperation? NextToTry(AsyncOperation? from, bool takersBlocked)
    {
        for (var op = from; op is not null; op = op.Next)
            if (!takersBlocked || op.IsReadinessWait) return op;
        return null;
    }

    /// <summary>True when <paramref name="op"/> takes from the socket and others that do are queued before it.</summary>
    private bool MustWaitItsTurn(AsyncOperation op) => !op.IsReadinessWait && _takers > 0;

    /// <summary>Cancels <paramref name="op"/> (its token fired): at once when it is only waiting, after its attempt when one runs.</summary>
    public void Cancel(AsyncOperation op)
    {
        lock (_gate)
        {
            if (op.Running)
            {
                op.CancelRequested = true;
                return;
            }
            if (!op.InQueue)
            {
                op.CancelRequested = true; // not started yet: Start sees it before queueing
                return;
            }
            Unlink(op);
            op.SetCanceled();
        }
        op.Signal(inline: false);
    }

    /// <summary>The handle closed: every queued operation fails now, and later ones at once.</summary>
    public void Stop()
    {
        AsyncOperation? list;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            list = _head;
            _head = _tail = null;
            _takers = 0;
            for (var op = list; op is not null; op = op.Next)
            {
                op.InQueue = false;
                if (!op.Running) op.SetClosed();
            }
        }
        while (list is not null)
        {
            var next = list.Next;
            list.Next = null;
            // An operation in the middle of its attempt finishes that attempt (and is signalled) on its own thread.
            if (!list.Running) list.Signal(inline: false);
            list = next;
        }
    }

    private void Enqueue(AsyncOperation op)
    {
        op.InQueue = true;
        if (!op.IsReadinessWait) _takers++;
        op.Next = null;
        if (_tail is null) _head = _tail = op;
        else
        {
            _tail.Next = op;
            _tail = op;
        }
    }

    private void Unlink(AsyncOperation op)
    {
        if (!op.InQueue) return;
        AsyncOperation? previous = null;
        for (var current = _head; current is not null; previous = current, current = current.Next)
        {
            if (current != op) continue;
            if (previous is null) _head = op.Next;
            else previous.Next = op.Next;
            if (_tail == op) _tail = previous;
            if (!op.IsReadinessWait) _takers--;
            break;
        }
        op.InQueue = false;
        op.Next = null;
    }
}
