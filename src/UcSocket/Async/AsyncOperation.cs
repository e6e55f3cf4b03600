using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// One async socket operation, queued on its direction's <see cref="AsyncQueue"/>. The queue calls
/// <see cref="TryComplete"/> for each attempt (one non-blocking syscall) and <see cref="Signal"/> once it finished.
/// </summary>
internal abstract class AsyncOperation
{
    private CancellationTokenRegistration _registration;

    protected AsyncOperation(SocketAsyncContext context) => Context = context;

    public SocketAsyncContext Context { get; }

    /// <summary>True for a readiness wait, which takes nothing from the socket and so never waits its turn in the queue.</summary>
    public virtual bool IsReadinessWait => false;

    /// <summary>The syscall's name for error messages, e.g. <c>recv()</c>.</summary>
    protected abstract string CallName { get; }

    // Guarded by the queue's lock.
    internal AsyncOperation? Next;
    internal bool InQueue, Running, CancelRequested;

    protected CancellationToken Token { get; private set; }

    /// <summary>The failure, or null on success.</summary>
    protected Exception? Error { get; set; }

    /// <summary>One attempt on <paramref name="fd"/> (held open by the caller): true when finished, false on EAGAIN.</summary>
    protected abstract bool Attempt(int fd);

    /// <summary>
    /// Publishes the outcome to the awaiter. <paramref name="inline"/>: the continuation may run on this thread (a
    /// pool thread, or the engine thread when asked for); false from a close or a cancellation, whose thread is the
    /// caller's and must not run other code.
    /// </summary>
    public abstract void Signal(bool inline);

    /// <summary>One attempt, holding the descriptor open for it.</summary>
    public bool TryComplete()
    {
        if (!Context.Owner.TryEnter())
        {
            SetClosed();
            return true;
        }
        try
        {
            return Attempt(Context.Owner.Fd);
        }
        catch (Exception ex)
        {
            Error = ex;
            return true;
        }
        finally
        {
            Context.Owner.Exit();
        }
    }

    /// <summary>The handle closed while the operation was pending.</summary>
    public void SetClosed() => Error = new UcSocketException(new ErrorInfo(Errno.ECANCELED, CallName));

    public void SetCanceled() => Error = new OperationCanceledException(Token);

    public void SetError(int errno) => Error = new UcSocketException(new ErrorInfo(errno, CallName));

    /// <summary>Finishes an attempt with the syscall's result <paramref name="rc"/> when it is not EAGAIN: false for EAGAIN.</summary>
    protected bool Failed(long rc)
    {
        if (rc == -Errno.EAGAIN) return false;
        SetError((int)-rc);
        return true;
    }

    /// <summary>Arms cancellation for one run of the operation.</summary>
    protected void BeginRun(CancellationToken token)
    {
        Token = token;
        Error = null;
        CancelRequested = false;
        if (token.CanBeCanceled)
            _registration = token.UnsafeRegister(static state => { var op = (AsyncOperation)state!; op.Queue.Cancel(op); }, this);
    }

    /// <summary>Disarms cancellation: waits for a callback running on another thread, so that none can touch the next run.</summary>
    protected void EndRun()
    {
        _registration.Dispose();
        _registration = default;
    }

    /// <summary>The queue this operation runs on.</summary>
    protected abstract AsyncQueue Queue { get; }
}

/// <summary>An <see cref="AsyncOperation"/> with a result, awaited through a pooled <see cref="IValueTaskSource{TResult}"/>.</summary>
internal abstract class AsyncOperation<T> : AsyncOperation, IValueTaskSource<T>
{
    private ManualResetValueTaskSourceCore<T> _core;

    protected AsyncOperation(SocketAsyncContext context) : base(context)
    {
    }

    /// <summary>The result, set by a successful attempt.</summary>
    protected T Result { get; set; } = default!;

    /// <summary>Runs the operation: a completed ValueTask when it finished at once, else one bound to this object.</summary>
    protected ValueTask<T> Run(CancellationToken token)
    {
        if (token.IsCancellationRequested)
        {
            Release();
            return ValueTask.FromCanceled<T>(token);
        }
        BeginRun(token);
        if (Queue.Start(this))
        {
            EndRun();
            var finished = Error is null ? new ValueTask<T>(Result) : ValueTask.FromException<T>(Error);
            Release();
            return finished;
        }
        return new ValueTask<T>(this, _core.Version);
    }

    public override void Signal(bool inline)
    {
        EndRun();
        _core.RunContinuationsAsynchronously = !inline;
        if (Error is null) _core.SetResult(Result);
        else _core.SetException(Error);
    }

    /// <summary>Clears the run's references and gives the object back to its context's cache.</summary>
    protected abstract void Release();

    T IValueTaskSource<T>.GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            Release();
        }
    }

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
