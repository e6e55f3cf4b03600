using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace UcSocket;

/// <summary>
/// A <see cref="Stream"/> over a connected stream socket (SOCK_STREAM: TCP, UNIX stream), for APIs that take a
/// stream: <c>SslStream</c>, <c>PipeReader.Create</c>/<c>PipeWriter.Create</c>, serializers, <c>CopyToAsync</c>.
/// </summary>
/// <remarks>
/// <para>
/// The synchronous <see cref="Read(Span{byte})"/> and <see cref="Write(ReadOnlySpan{byte})"/> are the handle's
/// blocking <see cref="SocketHandle.Recv(Span{byte}, int)"/> and <see cref="SocketHandle.Send(ReadOnlySpan{byte}, int)"/>
/// (timeouts are the socket's SO_RCVTIMEO/SO_SNDTIMEO); <see cref="ReadAsync(Memory{byte}, CancellationToken)"/> and
/// <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> are <see cref="SocketHandle.RecvAsync"/> and
/// <see cref="SocketHandle.SendAsync"/> on the async engine. A read returns as soon as some bytes are there, 0 at
/// the end of the stream; a zero-byte read waits until data (or the end) is there without taking any. A write
/// returns once every byte was sent. One read and one write may run at the same time.
/// </para>
/// <para>
/// Errors, as <c>NetworkStream</c> reports them: a socket error is an <see cref="IOException"/> whose inner
/// exception is the <see cref="UcSocketException"/> (errno and ucode-form message); a stream or handle closed before
/// the call is an <see cref="ObjectDisposedException"/>; a handle closed while a call waits ends that call with an
/// <see cref="IOException"/> around ECANCELED; a canceled token is an <see cref="OperationCanceledException"/>
/// (a write canceled midway may have sent part of the data). The per-thread error record is left to the handle's
/// own calls: synchronous reads and writes set or clear it as the handle's calls do.
/// </para>
/// <para>
/// Ownership is explicit: with <c>ownsHandle</c> true, disposing the stream closes the handle (close(2) of its
/// descriptor, no shutdown); with false it leaves the handle open. Flushing does nothing (nothing is buffered);
/// seeking is not supported.
/// </para>
/// </remarks>
public sealed class SocketStream : Stream
{
    private readonly SocketHandle _handle;
    private readonly bool _ownsHandle;
    private int _disposed;

    /// <summary>Creates a stream over <paramref name="handle"/>, a stream socket (usually connected).</summary>
    /// <param name="handle">The socket; it must be a SOCK_STREAM socket.</param>
    /// <param name="ownsHandle">True: disposing the stream closes the handle. False: the handle stays open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    /// <exception cref="ObjectDisposedException"><paramref name="handle"/> is closed.</exception>
    /// <exception cref="ArgumentException"><paramref name="handle"/> is not a SOCK_STREAM socket (a datagram or seqpacket socket would cut messages).</exception>
    public SocketStream(SocketHandle handle, bool ownsHandle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        if (handle.Owner.Type != Sockets.SOCK_STREAM)
            throw new ArgumentException("A SocketStream needs a stream socket (SOCK_STREAM).", nameof(handle));
        _handle = handle;
        _ownsHandle = ownsHandle;
    }

    /// <summary>The socket the stream reads and writes.</summary>
    public SocketHandle Handle => _handle;

    /// <summary>True when disposing the stream closes <see cref="Handle"/>.</summary>
    public bool OwnsHandle => _ownsHandle;

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanRead => !IsDisposed;

    /// <summary>True until the stream is disposed.</summary>
    public override bool CanWrite => !IsDisposed;

    /// <summary>False: a socket cannot seek.</summary>
    public override bool CanSeek => false;

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Length => throw new NotSupportedException("A socket stream has no length.");

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Position
    {
        get => throw new NotSupportedException("A socket stream has no position.");
        set => throw new NotSupportedException("A socket stream has no position.");
    }

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A socket stream cannot seek.");

