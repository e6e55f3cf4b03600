using System;
using System.IO;
using System.Net.Sockets;
using UcSocket.Native;

using NetSocket = System.Net.Sockets.Socket;

namespace UcSocket;

// Interop with System.Net.Sockets and System.IO: each side owns its own descriptor, so closing one is close(2) of
// that descriptor and never touches the socket the other one uses.
public sealed partial class SocketHandle
{
    /// <summary>
    /// A handle owning a duplicate of <paramref name="socket"/>'s descriptor (fcntl F_DUPFD_CLOEXEC): afterwards the
    /// <see cref="NetSocket"/> owns its descriptor and the handle owns the new one, both for the same socket.
    /// Disposing either closes only its own descriptor (no shutdown); the connection ends when both are closed.
    /// </summary>
    /// <remarks>
    /// <para>
    /// State that belongs to the socket is shared, as for any duplicate: options, the O_NONBLOCK flag (System.Net.Sockets
    /// sets it for its async calls; this handle's blocking calls go on blocking, waiting in poll), shutdown. The
    /// handle is blocking when <see cref="NetSocket.Blocking"/> is true.
    /// </para>
    /// <para>
    /// System.Net.Sockets' own rules still hold for the <see cref="NetSocket"/>: disposing it while one of its
    /// operations is pending aborts the connection for every holder (it disconnects the socket and closes with
    /// SO_LINGER 0); one that bound a UNIX path removes that file when disposed. Dispose it when it is idle.
    /// </para>
    /// </remarks>
    /// <param name="socket">The socket to duplicate; it stays open and usable.</param>
    /// <returns>A new handle that owns the duplicate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="socket"/> is disposed.</exception>
    /// <exception cref="UcSocketException">The duplicate could not be made (e.g. EMFILE <c>"fcntl(): Too many open files"</c>).</exception>
    public static SocketHandle DuplicateFrom(NetSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        SafeSocketHandle owner = socket.SafeHandle;
        bool added = false;
        long duplicate;
        try
        {
            owner.DangerousAddRef(ref added);
            duplicate = SocketSyscalls.DuplicateCloseOnExec((int)owner.DangerousGetHandle());
        }
        finally
        {
            if (added) owner.DangerousRelease();
        }
        if (duplicate < 0) throw new UcSocketException(new ErrorInfo((int)-duplicate, "fcntl()"));
        return Adopt((int)duplicate, blocking: socket.Blocking);
    }

    /// <summary>
    /// Takes the socket over from <paramref name="socket"/>: the handle owns a duplicate of its descriptor, then
    /// <paramref name="socket"/> is disposed, which closes the descriptor it owned (no shutdown). Afterwards the
    /// handle owns the only descriptor of the socket that this process held through <paramref name="socket"/>, and
    /// the connection lives until the handle closes.
    /// </summary>
    /// <remarks>
    /// <paramref name="socket"/> must have no operation in progress: System.Net.Sockets aborts the connection when
    /// it disposes a socket with a pending operation. A <see cref="NetSocket"/> that bound a UNIX path itself
    /// removes that file when it is disposed (its own rule); the listening socket then works on but has no name in
    /// the file system, so bind UNIX listeners with <see cref="Sockets.Listen"/> or <see cref="Bind"/> when they are
    /// to be handed over. The handle is blocking when <see cref="NetSocket.Blocking"/> was true.
    /// </remarks>
    /// <param name="socket">The socket to take over; disposed on success, left as it was on failure.</param>
    /// <returns>A new handle that owns the socket.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="socket"/> is disposed.</exception>
    /// <exception cref="UcSocketException">The descriptor could not be duplicated.</exception>
    public static SocketHandle TakeOwnershipFrom(NetSocket socket)
    {
        var handle = DuplicateFrom(socket);
        socket.Dispose();
        return handle;
    }

    /// <summary>
    /// A <see cref="NetSocket"/> owning a duplicate of this handle's descriptor (fcntl F_DUPFD_CLOEXEC): afterwards
    /// the handle owns its descriptor and the Socket owns the new one, both for the same socket. Closing either
    /// closes only its own descriptor (no shutdown); the connection ends when both are closed.
    /// </summary>
    /// <remarks>
    /// The Socket reads its family, type and addresses from the descriptor, and is blocking (<see cref="NetSocket.Blocking"/>)
    /// when the handle is, even when the descriptor is in non-blocking mode (O_NONBLOCK is shared: a listener this
    /// handle used with <see cref="AcceptAsync(SocketAddress?, int, System.Threading.CancellationToken)"/> is). Disposing
    /// the Socket while one of its operations is pending aborts the connection for every holder (System.Net.Sockets'
    /// rule): dispose it idle.
    /// </remarks>
    /// <returns>A new Socket that owns the duplicate.</returns>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <exception cref="UcSocketException">The duplicate could not be made.</exception>
    /// <exception cref="SocketException">System.Net.Sockets could not read the socket's properties.</exception>
    public NetSocket DuplicateToSocket()
    {
        long duplicate;
        using (var call = EnterOrThrow())
            duplicate = SocketSyscalls.DuplicateCloseOnExec(call.Fd);
        if (duplicate < 0) throw new UcSocketException(new ErrorInfo((int)-duplicate, "fcntl()"));
        var owner = new SafeSocketHandle((IntPtr)duplicate, ownsHandle: true);
        try
        {
            var socket = new NetSocket(owner);
            // The Socket takes a non-blocking descriptor (a listener made so for AcceptAsync) for a non-blocking socket
            // and refuses blocking calls; a blocking handle makes a blocking Socket, whose blocking calls then wait in its engine.
            if (!_fd.UserNonBlocking) socket.Blocking = true;
            return socket;
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A <see cref="Stream"/> over this stream socket that does not own the handle: disposing the stream leaves the
    /// handle open. Use <c>new SocketStream(handle, ownsHandle: true)</c> for one that closes it.
    /// </summary>
    /// <returns>A new stream; see <see cref="SocketStream"/>.</returns>
    /// <exception cref="ObjectDisposedException">The handle is closed.</exception>
    /// <exception cref="ArgumentException">The socket is not a SOCK_STREAM socket.</exception>
    public SocketStream GetStream() => new(this, ownsHandle: false);

    /// <summary>Wraps a descriptor this process just made (a duplicate), closing it when it is not a socket.</summary>
    private static SocketHandle Adopt(int fd, bool blocking)
    {
        if (!Sockets.TryInspectSocket(fd, out int family, out int type, out bool nonBlocking, out var error))
        {
            SocketSyscalls.Close(fd);
            throw new UcSocketException(error);
        }
        var handle = new SocketHandle(fd, family, type, nonBlocking: !blocking);
        // Set by another holder for its own async calls: this handle's blocking calls wait in poll instead.
        if (blocking && nonBlocking) handle._fd.EmulatesBlocking = true;
        return handle;
    }
}
