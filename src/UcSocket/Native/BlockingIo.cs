using System;
using Tmds.Linux;

using static UcSocket.Native.Errno;

namespace UcSocket.Native;

/// <summary>One socket syscall that may block, as <see cref="BlockingIo"/> runs it.</summary>
internal interface ISocketOperation
{
    /// <summary>One attempt, with <paramref name="extraFlags"/> (MSG_DONTWAIT when waiting in poll) or-ed into the call's flags.</summary>
    long Invoke(int fd, int extraFlags);

    /// <summary>What the call waits for.</summary>
    WaitDirection Direction { get; }

    /// <summary>True when the syscall takes MSG_DONTWAIT per call (accept4 does not).</summary>
    bool TakesDontWait { get; }

    /// <summary>
    /// After a successful attempt that waited in poll: true when blocking semantics want more (a stream send with
    /// bytes left, a recvmmsg that has not filled its batch); the operation then advances past what was done.
    /// </summary>
    bool ContinueAfter(long result);

    /// <summary>What the whole call returns when it ends with <paramref name="result"/>: the total of a continued call, else the result.</summary>
    long Complete(long result);

    /// <summary>
    /// What a call returns when the handle was closed while it was in the kernel: -ECANCELED when
    /// <paramref name="result"/> may be the shutdown's doing rather than the peer's (end of stream, EPIPE, EINVAL,
    /// ...), else the result, trimmed of what the shutdown made up.
    /// </summary>
    long AfterClose(long result);
}

/// <summary>
/// Runs blocking socket calls with one policy for signals, timeouts and closes.
/// </summary>
/// <remarks>
/// <para>
/// The direct path makes the blocking syscall itself, counted by <see cref="SafeSocketFd.BeginBlocking"/> so that a
/// close wakes it with a shutdown. It is taken where a shutdown wakes the call (<see cref="SafeSocketFd.ShutdownWakes"/>)
/// and costs one uncontended interlocked pair and a coarse clock read.
/// </para>
/// <para>
/// The poll path makes the call with MSG_DONTWAIT and, on EAGAIN, waits in poll(2) for the socket and for an
/// eventfd the close signals. It serves the calls a shutdown would not wake, sockets the async engine made
/// non-blocking, and any call with a timeout that a signal interrupted.
/// </para>
/// <para>
/// Signals: the kernel restarts a blocking socket call after a signal (SA_RESTART) unless the socket has a
/// SO_RCVTIMEO/SO_SNDTIMEO timeout, in which case it returns EINTR; restarting it then would begin the whole
/// timeout again, so that a signal every 100 ms would keep a 500 ms receive waiting for ever. The call instead
/// goes on waiting for what is left of its timeout, counted from its start, and then fails as the kernel does
/// (EAGAIN; EINPROGRESS for connect).
/// </para>
/// <para>A call that a close on another thread interrupts returns -ECANCELED.</para>
/// </remarks>
internal static unsafe class BlockingIo
{
    private const int MSG_DONTWAIT = 0x40;
    private const short POLLIN = 0x1, POLLOUT = 0x4;
    private const long NoDeadline = long.MaxValue, DeadlineUnknown = long.MinValue;

    /// <summary>Runs <paramref name="op"/> on <paramref name="owner"/>'s descriptor <paramref name="fd"/> (the caller holds a reference).</summary>
    /// <param name="owner">The descriptor's owner.</param>
    /// <param name="fd">The descriptor.</param>
    /// <param name="op">The operation.</param>
    /// <param name="flags">The caller's MSG_* flags (only MSG_DONTWAIT is looked at).</param>
    public static long Run<TOp>(SafeSocketFd owner, int fd, ref TOp op, int flags) where TOp : struct, ISocketOperation
    {
        if ((flags & MSG_DONTWAIT) != 0 || (owner.UserNonBlocking && !owner.EmulatesBlocking)) return op.Invoke(fd, 0);
        if (owner.EmulatesBlocking || !owner.ShutdownWakes(op.Direction)) return WaitInPoll(owner, fd, ref op, DeadlineUnknown, Environment.TickCount64);

        long start = Environment.TickCount64;
        while (true)
        {
            if (!owner.BeginBlocking()) return -ECANCELED;
            long rc = op.Invoke(fd, 0);
            if (owner.EndBlocking()) return op.AfterClose(rc);
            if (rc != -EINTR && rc != -EAGAIN) return rc;
            long timeout = TimeoutMs(fd, op.Direction);
            if (timeout < 0) return timeout;
            if (rc == -EINTR && timeout == 0) continue; // no timeout: restarting changes nothing
            // EAGAIN from a call that should have blocked: the timeout ran out, or the socket is in non-blocking mode
            // because another holder of it (or this handle's async calls) set O_NONBLOCK. Only the first ends the call.
            if (rc == -EAGAIN && timeout > 0 && Environment.TickCount64 - start >= timeout) return rc;
            return WaitInPoll(owner, fd, ref op, timeout == 0 ? NoDeadline : start + timeout, start);
        }
    }

