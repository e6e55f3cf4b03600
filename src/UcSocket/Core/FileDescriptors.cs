using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using UcSocket.Native;

namespace UcSocket;

/// <summary>Something that owns a file descriptor (a socket handle, say) and can lend it for SCM_RIGHTS.</summary>
public interface IFileDescriptorOwner
{
    /// <summary>The handle that owns the descriptor.</summary>
    SafeHandle SafeHandle { get; }
}

/// <summary>
/// The payload of <c>SCM_RIGHTS</c>: a list of descriptors. Descriptors received from the kernel are owned
/// (each by a <see cref="SafeFileHandle"/>, closed on dispose or when collected), so none can leak;
/// descriptors passed in for sending stay owned by the caller.
/// </summary>
public sealed class FileDescriptors : IReadOnlyList<SafeHandle>, IDisposable
{
    private readonly SafeHandle[] _handles;

    /// <summary>Descriptors to send; the caller keeps ownership.</summary>
    public FileDescriptors(params SafeHandle[] handles) => _handles = handles ?? throw new ArgumentNullException(nameof(handles));

    private FileDescriptors(SafeHandle[] handles, bool owned)
    {
        _handles = handles;
        IsOwned = owned;
    }

    /// <summary>
    /// Takes ownership of descriptors: the result closes them when disposed (or collected). For numbers the caller
    /// owns and hands over, e.g. descriptors a native library received; the library's own receive paths already
    /// own what the kernel installs.
    /// </summary>
    public static FileDescriptors TakeOwnership(ReadOnlySpan<int> descriptors)
    {
        var handles = new SafeHandle[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++) handles[i] = new SafeFileHandle(descriptors[i], ownsHandle: true);
        return new FileDescriptors(handles, owned: true);
    }

    /// <summary>Refers to descriptor numbers without owning them: disposing the result closes nothing.</summary>
    internal static FileDescriptors Borrow(ReadOnlySpan<int> descriptors)
    {
        var handles = new SafeHandle[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++) handles[i] = new SafeFileHandle(descriptors[i], ownsHandle: false);
        return new FileDescriptors(handles, owned: false);
    }

    /// <summary>Wraps handles that already own descriptors the kernel installed (the caller created them).</summary>
    internal static FileDescriptors FromReceived(SafeHandle[] handles) => new(handles, owned: true);

    /// <summary>True when these descriptors were received and are closed by <see cref="Dispose"/>.</summary>
    public bool IsOwned { get; }

    /// <inheritdoc/>
    public int Count => _handles.Length;

    /// <inheritdoc/>
    public SafeHandle this[int index] => _handles[index];

    /// <summary>The descriptor numbers (valid while the handles are open).</summary>
    public int[] ToArray()
    {
        var result = new int[_handles.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (int)_handles[i].DangerousGetHandle();
        return result;
    }

    /// <summary>
    /// Makes the received descriptor at <paramref name="index"/> a <see cref="SocketHandle"/>, in one call: checks
    /// that it is a socket (SO_TYPE, SO_DOMAIN, as <see cref="Sockets.Open"/> does) and moves its ownership to the
    /// new handle, which keeps the descriptor's number. From then on only the handle closes it: not this list, not
    /// the <see cref="ReceivedMessage"/> or <see cref="ControlBuffer"/> that received it, not a finalizer; its entry
    /// here reads as closed (<see cref="SafeHandle.IsClosed"/>).
    /// </summary>
    /// <param name="index">The position of the descriptor in this list.</param>
    /// <returns>
    /// The handle, or null with the error recorded (see <see cref="Sockets.Error()"/>), in which case nothing was
    /// closed and the list still owns the descriptor: EINVAL for an index out of range or for descriptors given for
    /// sending (they belong to their caller), EBADF for a descriptor taken or closed already, ENOTSOCK
    /// (<c>"getsockopt(): Socket operation on non-socket"</c>) for a file, pipe or pidfd.
    /// </returns>
    /// <remarks>
    /// The handle starts in the mode the socket's file description is in: when the sender had made it non-blocking
    /// (O_NONBLOCK, which every holder of the socket shares, and which the sender's <c>AcceptAsync</c> sets on a
    /// listening socket), the handle's blocking calls return EAGAIN instead of waiting; its async calls work either way.
    /// </remarks>
    public SocketHandle? TakeSocket(int index)
    {
        if ((uint)index >= (uint)_handles.Length)
            return Errors.Fail<SocketHandle>(ErrorInfo.Invalid(string.Create(CultureInfo.InvariantCulture,
                $"Invalid index argument ({index}; {_handles.Length} descriptor{(_handles.Length == 1 ? "" : "s")})")));
        if (!IsOwned)
            return Errors.Fail<SocketHandle>(ErrorInfo.Invalid("Descriptors given for sending belong to their caller and cannot be taken"));
        // One take at a time, so two callers never both move the same descriptor.
        lock (_handles)
        {
            var received = _handles[index];
            bool held = false;
            try
            {
                // Fails once the descriptor was taken (SetHandleAsInvalid) or its handle disposed.
                received.DangerousAddRef(ref held);
            }
            catch (ObjectDisposedException)
            {
            }
            if (!held)
                return Errors.Fail<SocketHandle>(new ErrorInfo(Errno.EBADF, string.Create(CultureInfo.InvariantCulture,
                    $"Descriptor {index} was taken or closed already")));
            try
            {
                int fd = (int)received.DangerousGetHandle();
                if (!Sockets.TryInspectSocket(fd, out int family, out int type, out bool nonBlocking, out var error))
                    return Errors.Fail<SocketHandle>(error);
                // Allocate before moving ownership: nothing can fail once the received handle lets go.
                var owner = new SafeSocketFd();
                var socket = new SocketHandle(owner);
                received.SetHandleAsInvalid(); // never closes the descriptor now, and has no finalizer left to run
                owner.Adopt(fd, family, type, nonBlocking);
                Errors.Clear();
                return socket;
            }
            finally
            {
                received.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// <see cref="TakeSocket"/> on the <paramref name="index"/>-th descriptor of <paramref name="lists"/> taken
    /// together, in order: the received descriptors of a message or a control buffer, as they arrived.
    /// </summary>
    internal static SocketHandle? TakeSocketAmong(IReadOnlyList<FileDescriptors> lists, int index)
    {
        int total = 0;
        foreach (var list in lists)
        {
            if (index >= total && index - total < list.Count) return list.TakeSocket(index - total);
            total += list.Count;
        }
        return Errors.Fail<SocketHandle>(ErrorInfo.Invalid(string.Create(CultureInfo.InvariantCulture,
            $"Invalid index argument ({index}; {total} descriptor{(total == 1 ? "" : "s")} received)")));
    }

    /// <summary>Closes the descriptors if they were received; does nothing to descriptors passed in for sending.</summary>
    public void Dispose()
    {
        if (!IsOwned) return;
        foreach (var h in _handles) h.Dispose();
    }

    /// <inheritdoc/>
    public IEnumerator<SafeHandle> GetEnumerator() => ((IEnumerable<SafeHandle>)_handles).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The descriptor numbers, e.g. <c>[5, 6]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", ToArray()) + "]";
}
