using System;
using System.Runtime.InteropServices;
using System.Threading;
using Tmds.Linux;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// A socket, with the methods of ucode's socket handle. A failing call returns null (<see cref="FileNo"/>: -1)
/// and records the error for <see cref="Error()"/>; a succeeding call clears it. The record is per thread.
/// Disposing closes the socket; a call running on another thread keeps the descriptor alive until it returns.
/// </summary>
public sealed partial class SocketHandle : IDisposable, IFileDescriptorOwner
{
    private readonly SafeSocketFd _fd;
    private int _closed; // 1 once Close or Dispose ran: later calls fail even while an earlier call still holds the descriptor

    internal SocketHandle(SafeSocketFd fd) => _fd = fd;

    internal SocketHandle(int fd) : this(new SafeSocketFd(fd))
    {
    }

    /// <summary>The handle that owns the descriptor (for SCM_RIGHTS, or interop with other libraries).</summary>
    public SafeHandle SafeHandle => _fd;

    /// <summary>True once <see cref="Close"/> or <see cref="Dispose"/> ran.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0 || _fd.IsClosed;

    /// <summary>The error of the last call on this thread, as <c>"&lt;context&gt;: &lt;strerror&gt;"</c>, or null.</summary>
    public string? Error() => Errors.Last?.Message;

    /// <summary>With <paramref name="numeric"/> true the error code (errno, or negative EAI_*), else the message; null when there is no error.</summary>
    public object? Error(bool numeric) => Errors.Describe(numeric);

    /// <summary>The descriptor number, or -1 when the socket is closed.</summary>
    public int FileNo()
    {
        if (IsClosed)
        {
            Errors.Set(InvalidContext);
            return -1;
        }
        Errors.Clear();
        return _fd.Fd;
    }

    /// <summary>Closes the socket: true, or null on error (a closed handle answers "Invalid socket context").</summary>
    public bool? Close()
    {
        if (!ShutdownAndRelease()) return Fail(InvalidContext);
        Errors.Clear();
        return true;
    }

    /// <summary>Closes the socket (no error is recorded if it was closed already).</summary>
    public void Dispose() => ShutdownAndRelease();

    /// <summary>
    /// Wakes calls blocked on this socket on other threads (shutdown), then drops the handle's own reference; the
    /// descriptor closes when the last running call returns. The shutdown runs under a reference of its own, so it
    /// can never hit a descriptor number that a racing close has already freed and the system reused.
    /// </summary>
    private bool ShutdownAndRelease()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return false;
        bool added = false;
        try
        {
            _fd.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        try
        {
            LibC.shutdown(_fd.Fd, 2 /* SHUT_RDWR */);
            _fd.Dispose();
            return true;
        }
        finally
        {
            if (added) _fd.DangerousRelease();
        }
    }

    internal static ErrorInfo InvalidContext => new(Errno.EBADF, "Invalid socket context");

    /// <summary>
    /// Holds the descriptor open for a call (pair with <see cref="Exit"/>); records EBADF "Invalid socket context" if closed.
    /// </summary>
    internal bool TryEnter(out int fd)
    {
        bool added = false;
        if (!IsClosed)
        {
            try
            {
                _fd.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                added = false;
            }
        }
        if (!added)
        {
            fd = -1;
            Errors.Set(InvalidContext);
            return false;
        }
        fd = _fd.Fd;
        return true;
    }

    internal void Exit() => _fd.DangerousRelease();

    // ---- options ----

    /// <summary>
    /// Reads an option the ucode way: the value is a bool, int, string, byte[] or dictionary, as the spec says
    /// for that (level, option). Null on error: an unknown pair is "Unknown socket level or option" (EINVAL),
    /// a write-only option "Socket option is write only" (EOPNOTSUPP).
    /// </summary>
    public object? GetOpt(int level, int option)
    {
        // The socket context is checked first, as ucode does: a closed handle is EBADF whatever the arguments.
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (!SpecRegistry.TryGetOption(level, option, out var descriptor))
                return Errors.Fail<object>(new ErrorInfo(ErrorInfo.EINVAL, "Unknown socket level or option"));
            if (!descriptor.CanGet) return Errors.Fail<object>(SocketOption.WriteOnlyError);
            if (!descriptor.TryGetUcode(fd, out var value, out var error)) return Errors.Fail<object>(error);
            Errors.Clear();
            return value;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Sets an option the ucode way from a bool, number, string, byte[] or dictionary with ucode's field names.
    /// True, or null on error; a field that does not convert is an EINVAL error that names it.
    /// </summary>
    public bool? SetOpt(int level, int option, object? value)
    {
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (!SpecRegistry.TryGetOption(level, option, out var descriptor))
                return Fail(new ErrorInfo(ErrorInfo.EINVAL, "Unknown socket level or option"));
            if (!descriptor.CanSet) return Fail(SocketOption.ReadOnlyError);
            if (!descriptor.TrySetUcode(fd, value, out var error)) return Fail(error);
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Reads a typed option, e.g. <c>GetOpt(SockOpt.TcpInfo)</c>; null on error.</summary>
    public T? GetOpt<T>(IReadableOption<T> option) where T : struct => TryGetOpt(option, out T value) ? value : null;

    /// <summary>Reads a typed option whose value is a string (e.g. <c>SockOpt.TcpCongestion</c>); null on error.</summary>
    public string? GetOpt(IReadableOption<string> option) => TryGetOpt(option, out string value) ? value : null;

    /// <summary>Reads a typed option whose value is bytes; null on error.</summary>
    public byte[]? GetOpt(IReadableOption<byte[]> option) => TryGetOpt(option, out byte[] value) ? value : null;

    /// <summary>Reads a typed option whose value is a list of 32-bit words (e.g. <c>SockOpt.NetlinkListMemberships</c>); null on error.</summary>
    public uint[]? GetOpt(IReadableOption<uint[]> option) => TryGetOpt(option, out uint[] value) ? value : null;

    /// <summary>Reads a typed option; false on error (see <see cref="Error()"/>). Allocates nothing for fixed-size values.</summary>
    public bool TryGetOpt<T>(IReadableOption<T> option, out T value)
    {
        ArgumentNullException.ThrowIfNull(option);
        value = default!;
        if (!TryEnter(out int fd)) return false;
        try
        {
            if (!OptionIO.TryGet(fd, option.Level, option.Option, option.GetCodec, out value, out var error))
            {
                Errors.Set(error);
                return false;
            }
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Sets a typed option, e.g. <c>SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1, Seconds: 5))</c>; true, or null on error.</summary>
    public bool? SetOpt<T>(IWritableOption<T> option, T value)
    {
        ArgumentNullException.ThrowIfNull(option);
        if (!TryEnter(out int fd)) return null;
        try
        {
            if (!OptionIO.TrySet(fd, option.Level, option.Option, option.SetCodec, value, out var error)) return Fail(error);
            Errors.Clear();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    private static bool? Fail(ErrorInfo error)
    {
        Errors.Set(error);
        return null;
    }
}
