using System;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

// Awaitable socket calls over the epoll engine (AsyncEngine). Errors are exceptions here: the per-thread error
// record of the sync calls cannot follow an await to another thread.
public sealed partial class SocketHandle
{
    /// <summary>
    /// Receives into <paramref name="buffer"/> (recv(2)): completes with the number of bytes received as soon as some
    /// are there (0 when the peer closed the connection). A datagram longer than the buffer is cut (pass MSG_TRUNC to
    /// get its full length).
    /// </summary>
    /// <exception cref="UcSocketException">The receive failed (e.g. ECONNRESET), or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the socket stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public ValueTask<int> RecvAsync(Memory<byte> buffer, int flags = 0, CancellationToken cancellationToken = default)
    {
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedReceive, null) as ReceiveAsyncOperation ?? new ReceiveAsyncOperation(context);
        return op.Run(buffer, flags, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="data"/> (send(2), with MSG_NOSIGNAL): on a stream socket it completes once every byte was
    /// sent, waiting for room as needed; on a datagram socket it sends one datagram. Completes with the number of bytes sent.
    /// </summary>
    /// <exception cref="UcSocketException">The send failed (e.g. EPIPE), or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; on a stream socket part of the data may have gone out.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> data, int flags = 0, CancellationToken cancellationToken = default)
    {
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedSend, null) as SendAsyncOperation ?? new SendAsyncOperation(context);
        return op.Run(data, flags, cancellationToken);
    }

