using System;
using System.Runtime.InteropServices;

namespace UcSocket;

/// <summary>
/// One handle for <see cref="Sockets.Poll(int, ReadOnlySpan{PollItem})"/> and the POLL* events to watch for: ucode's
/// <c>[socket, events]</c> pair, typed. A <see cref="SocketHandle"/> converts to an item watching for POLLIN, and a
/// <c>(socket, events)</c> tuple to an item watching for those events, so <c>Poll(1000, a, (b, POLLOUT))</c> needs no
/// constructor. POLLERR and POLLHUP are always reported.
/// </summary>
public readonly struct PollItem
{
    /// <summary>What a handle given alone is watched for: POLLIN, POLLERR and POLLHUP, as in ucode.</summary>
    public const int DefaultEvents = 0x001 | 0x008 | 0x010;

    private readonly bool _handleOnly;

    /// <summary>Watches a socket (or another descriptor owner) for <paramref name="events"/>.</summary>
    /// <param name="handle">The socket, or any object owning a descriptor.</param>
    /// <param name="events">POLL* flags, or-ed together; they must fit in 16 bits (checked by <c>Poll</c>).</param>
    public PollItem(IFileDescriptorOwner handle, int events = DefaultEvents)
    {
        Handle = handle;
        Events = events;
    }

    /// <summary>Watches any descriptor held by a <see cref="SafeHandle"/> (a pipe, a file, an eventfd) for <paramref name="events"/>.</summary>
    /// <param name="handle">The handle owning the descriptor.</param>
    /// <param name="events">POLL* flags, or-ed together; they must fit in 16 bits (checked by <c>Poll</c>).</param>
    public PollItem(SafeHandle handle, int events = DefaultEvents)
    {
        Handle = handle;
        Events = events;
    }

    private PollItem(SocketHandle socket, int events, bool handleOnly)
    {
        Handle = socket;
        Events = events;
        _handleOnly = handleOnly;
    }

    /// <summary>The handle: a <see cref="SocketHandle"/>, another <see cref="IFileDescriptorOwner"/> or a <see cref="SafeHandle"/>; null for a default item.</summary>
    public object? Handle { get; }

    /// <summary>The POLL* events to watch for.</summary>
    public int Events { get; }

    /// <summary>
    /// What <see cref="PollEvent.Item"/> reports for this item: the handle itself when a bare socket was converted (as
    /// ucode reports a plain socket argument), else this item.
    /// </summary>
    internal object? Passed => _handleOnly ? Handle : this;

    /// <summary>The socket, watched for POLLIN (with POLLERR and POLLHUP).</summary>
    public static implicit operator PollItem(SocketHandle socket) => new(socket, DefaultEvents, handleOnly: true);

    /// <summary>ucode's <c>[socket, events]</c> pair as a tuple: <c>(socket, POLLOUT)</c>.</summary>
    public static implicit operator PollItem((SocketHandle Socket, int Events) pair) => new(pair.Socket, pair.Events, handleOnly: false);
}
