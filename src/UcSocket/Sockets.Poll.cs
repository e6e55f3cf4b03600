using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Tmds.Linux;
using UcSocket.Marshalling;
using UcSocket.Native;

using static UcSocket.Native.Errno;

namespace UcSocket;

public static partial class Sockets
{
    /// <summary>
    /// Waits for events on sockets (ucode's <c>socket.poll</c>, poll(2)).
    /// </summary>
    /// <param name="timeoutMs">
    /// Milliseconds to wait at most: 0 returns at once, a negative value waits until an event arrives. A signal
    /// interrupting the wait (EINTR) does not end it: the wait resumes for the time that is left.
    /// </param>
    /// <param name="sockets">
    /// The handles to watch. Each item is either a handle (a <see cref="SocketHandle"/>, an
    /// <see cref="IFileDescriptorOwner"/> or a <see cref="SafeHandle"/>), watched for POLLIN (POLLERR and POLLHUP
    /// are always reported), or a pair holding a handle and the POLL* events to watch for: a tuple
    /// <c>(socket, POLLOUT)</c> or ucode's two-element array <c>new object[] { socket, POLLOUT }</c>; a pair may
    /// carry more elements (state of the caller's), which are left alone. A single array argument is taken by C#
    /// as the whole item list: cast it to <c>object</c> to pass it as one pair.
    /// </param>
    /// <returns>
    /// One <see cref="PollEvent"/> per handle with pending events, in argument order (an empty list when the
    /// time ran out), or null on error. Differences from ucode, whose code returns every handle including those
    /// with no events, and skips items it cannot use: this returns only handles with events, as ucode's
    /// documentation says, and a bad item is an error naming its index (EINVAL for an item that is no handle or
    /// pair, EBADF for a closed handle, ERANGE for events outside a 16-bit value). Waiting forever on no handles
    /// at all is an EINVAL error rather than a hang. Each handle is kept open while the call waits, so it never
    /// watches a reused descriptor; closing a <see cref="SocketHandle"/> on another thread ends the wait at once and
    /// reports that handle with POLLNVAL (without shutting the socket down: its other holders see nothing).
    /// </returns>
    public static unsafe IReadOnlyList<PollEvent>? Poll(int timeoutMs, params object?[]? sockets)
    {
        sockets ??= [];
        if (sockets.Length == 0 && timeoutMs < 0)
            return Errors.Fail<IReadOnlyList<PollEvent>>(ErrorInfo.Invalid("Nothing to poll and no timeout: the call would never return"));

        var fds = new pollfd[sockets.Length + 1]; // the last one for the wake-up of a close
        var socketOwners = new SafeSocketFd?[sockets.Length];
        var handles = new SafeHandle?[sockets.Length];
        var owners = new object[sockets.Length];
        try
        {
            for (int i = 0; i < sockets.Length; i++)
            {
                if (!TryParsePollItem(sockets[i], i, out var owner, out var safe, out short events, out var error))
                    return Errors.Fail<IReadOnlyList<PollEvent>>(error);
                bool added = false;
                try
                {
                    if (!safe.IsClosed && !safe.IsInvalid) safe.DangerousAddRef(ref added);
                }
                catch (ObjectDisposedException)
                {
                    added = false;
                }
                if (!added)
                    return Errors.Fail<IReadOnlyList<PollEvent>>(new ErrorInfo(EBADF, $"Poll item {i}: the socket is closed"));
                handles[i] = safe;
                owners[i] = owner;
                socketOwners[i] = safe as SafeSocketFd;
                fds[i] = new pollfd { fd = (int)safe.DangerousGetHandle(), events = events };
            }

            long rc;
            fixed (pollfd* p = fds)
                rc = BlockingIo.PollHandles(p, socketOwners, timeoutMs);
            if (rc < 0) return Errors.Fail<IReadOnlyList<PollEvent>>(new ErrorInfo((int)-rc, "poll()"));

            var result = new List<PollEvent>();
            for (int i = 0; i < sockets.Length; i++)
                if (fds[i].revents != 0) result.Add(new PollEvent(i, owners[i], (ushort)fds[i].revents, sockets[i]!));
            Errors.Clear();
            return result;
        }
        finally
        {
            foreach (var h in handles) h?.DangerousRelease();
        }
    }

    private static bool TryParsePollItem(object? item, int index, out object owner, out SafeHandle safe, out short events, out ErrorInfo error)
    {
        owner = null!;
        safe = null!;
        events = POLLIN | POLLERR | POLLHUP;
        error = default;

        if (TryGetHandle(item, out safe))
        {
            owner = item!;
            return true;
        }

        object? first, second;
        int count;
        switch (item)
        {
            case ITuple tuple:
                count = tuple.Length;
                first = count > 0 ? tuple[0] : null;
                second = count > 1 ? tuple[1] : null;
                break;
            case IList list when item is not string:
                count = list.Count;
                first = count > 0 ? list[0] : null;
                second = count > 1 ? list[1] : null;
                break;
            default:
                error = ErrorInfo.Invalid($"Poll item {index}: expected a socket or a [socket, events] pair, got {UcodeValue.Describe(item)}");
                return false;
        }
        if (count < 2 || !TryGetHandle(first, out safe))
        {
            error = ErrorInfo.Invalid($"Poll item {index}: a pair must hold a socket and the events to watch for");
            return false;
        }
        if (!UcodeValue.TryToRange(second, short.MinValue, short.MaxValue, out long value))
        {
            error = new ErrorInfo(ERANGE, $"Poll item {index}: flags value out of range ({UcodeValue.Describe(second)})");
            return false;
        }
        owner = first!;
        events = (short)value;
        return true;
    }

    private static bool TryGetHandle(object? item, out SafeHandle safe)
    {
        switch (item)
        {
            case IFileDescriptorOwner owner when owner.SafeHandle is { } h:
                safe = h;
                return true;
            case SafeHandle h:
                safe = h;
                return true;
            default:
                safe = null!;
                return false;
        }
    }
}