    /// <summary>Not supported.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override void SetLength(long value) => throw new NotSupportedException("A socket stream has no length.");

    /// <summary>Does nothing: every write has been handed to the kernel when it returns.</summary>
    public override void Flush()
    {
    }

    /// <summary>Does nothing (completes at once, canceled when <paramref name="cancellationToken"/> is).</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Receives into <paramref name="buffer"/>, blocking until some bytes are there: their number, or 0 at the end of the stream.</summary>
    public override int Read(Span<byte> buffer)
    {
        ThrowIfDisposed();
        long? received = _handle.Recv(buffer);
        if (received is null) throw Failure(Errors.Last, reading: true, null);
        return (int)received.Value;
    }

    /// <inheritdoc cref="Read(Span{byte})"/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <summary>Reads one byte: the byte, or -1 at the end of the stream.</summary>
    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <summary>Sends every byte of <paramref name="buffer"/>, blocking as needed.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfDisposed();
        while (!buffer.IsEmpty)
        {
            long? sent = _handle.Send(buffer);
            if (sent is null) throw Failure(Errors.Last, reading: false, null);
            buffer = buffer[(int)sent.Value..];
        }
    }

    /// <inheritdoc cref="Write(ReadOnlySpan{byte})"/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <summary>Sends one byte.</summary>
    public override void WriteByte(byte value) => Write(new ReadOnlySpan<byte>(in value));

    /// <summary>
    /// Receives into <paramref name="buffer"/> without blocking a thread: completes with the number of bytes as soon
    /// as some are there, or 0 at the end of the stream (an empty buffer: once data or the end is there).
    /// </summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var pending = _handle.RecvAsync(buffer, 0, cancellationToken);
        return pending.IsCompletedSuccessfully ? pending : AwaitRead(pending);
    }

    /// <inheritdoc cref="ReadAsync(Memory{byte}, CancellationToken)"/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Sends every byte of <paramref name="buffer"/> without blocking a thread; completes once all were sent.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (buffer.IsEmpty) return cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled(cancellationToken) : default;
        var pending = _handle.SendAsync(buffer, 0, cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            _ = pending.Result; // hands a pooled operation back
            return default;
        }
        return AwaitWrite(pending);
    }

    /// <inheritdoc cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Begins <see cref="ReadAsync(byte[], int, int, CancellationToken)"/> (the asynchronous programming model over it).</summary>
    public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <summary>Ends what <see cref="BeginRead"/> began: the number of bytes read.</summary>
    public override int EndRead(IAsyncResult asyncResult) => TaskToAsyncResult.End<int>(asyncResult);

    /// <summary>Begins <see cref="WriteAsync(byte[], int, int, CancellationToken)"/> (the asynchronous programming model over it).</summary>
    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state) =>
        TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <summary>Ends what <see cref="BeginWrite"/> began.</summary>
    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    /// <summary>Marks the stream disposed and, when it owns the handle, closes the handle.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsHandle) _handle.Dispose();
        base.Dispose(disposing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitRead(ValueTask<int> pending)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (UcSocketException e)
        {
            throw Failure(e.Error, reading: true, e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWrite(ValueTask<int> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (UcSocketException e)
        {
            throw Failure(e.Error, reading: false, e);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>The exception for a failed call: ObjectDisposedException for a handle closed before it, else an IOException around the socket error.</summary>
    private Exception Failure(ErrorInfo? error, bool reading, UcSocketException? thrown)
    {
        var recorded = error ?? new ErrorInfo(0, reading ? "recv()" : "send()");
        if (recorded == SocketHandle.InvalidContext) return new ObjectDisposedException(nameof(SocketHandle));
        var inner = thrown ?? new UcSocketException(recorded);
        return new IOException((reading ? "Unable to read from the socket: " : "Unable to write to the socket: ") + inner.Message, inner);
    }
}
