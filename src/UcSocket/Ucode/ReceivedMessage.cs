using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace UcSocket;

/// <summary>
/// What <see cref="SocketHandle.RecvMsg(object?, int, int)"/> returns: ucode's <c>ReceivedMessage</c> with its fields
/// <c>flags</c>, <c>length</c>, <c>address</c>, <c>data</c> and <c>ancillary</c>.
/// </summary>
/// <remarks>
/// Descriptors received in <c>SCM_RIGHTS</c> messages belong to this object until the caller takes them with
/// <see cref="TakeFileDescriptors"/>: <see cref="Dispose"/> closes those not taken (and so does the finalizer of
/// each descriptor's SafeHandle if the message is dropped without being disposed). They are received
/// close-on-exec (<c>MSG_CMSG_CLOEXEC</c>). ucode wraps them as socket or file resources; here each is a
/// <see cref="SafeHandle"/> in a <see cref="FileDescriptors"/>.
/// </remarks>
public sealed class ReceivedMessage : IDisposable
{
    private readonly List<SafeHandle> _owned;
    private readonly object _gate = new();

    internal ReceivedMessage(int flags, long length, SocketAddress? address, object data, IReadOnlyList<byte[]> buffers,
        IReadOnlyList<ControlMessage>? ancillary, List<SafeHandle> owned)
    {
        Flags = flags;
        Length = length;
        Address = address;
        Data = data;
        Buffers = buffers;
        Ancillary = ancillary;
        _owned = owned;
    }

    /// <summary>
    /// The <c>MSG_*</c> result flags of the receive call (<c>msg_flags</c>), e.g. <c>MSG_TRUNC</c> when the
    /// datagram was longer than the buffers, <c>MSG_CTRUNC</c> when control data did not fit; ucode's <c>flags</c>.
    /// <c>MSG_CMSG_CLOEXEC</c>, which this library always passes, appears only if the caller passed it.
    /// </summary>
    public int Flags { get; }

    /// <summary>
    /// What the recvmsg syscall returned; ucode's <c>length</c>. With <c>MSG_TRUNC</c> passed this is the real
    /// length of the datagram, which may exceed the data received.
    /// </summary>
    public long Length { get; }

    /// <summary>The sender's address; ucode's <c>address</c>. Null when the kernel gave none (a connected stream, say).</summary>
    public SocketAddress? Address { get; }

    /// <summary>
    /// The data received; ucode's <c>data</c>: one <c>byte[]</c> when a single size was given, or a <c>byte[][]</c>
    /// with one array per size when an array of sizes was given (each holding what landed in that buffer,
    /// possibly empty). ucode gives strings.
    /// </summary>
    public object Data { get; }

    /// <summary>The data as a list of buffers, one per size (a single size gives a list of one).</summary>
    public IReadOnlyList<byte[]> Buffers { get; }

    /// <summary>
    /// The control messages received, in order; ucode's <c>ancillary</c>. Null when <c>ancillarySize</c> was 0
    /// (ucode then leaves the field out).
    /// </summary>
    public IReadOnlyList<ControlMessage>? Ancillary { get; }

    /// <summary>True when <c>MSG_TRUNC</c> is set in <see cref="Flags"/>: the datagram did not fit the buffers.</summary>
    public bool IsTruncated => (Flags & Sockets.MSG_TRUNC) != 0;

    /// <summary>True when <c>MSG_CTRUNC</c> is set in <see cref="Flags"/>: control data did not fit the ancillary buffer.</summary>
    public bool IsControlTruncated => (Flags & Sockets.MSG_CTRUNC) != 0;

    /// <summary>
    /// Takes ownership of every received descriptor not taken yet, in the order they arrived: the caller now
    /// closes them (dispose each handle); <see cref="Dispose"/> no longer does.
    /// </summary>
    public IReadOnlyList<SafeHandle> TakeFileDescriptors()
    {
        lock (_gate)
        {
            // Those taken as sockets (TakeSocket) read as closed: they belong to their SocketHandle.
            var taken = _owned.FindAll(static h => !h.IsClosed).ToArray();
            _owned.Clear();
            return taken;
        }
    }

    /// <summary>
    /// Takes ownership of one received descriptor (one of those in an <c>SCM_RIGHTS</c> message's
    /// <see cref="FileDescriptors"/>): false if it is not one this message still owns.
    /// </summary>
    public bool Take(SafeHandle descriptor)
    {
        lock (_gate) return _owned.Remove(descriptor) && !descriptor.IsClosed;
    }

    /// <summary>
    /// Makes the <paramref name="index"/>-th descriptor received with this message (counting every
    /// descriptor-carrying control message, in arrival order, as <see cref="TakeFileDescriptors"/> does) a
    /// <see cref="SocketHandle"/> that alone owns it: see <see cref="FileDescriptors.TakeSocket"/>. Null with the
    /// error recorded, the message still owning the descriptor, for an index out of range (EINVAL), a descriptor
    /// taken already (EBADF) or one that is not a socket (ENOTSOCK).
    /// </summary>
    public SocketHandle? TakeSocket(int index)
    {
        var received = new List<FileDescriptors>();
        if (Ancillary is not null)
            foreach (var message in Ancillary)
                if (message.Data is FileDescriptors { IsOwned: true } fds) received.Add(fds);
        return FileDescriptors.TakeSocketAmong(received, index);
    }

    /// <summary>The ucode-style form: <c>{ flags, length, address, data, ancillary }</c>, address and ancillary only when present.</summary>
    public Dictionary<string, object?> ToDictionary()
    {
        var d = new Dictionary<string, object?>
        {
            ["flags"] = Flags,
            ["length"] = Length,
        };
        if (Address is not null) d["address"] = Address.ToDictionary();
        d["data"] = Data;
        if (Ancillary is not null)
        {
            var list = new List<Dictionary<string, object?>>(Ancillary.Count);
            foreach (var c in Ancillary) list.Add(c.ToDictionary());
            d["ancillary"] = list;
        }
        return d;
    }

    /// <summary>Closes every received descriptor the caller did not take.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var h in _owned) h.Dispose();
            _owned.Clear();
        }
    }
}