    /// <summary>
    /// Receives one message into caller buffers (recvmsg(2)), as <see cref="RecvMsg(Span{byte}, ControlBuffer?, RawSocketAddress?, int)"/>
    /// does: control messages into <paramref name="control"/>, which owns every descriptor received from the moment
    /// the receive returns; the sender's address into <paramref name="address"/>.
    /// </summary>
    /// <exception cref="UcSocketException">The receive failed, or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the socket stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public ValueTask<ReceiveResult> RecvMsgAsync(Memory<byte> buffer, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0,
        CancellationToken cancellationToken = default)
    {
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedReceiveMessage, null) as ReceiveMessageAsyncOperation ?? new ReceiveMessageAsyncOperation(context);
        return op.Run(buffer, control, address, flags, cancellationToken);
    }

    /// <summary>
    /// Sends one message from caller buffers (sendmsg(2)) with the control messages in <paramref name="control"/>
    /// to <paramref name="address"/> (null: the connected peer). On a stream socket it completes once every byte was
    /// sent (the control data goes with the first part). Completes with the number of bytes sent.
    /// </summary>
    /// <exception cref="UcSocketException">The send failed, or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public ValueTask<long> SendMsgAsync(ReadOnlyMemory<byte> data, ControlBuffer? control, RawSocketAddress? address = null, int flags = 0,
        CancellationToken cancellationToken = default)
    {
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedSendMessage, null) as SendMessageAsyncOperation ?? new SendMessageAsyncOperation(context);
        return op.Run(data, control, address, flags, cancellationToken);
    }

    /// <summary>
    /// Receives datagrams into <paramref name="batch"/> (recvmmsg(2)): completes as soon as at least one arrived,
    /// with the number received (up to the batch's size, taking what else is queued).
    /// </summary>
    /// <exception cref="UcSocketException">The receive failed, or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    public ValueTask<int> RecvMmsgAsync(DatagramBatch batch, int flags = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedReceiveBatch, null) as ReceiveBatchAsyncOperation ?? new ReceiveBatchAsyncOperation(context);
        return op.Run(batch, 0, batch.Count, flags, cancellationToken);
    }

    /// <summary>Sends every message of <paramref name="batch"/> (sendmmsg(2)); completes with the number sent once all went out.</summary>
    /// <exception cref="UcSocketException">The send failed before any message went out, or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="batch"/> is null.</exception>
    public ValueTask<int> SendMmsgAsync(DatagramBatch batch, int flags = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedSendBatch, null) as SendBatchAsyncOperation ?? new SendBatchAsyncOperation(context);
        return op.Run(batch, 0, batch.Count, flags, cancellationToken);
    }

    /// <summary>
    /// Accepts a connection (accept4(2), close-on-exec; <paramref name="flags"/> may add SOCK_NONBLOCK), filling
    /// <paramref name="peer"/> with the peer's address when given.
    /// </summary>
    /// <remarks>
    /// accept4 has no per-call non-blocking flag: the first AcceptAsync puts the listening socket in non-blocking mode
    /// (O_NONBLOCK). That flag belongs to the socket, so every holder of it sees it; this handle's own blocking
    /// <see cref="Accept(SocketAddress?, int)"/> goes on blocking (it waits in poll).
    /// </remarks>
    /// <exception cref="UcSocketException">The accept failed, or the handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled; the socket stays usable.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    /// <exception cref="ArgumentException"><paramref name="flags"/> holds a bit other than SOCK_NONBLOCK or SOCK_CLOEXEC.</exception>
    public ValueTask<SocketHandle> AcceptAsync(SocketAddress? peer = null, int flags = 0, CancellationToken cancellationToken = default)
    {
        if ((flags & ~(Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC)) != 0)
            throw new ArgumentException("Only SOCK_NONBLOCK and SOCK_CLOEXEC may be given.", nameof(flags));
        var context = AsyncContext();
        using (var call = EnterOrThrow())
        {
            long rc = context.EnsureNonBlocking(call.Fd);
            if (rc < 0) return ValueTask.FromException<SocketHandle>(new UcSocketException(new ErrorInfo((int)-rc, "fcntl()")));
        }
        var op = Interlocked.Exchange(ref context.CachedAccept, null) as AcceptAsyncOperation ?? new AcceptAsyncOperation(context);
        return op.Run(peer, flags, cancellationToken);
    }

    /// <summary>Accepts a connection; see <see cref="AcceptAsync(SocketAddress?, int, CancellationToken)"/>.</summary>
    public ValueTask<SocketHandle> AcceptAsync(CancellationToken cancellationToken) => AcceptAsync(null, 0, cancellationToken);

    /// <summary>
    /// Waits until the socket is ready for <paramref name="events"/> (POLLIN, POLLPRI, or POLLOUT; POLLERR and POLLHUP
    /// are always reported) and completes with the events poll reports; then make any call you want with
    /// MSG_DONTWAIT (a netlink dump, a ring read, ...) until it says EAGAIN, and wait again. Waiting for POLLIN and
    /// POLLOUT together is two calls.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="events"/> mixes receive and send events, or holds none.</exception>
    /// <exception cref="UcSocketException">The handle was closed while it waited (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public ValueTask<int> WaitAsync(short events, CancellationToken cancellationToken = default)
    {
        const short send = Sockets.POLLOUT | Sockets.POLLWRNORM | Sockets.POLLWRBAND;
        const short receive = Sockets.POLLIN | Sockets.POLLPRI | Sockets.POLLRDNORM | Sockets.POLLRDBAND | Sockets.POLLRDHUP;
        if (events == 0 || (events & ~(send | receive)) != 0 || ((events & send) != 0 && (events & receive) != 0))
            throw new ArgumentException("Wait for receive events (POLLIN, POLLPRI, ...) or for POLLOUT, one direction per call.", nameof(events));
        var context = AsyncContext();
        var op = Interlocked.Exchange(ref context.CachedWait, null) as WaitAsyncOperation ?? new WaitAsyncOperation(context);
        return op.Run(events, cancellationToken);
    }

    /// <summary>
    /// Connects to <paramref name="address"/> (any form <see cref="Bind"/> takes). Completes when the connection is
    /// established; a UNIX listener with a full backlog is retried until it makes room. Cancelling abandons the
    /// attempt (the socket is disconnected with AF_UNSPEC and can connect again).
    /// </summary>
    /// <exception cref="UcSocketException">The address does not convert (EINVAL naming what is wrong), or the connect failed (e.g. ECONNREFUSED), or the handle was closed meanwhile (ECANCELED).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The handle was closed before the call.</exception>
    public async ValueTask ConnectAsync(object address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        byte[] sockaddr = EncodeOrThrow(address);
        var context = AsyncContext();
        CancellationTokenSource? backlogWait = null;
        try
        {
            int delay = 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long rc = StartConnect(sockaddr);
                if (rc == 0) return;
                if (rc == -Errno.EAGAIN && _fd.Family == Sockets.AF_UNIX)
                {
                    // The listener's backlog is full and nothing reports room: retry after a growing delay, which a
                    // close ends as well as the caller's token.
                    backlogWait ??= CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.Closing);
                    try
                    {
                        await Task.Delay(delay, backlogWait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        throw ClosedWhileConnecting();
                    }
                    delay = Math.Min(delay * 2, 64);
                    continue;
                }
                if (rc != -Errno.EINPROGRESS) throw new UcSocketException(new ErrorInfo((int)-rc, "connect()"));
                try
                {
                    await WaitAsync(Sockets.POLLOUT, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    AbandonConnect();
                    throw;
                }
                rc = FinishConnect(sockaddr);
                if (rc < 0) throw new UcSocketException(new ErrorInfo((int)-rc, "connect()"));
                return;
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or UcSocketException { Code: Errno.ECANCELED })
        {
            // Closed while connecting: the wait reports it as poll()'s, a later step finds the handle closed.
            throw ClosedWhileConnecting();
        }
        finally
        {
            backlogWait?.Dispose();
        }
    }

    private static UcSocketException ClosedWhileConnecting() => new(new ErrorInfo(Errno.ECANCELED, "connect()"));

    /// <summary>The async state of this socket; throws when the handle is closed.</summary>
    private SocketAsyncContext AsyncContext()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return _fd.AsyncContext;
    }

    private HandleCall EnterOrThrow()
    {
        if (_fd.TryEnter()) return new HandleCall(_fd);
        throw new ObjectDisposedException(nameof(SocketHandle));
    }

    private static byte[] EncodeOrThrow(object address)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        if (!Sockaddr.TryEncode(address, sa, out int length, out var error)) throw new UcSocketException(error);
        return sa[..length].ToArray();
    }

    /// <summary>A non-blocking connect: O_NONBLOCK for the syscall alone, as the blocking Connect does.</summary>
    private long StartConnect(byte[] address)
    {
        using var call = EnterOrThrow();
        long flags = SocketSyscalls.GetStatusFlags(call.Fd);
        if (flags < 0) return flags;
        if ((flags & SocketSyscalls.O_NONBLOCK) != 0) return SocketSyscalls.Connect(call.Fd, address);
        long set = SocketSyscalls.SetStatusFlags(call.Fd, (int)flags | SocketSyscalls.O_NONBLOCK);
        if (set < 0) return set;
        long rc = SocketSyscalls.Connect(call.Fd, address);
        SocketSyscalls.SetStatusFlags(call.Fd, (int)flags);
        return rc;
    }

    /// <summary>After the socket became writable: SO_ERROR, and on success a second connect that records the socket as connected.</summary>
    private long FinishConnect(byte[] address)
    {
        using var call = EnterOrThrow();
        Span<byte> value = stackalloc byte[4];
        long rc = SocketSyscalls.GetSockOpt(call.Fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR, value, out _);
        if (rc < 0) return rc;
        int pending = BitConverter.ToInt32(value);
        if (pending != 0) return -pending;
        SocketSyscalls.Connect(call.Fd, address);
        return 0;
    }

    /// <summary>Abandons a connect in progress: connect(2) to AF_UNSPEC dissolves the association.</summary>
    private void AbandonConnect()
    {
        if (!_fd.TryEnter()) return;
        try
        {
            Span<byte> unspec = stackalloc byte[16];
            unspec.Clear();
            SocketSyscalls.Connect(_fd.Fd, unspec);
        }
        finally
        {
            _fd.Exit();
        }
    }
}
