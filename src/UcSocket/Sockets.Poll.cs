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
    /// Waits for events on sockets (ucode's <c>socket.poll</c>, poll(2)), the typed way: each item is a
    /// <see cref="SocketHandle"/> (watched for POLLIN), a <c>(socket, events)</c> tuple, or a <see cref="PollItem"/>
    /// (any descriptor owner or <see cref="SafeHandle"/> with its events): <c>Poll(1000, a, (b, POLLOUT))</c>.
    /// </summary>
    /// <param name="timeoutMs">
    /// Milliseconds to wait at most: 0 returns at once, a negative value waits until an event arrives. A signal
    /// interrupting the wait (EINTR) does not end it: the wait resumes for the time that is left.
    /// </param>
    /// <param name="items">The handles to watch and their events.</param>
    /// <returns>
    /// One <see cref="PollEvent"/> per handle with pending events, in argument order (an empty list when the time ran
    /// out), or null on error, as <see cref="Poll(int, object?[])"/> describes. <see cref="PollEvent.Item"/> is the
    /// socket for a bare socket argument, else the <see cref="PollItem"/>.
    /// </returns>
    public static IReadOnlyList<PollEvent>? Poll(int timeoutMs, params ReadOnlySpan<PollItem> items)
    {
        var handles = new object?[items.Length];
        var events = new object?[items.Length];
        var passed = new object?[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            handles[i] = items[i].Handle;
            events[i] = items[i].Events;
            passed[i] = items[i].Passed;
        }
        return PollHandles(timeoutMs, handles, events, passed);
    }

    /// <summary>Waits <paramref name="timeoutMs"/> milliseconds with no handle to watch (ucode's <c>poll(timeout)</c>): an empty list, or null on error (a negative timeout would never return: EINVAL).</summary>
    /// <param name="timeoutMs">Milliseconds to wait.</param>
    /// <returns>An empty list, or null on error.</returns>
    public static IReadOnlyList<PollEvent>? Poll(int timeoutMs) => Poll(timeoutMs, ReadOnlySpan<PollItem>.Empty);

    /// <summary>
    /// Waits for events on sockets (ucode's <c>socket.poll</c>, poll(2)), the ucode way: items of any form, checked
    /// when called. Typed code reads better with <see cref="Poll(int, ReadOnlySpan{PollItem})"/>, which C# picks
    /// whenever every argument is a socket, a <c>(socket, events)</c> tuple or a <see cref="PollItem"/>.
    /// </summary>
    /// <param name="timeoutMs">
    /// Milliseconds to wait at most: 0 returns at once, a negative value waits until an event arrives. A signal
    /// interrupting the wait (EINTR) does not end it: the wait resumes for the time that is left.
    /// </param>
    /// <param name="sockets">
    /// The items to watch. Each item is either a handle (a <see cref="SocketHandle"/>, an
    /// <see cref="IFileDescriptorOwner"/> or a <see cref="SafeHandle"/>), watched for POLLIN (POLLERR and POLLHUP
    /// are always reported), a <see cref="PollItem"/>, or a pair holding a handle and the POLL* events to watch for:
    /// a tuple <c>(socket, POLLOUT)</c> or ucode's array <c>[socket, POLLOUT]</c>; a pair may carry more elements
    /// (state of the caller's), which are left alone. This array is the list of items, as ucode's argument list is:
    /// one ucode pair goes inside it (<c>Poll(t, new object[] { new object[] { s, POLLOUT } })</c>), never as
    /// the whole array.
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
    public static IReadOnlyList<PollEvent>? Poll(int timeoutMs, params object?[]? sockets)
    {
        sockets ??= [];
        var handles = new object?[sockets.Length];
        var events = new object?[sockets.Length];
        for (int i = 0; i < sockets.Length; i++)
            if (!TryParsePollItem(sockets, i, out handles[i], out events[i], out var error))
                return Errors.Fail<IReadOnlyList<PollEvent>>(error);
        return PollHandles(timeoutMs, handles, events, sockets);
    }

    /// <summary>The one poll of both forms: checks every handle and its events, holds the handles open while waiting.</summary>
    private static unsafe IReadOnlyList<PollEvent>? PollHandles(int timeoutMs, object?[] owners, object?[] events, object?[] items)
    {
        if (owners.Length == 0 && timeoutMs < 0)
            return Errors.Fail<IReadOnlyList<PollEvent>>(ErrorInfo.Invalid("Nothing to poll and no timeout: the call would never return"));

        var fds = new pollfd[owners.Length + 1]; // the last one for the wake-up of a close
        var socketOwners = new SafeSocketFd?[owners.Length];
        var handles = new SafeHandle?[owners.Length];
        try
        {
            for (int i = 0; i < owners.Length; i++)
            {
                if (!TryGetHandle(owners[i], out var safe))
                    return Errors.Fail<IReadOnlyList<PollEvent>>(ErrorInfo.Invalid($"Poll item {i}: expected a socket or another descriptor owner, got {UcodeValue.Describe(owners[i])}"));
                if (!UcodeValue.TryToRange(events[i], short.MinValue, short.MaxValue, out long wanted))
                    return Errors.Fail<IReadOnlyList<PollEvent>>(new ErrorInfo(ERANGE, $"Poll item {i}: flags value out of range ({UcodeValue.Describe(events[i])})"));
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
                socketOwners[i] = safe as SafeSocketFd;
                fds[i] = new pollfd { fd = (int)safe.DangerousGetHandle(), events = (short)wanted };
            }

            long rc;
            fixed (pollfd* p = fds)
                rc = BlockingIo.PollHandles(p, socketOwners, timeoutMs);
            if (rc < 0) return Errors.Fail<IReadOnlyList<PollEvent>>(new ErrorInfo((int)-rc, "poll()"));

            var result = new List<PollEvent>();
            for (int i = 0; i < owners.Length; i++)
                if (fds[i].revents != 0) result.Add(new PollEvent(i, owners[i]!, (ushort)fds[i].revents, items[i]!));
            Errors.Clear();
            return result;
        }
        finally
        {
            foreach (var h in handles) h?.DangerousRelease();
        }
    }

    /// <summary>Splits one ucode-form item into its handle and events; the handle itself is checked by <see cref="PollHandles"/>.</summary>
    private static bool TryParsePollItem(object?[] items, int index, out object? handle, out object? events, out ErrorInfo error)
    {
        object? item = items[index];
        handle = item;
        events = PollItem.DefaultEvents;
        error = default;

        if (TryGetHandle(item, out _)) return true;
        if (item is PollItem typed)
        {
            handle = typed.Handle;
            events = typed.Events;
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
                // A number where an item belongs: most likely one [socket, events] array passed as the whole list.
                string hint = index == 1 && items.Length >= 2 && TryGetHandle(items[0], out _) && UcodeValue.TryToInt64(item, out _)
                    ? " (a single array argument is the whole item list: pass (socket, events) or new PollItem(socket, events))"
                    : "";
                error = ErrorInfo.Invalid($"Poll item {index}: expected a socket or a [socket, events] pair, got {UcodeValue.Describe(item)}{hint}");
                return false;
        }
        if (count < 2 || !TryGetHandle(first, out _))
        {
            error = ErrorInfo.Invalid($"Poll item {index}: a pair must hold a socket and the events to watch for");
            return false;
        }
        handle = first;
        events = second;
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
