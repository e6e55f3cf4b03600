namespace UcSocket;

/// <summary>
/// One entry of <c>Sockets.Poll</c>'s result: ucode's <c>[socket, flags]</c> PollSpec tuple, for a handle on which
/// events are pending.
/// </summary>
/// <param name="Index">The position of the handle among the polled items (0 for the first after the timeout).</param>
/// <param name="Handle">The handle as it was passed: a <see cref="SocketHandle"/>, an <see cref="IFileDescriptorOwner"/> or a <see cref="System.Runtime.InteropServices.SafeHandle"/>.</param>
/// <param name="Events">The pending events (<c>revents</c>): POLLIN, POLLOUT, POLLHUP, ... or-ed together.</param>
/// <param name="Item">The item as it was passed: the handle itself, the <see cref="PollItem"/>, or the pair (tuple or array) holding the handle and any state attached to it.</param>
public sealed record PollEvent(int Index, object Handle, int Events, object Item)
{
    /// <summary>The handle as a <see cref="SocketHandle"/>, or null when another kind of handle was polled.</summary>
    public SocketHandle? Socket => Handle as SocketHandle;

    /// <summary>Deconstructs into ucode's tuple order: the handle, then the events.</summary>
    public void Deconstruct(out object handle, out int events)
    {
        handle = Handle;
        events = Events;
    }

    /// <summary>ucode's form: a two-element array <c>[handle, events]</c>.</summary>
    public object[] ToArray() => [Handle, Events];
}