    /// <summary>
    /// connect(2) as a blocking call that a close wakes whatever instant it lands: the connect is started
    /// non-blocking and awaited in poll. A connect that has not reached the network yet ignores a shutdown, and a
    /// UNIX connect waiting for room in a full backlog waits on the listener, which no shutdown of ours wakes.
    /// </summary>
    /// <remarks>
    /// O_NONBLOCK is set for the connect syscall alone and put back right after it: the file status flags are
    /// shared by every descriptor of the socket, and a socket still being connected has no other users to speak of.
    /// A timeout is SO_SNDTIMEO's, as for a blocking connect (EINPROGRESS when it runs out); a full UNIX backlog is
    /// retried until the listener makes room.
    /// </remarks>
    public static long Connect(SafeSocketFd owner, int fd, ReadOnlySpan<byte> address)
    {
        long start = Environment.TickCount64;
        long flags = SocketSyscalls.GetStatusFlags(fd);
        if (flags < 0) return flags;
        bool userNonBlocking = (flags & SocketSyscalls.O_NONBLOCK) != 0 && !owner.EmulatesBlocking;
        if (userNonBlocking) return SocketSyscalls.Connect(fd, address);

        int eventFd = -1;
        try
        {
            long deadline = DeadlineUnknown;
            int delay = 1;
            while (true)
            {
                if (owner.IsClosing) return -ECANCELED;
                long rc = ConnectNonBlocking(fd, (int)flags, address);
                if (rc == 0) return 0;
                bool fullBacklog = rc == -EAGAIN && owner.Family == 1; // AF_UNIX: the listener's queue is full
                if (rc != -EINPROGRESS && !fullBacklog) return rc;

                if (deadline == DeadlineUnknown)
                {
                    long timeout = TimeoutMs(fd, WaitDirection.Connect);
                    if (timeout < 0) return timeout;
                    deadline = timeout == 0 ? NoDeadline : start + timeout;
                }
                long waited = fullBacklog
                    ? Sleep(owner, ref eventFd, deadline, ref delay)
                    : Wait(owner, fd, POLLOUT, deadline, ref eventFd);
                if (waited < 0) return waited;
                if (waited == 0) return fullBacklog ? -EAGAIN : -EINPROGRESS; // what the kernel answers when the timeout runs out
                if (fullBacklog) continue;
                long pending = PendingError(fd);
                // A second connect on the now connected socket returns at once and records it as connected
                // (SS_CONNECTED), as a blocking connect leaves it: a later connect then fails with EISCONN.
                if (pending == 0) SocketSyscalls.Connect(fd, address);
                return pending;
            }
        }
        finally
        {
            CloseWaiter(owner, eventFd);
        }
    }

    private static long ConnectNonBlocking(int fd, int flags, ReadOnlySpan<byte> address)
    {
        if ((flags & SocketSyscalls.O_NONBLOCK) != 0) return SocketSyscalls.Connect(fd, address);
        long set = SocketSyscalls.SetStatusFlags(fd, flags | SocketSyscalls.O_NONBLOCK);
        if (set < 0) return set;
        long rc = SocketSyscalls.Connect(fd, address);
        SocketSyscalls.SetStatusFlags(fd, flags);
        return rc;
    }

