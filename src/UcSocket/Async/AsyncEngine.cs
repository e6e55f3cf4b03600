using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading;
using Tmds.Linux;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// The epoll engine behind the async socket methods (<see cref="SocketHandle.RecvAsync"/>, ...): a few threads,
/// each waiting in <c>epoll_wait</c> on its own epoll instance. A socket is registered once, edge-triggered, on its
/// first async call that has to wait; its readiness events resume the operations queued on it.
/// </summary>
/// <remarks>
/// Settings are read when the engine starts (the first async call that waits), from these properties or, when
/// they were not set, from the environment: <c>UCSOCKET_ENGINE_THREADS</c> and <c>UCSOCKET_INLINE_COMPLETIONS=1</c>.
/// </remarks>
public static class AsyncEngine
{
    private static readonly object s_gate = new();
    private static EngineThread[]? s_threads;
    private static int s_next;
    private static int s_threadCount;
    private static bool? s_inline;
    private static long s_nextId;
    private static readonly ConcurrentDictionary<ulong, SocketAsyncContext> s_contexts = new();

    /// <summary>
    /// The number of engine threads; by default one per four processor cores, at least one. Set it before the first
    /// async call; once the engine runs, setting it throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static int ThreadCount
    {
        get => s_threadCount > 0 ? s_threadCount : DefaultThreadCount();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            lock (s_gate)
            {
                if (s_threads is not null) throw new InvalidOperationException("The engine is running: set ThreadCount before the first async call.");
                s_threadCount = value;
            }
        }
    }

    /// <summary>
    /// When true, operations that become ready complete on the engine thread itself, and their continuations run
    /// there: the lowest latency, for code that never blocks in a continuation. By default (false) they complete on
    /// the thread pool. Takes effect for readiness events that arrive after it is set.
    /// </summary>
    public static bool InlineCompletions
    {
        get => s_inline ??= Environment.GetEnvironmentVariable("UCSOCKET_INLINE_COMPLETIONS") == "1";
        set => s_inline = value;
    }

    private static int DefaultThreadCount()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("UCSOCKET_ENGINE_THREADS"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 64)
            return n;
        return Math.Max(1, Environment.ProcessorCount / 4);
    }

    /// <summary>Registers <paramref name="context"/>'s socket with one of the engine threads; 0 or the negated errno.</summary>
    internal static long Register(SocketAsyncContext context, int fd, out ulong id, out object engine)
    {
        var threads = s_threads ?? Start();
        var thread = threads[(int)((uint)Interlocked.Increment(ref s_next) % (uint)threads.Length)];
        id = (ulong)Interlocked.Increment(ref s_nextId);
        s_contexts[id] = context;
        long rc = thread.Add(fd, id);
        if (rc < 0) s_contexts.TryRemove(id, out _);
        engine = thread;
        return rc;
    }

    /// <summary>Removes a registration; events already fetched for it are dropped.</summary>
    internal static void Unregister(ulong id, object engine, int fd)
    {
        ((EngineThread)engine).Remove(fd);
        s_contexts.TryRemove(id, out _);
    }

    private static EngineThread[] Start()
    {
        lock (s_gate)
        {
            if (s_threads is not null) return s_threads;
            int count = ThreadCount;
            var threads = new EngineThread[count];
            for (int i = 0; i < count; i++) threads[i] = new EngineThread(i);
            s_threads = threads;
            return threads;
        }
    }

    private static void Dispatch(ulong id, uint events)
    {
        if (s_contexts.TryGetValue(id, out var context)) context.OnEvents(events);
    }

    /// <summary>One engine thread and its epoll instance.</summary>
    private sealed unsafe class EngineThread
    {
        private const int BatchSize = 256;
        private readonly int _epfd;

        public EngineThread(int index)
        {
            long epfd = SocketSyscalls.EpollCreate();
            if (epfd < 0) throw new UcSocketException(new ErrorInfo((int)-epfd, "epoll_create1()"));
            _epfd = (int)epfd;
            var thread = new Thread(Run)
            {
                IsBackground = true,
                Name = "UcSocket engine " + index.ToString(CultureInfo.InvariantCulture),
            };
            thread.UnsafeStart();
        }

        public long Add(int fd, ulong id) => SocketSyscalls.EpollCtl(_epfd, SocketSyscalls.EPOLL_CTL_ADD, fd,
            SocketSyscalls.EPOLLIN | SocketSyscalls.EPOLLPRI | SocketSyscalls.EPOLLOUT | SocketSyscalls.EPOLLRDHUP | SocketSyscalls.EPOLLET, id);

        public void Remove(int fd) => SocketSyscalls.EpollCtl(_epfd, SocketSyscalls.EPOLL_CTL_DEL, fd, 0, 0);

        private void Run()
        {
            epoll_event* events = stackalloc epoll_event[BatchSize];
            while (true)
            {
                long n = SocketSyscalls.EpollWait(_epfd, events, BatchSize, -1);
                if (n < 0) continue; // EINTR; nothing else can fail on a valid epoll descriptor
                for (int i = 0; i < n; i++) Dispatch(events[i].data.u64, (uint)events[i].events);
            }
        }
    }
}