    /// <summary>SO_ERROR after a non-blocking connect completed: 0 or the negated errno.</summary>
    private static long PendingError(int fd)
    {
        Span<byte> value = stackalloc byte[4];
        long rc = SocketSyscalls.GetSockOpt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR, value, out _);
        if (rc < 0) return rc;
        return -BitConverter.ToInt32(value);
    }

    /// <summary>
    /// poll(2) for <paramref name="timeoutMs"/> milliseconds (negative: no limit); a signal does not end the wait
    /// early, nor restart it from the beginning: it goes on for the time that is left.
    /// </summary>
    public static long Poll(pollfd* fds, int count, int timeoutMs)
    {
        long deadline = timeoutMs < 0 ? NoDeadline : Environment.TickCount64 + timeoutMs;
        while (true)
        {
            long rc = SocketSyscalls.Poll(fds, count, timeoutMs < 0 ? -1 : Remaining(deadline));
            if (rc != -EINTR) return rc;
        }
    }

    /// <summary>
    /// poll(2) over descriptors some of which belong to socket handles (<paramref name="owners"/>, null where not):
    /// closing one of those handles on another thread ends the wait at once, and the closed handle is reported with
    /// POLLNVAL, as poll reports a descriptor that is not open. No shutdown is needed for that, so the socket's other
    /// holders see nothing. <paramref name="fds"/> has one spare entry at the end for the wake-up eventfd.
    /// </summary>
    public static long PollHandles(pollfd* fds, SafeSocketFd?[] owners, int timeoutMs)
    {
        const short POLLNVAL = 0x20;
        int count = owners.Length;
        long created = SocketSyscalls.EventFd(SocketSyscalls.EFD_CLOEXEC | SocketSyscalls.EFD_NONBLOCK);
        if (created < 0) return created;
        int eventFd = (int)created;
        int registered = 0;
        try
        {
            for (; registered < count; registered++)
            {
                if (owners[registered] is { } owner && !owner.RegisterWaiter(eventFd))
                {
                    SocketSyscalls.Signal(eventFd); // closed meanwhile: report it without waiting
                    break;
                }
            }
            fds[count] = new pollfd { fd = eventFd, events = POLLIN };
            long rc = registered < count ? Poll(fds, count + 1, 0) : Poll(fds, count + 1, timeoutMs);
            if (rc < 0) return rc;
            rc = 0;
            for (int i = 0; i < count; i++)
            {
                if (owners[i] is { IsClosing: true }) fds[i].revents = POLLNVAL;
                if (fds[i].revents != 0) rc++;
            }
            return rc;
        }
        finally
        {
            for (int i = 0; i < registered; i++) owners[i]?.UnregisterWaiter(eventFd);
            SocketSyscalls.Close(eventFd);
        }
    }

    /// <summary>The poll path: attempts with MSG_DONTWAIT, waits for readiness on EAGAIN.</summary>
    private static long WaitInPoll<TOp>(SafeSocketFd owner, int fd, ref TOp op, long deadline, long start) where TOp : struct, ISocketOperation
    {
        short events = op.Direction is WaitDirection.Send or WaitDirection.Connect ? POLLOUT : POLLIN;
        bool fdBlocks = !owner.EmulatesBlocking && !owner.UserNonBlocking;
        int eventFd = -1;
        int delay = 1;
        bool readyBefore = false;
        try
        {
            // accept4 cannot be made non-blocking per call: on a blocking socket wait for a connection first.
            bool waitFirst = !op.TakesDontWait && fdBlocks;
            while (true)
            {
                if (owner.IsClosing) return op.Complete(-ECANCELED);
                long rc;
                if (waitFirst)
                {
                    rc = -EAGAIN;
                    waitFirst = false;
                }
                else if (op.TakesDontWait || !fdBlocks)
                {
                    rc = op.Invoke(fd, op.TakesDontWait ? MSG_DONTWAIT : 0);
                }
                else
                {
                    if (!owner.BeginBlocking()) return op.Complete(-ECANCELED);
                    rc = op.Invoke(fd, 0);
                    if (owner.EndBlocking()) return op.Complete(op.AfterClose(rc));
                }

                if (rc >= 0)
                {
                    if (!op.ContinueAfter(rc)) return op.Complete(rc);
                    readyBefore = false;
                    continue;
                }
                if (rc == -EINTR) continue;
                if (rc != -EAGAIN) return op.Complete(rc);

                if (deadline == DeadlineUnknown)
                {
                    long timeout = TimeoutMs(fd, op.Direction);
                    if (timeout < 0) return op.Complete(timeout);
                    deadline = timeout == 0 ? NoDeadline : start + timeout;
                }
                // Ready, then EAGAIN again: another reader took it, or the socket cannot tell readiness (an
                // unconnected UNIX datagram send to a full peer). Back off instead of spinning.
                long waited = readyBefore
                    ? Sleep(owner, ref eventFd, deadline, ref delay)
                    : Wait(owner, fd, events, deadline, ref eventFd);
                if (waited < 0) return op.Complete(waited);
                if (waited == 0) return op.Complete(-EAGAIN);
                readyBefore = waited == 1;
            }
        }
        finally
        {
            CloseWaiter(owner, eventFd);
        }
    }

    /// <summary>
    /// Waits in poll for <paramref name="events"/> on <paramref name="fd"/> until <paramref name="deadline"/>:
    /// 1 when ready, 0 at the deadline, -ECANCELED when the handle is closed, another negated errno on failure.
    /// The eventfd that a close signals is created and registered on first use.
    /// </summary>
    private static long Wait(SafeSocketFd owner, int fd, short events, long deadline, ref int eventFd)
    {
        long prepared = PrepareWaiter(owner, ref eventFd);
        if (prepared < 0) return prepared;
        pollfd* fds = stackalloc pollfd[2];
        while (true)
        {
            fds[0] = new pollfd { fd = fd, events = events };
            fds[1] = new pollfd { fd = eventFd, events = POLLIN };
            long rc = SocketSyscalls.Poll(fds, 2, Remaining(deadline));
            if (rc == -EINTR) continue;
            if (rc < 0) return rc;
            if (fds[1].revents != 0 || owner.IsClosing) return -ECANCELED;
            if (rc == 0) return Remaining(deadline) == 0 ? 0 : 2; // a coarse clock can wake early: try again
            return 1;
        }
    }

    /// <summary>Sleeps a growing delay (1 ms doubling to 64 ms) or until the close: 2 after the delay, 0 at the deadline.</summary>
    private static long Sleep(SafeSocketFd owner, ref int eventFd, long deadline, ref int delay)
    {
        long prepared = PrepareWaiter(owner, ref eventFd);
        if (prepared < 0) return prepared;
        int remaining = Remaining(deadline);
        if (remaining == 0) return 0;
        int wait = remaining < 0 ? delay : Math.Min(delay, remaining);
        delay = Math.Min(delay * 2, 64);
        var pfd = new pollfd { fd = eventFd, events = POLLIN };
        long rc = SocketSyscalls.Poll(&pfd, 1, wait);
        if (rc < 0 && rc != -EINTR) return rc;
        if (pfd.revents != 0 || owner.IsClosing) return -ECANCELED;
        return 2;
    }

    private static long PrepareWaiter(SafeSocketFd owner, ref int eventFd)
    {
        if (eventFd >= 0) return 0;
        long created = SocketSyscalls.EventFd(SocketSyscalls.EFD_CLOEXEC | SocketSyscalls.EFD_NONBLOCK);
        if (created < 0) return created;
        if (!owner.RegisterWaiter((int)created))
        {
            SocketSyscalls.Close((int)created);
            return -ECANCELED;
        }
        eventFd = (int)created;
        return 0;
    }

    private static void CloseWaiter(SafeSocketFd owner, int eventFd)
    {
        if (eventFd < 0) return;
        owner.UnregisterWaiter(eventFd); // after this the close no longer signals it: closing the number is safe
        SocketSyscalls.Close(eventFd);
    }

    /// <summary>Milliseconds to the deadline for poll: -1 for none, 0 when it passed.</summary>
    private static int Remaining(long deadline)
    {
        if (deadline == NoDeadline) return -1;
        long left = deadline - Environment.TickCount64;
        return left <= 0 ? 0 : (int)Math.Min(left, int.MaxValue);
    }

    /// <summary>The socket's SO_RCVTIMEO (receive, accept) or SO_SNDTIMEO (send, connect) in milliseconds, rounded up; 0 for none.</summary>
    internal static long TimeoutMs(int fd, WaitDirection direction)
    {
        Span<byte> value = stackalloc byte[Timeval.NativeSize];
        int option = direction is WaitDirection.Receive or WaitDirection.Accept ? Sockets.SO_RCVTIMEO : Sockets.SO_SNDTIMEO;
        long rc = SocketSyscalls.GetSockOpt(fd, Sockets.SOL_SOCKET, option, value, out int length);
        if (rc < 0) return rc;
        var tv = Timeval.Read(value[..Math.Min(length, value.Length)]);
        long ms = tv.Seconds * 1000 + (tv.Microseconds + 999) / 1000;
        return ms <= 0 ? 0 : ms;
    }
}
