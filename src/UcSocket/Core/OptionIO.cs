using System.Diagnostics.CodeAnalysis;
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>getsockopt/setsockopt through a codec, on stack buffers (pooled beyond <see cref="StackLimit"/> bytes).</summary>
internal static unsafe class OptionIO
{
    internal const int StackLimit = 512;
    private const int MaxVariableSize = 1 << 20;

    [SkipLocalsInit]
    public static bool TrySet<T>(int fd, int level, int option, ValueCodec<T> codec, in T value, out ErrorInfo error)
    {
        int size = codec.GetSize(value);
        byte[]? rented = null;
        Span<byte> buffer = size <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            // Pinned from the encoding to the syscall: a value may point into its own buffer (struct sock_fprog).
            fixed (byte* p = buffer)
            {
                if (!codec.TryWrite(value, buffer[..size], out int written, out var text))
                {
                    error = ErrorInfo.Invalid(text ?? $"Unable to encode {codec.Description}");
                    return false;
                }
                long rc = SocketSyscalls.SetSockOpt(fd, level, option, p, written);
                if (rc < 0)
                {
                    error = new ErrorInfo((int)-rc, "setsockopt()");
                    return false;
                }
            }
            error = default;
            return true;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static bool TryGet<T>(int fd, int level, int option, ValueCodec<T> codec, [MaybeNullWhen(false)] out T value, out ErrorInfo error) =>
        TryGet(fd, level, option, codec, out value, out _, out error);

    /// <summary>
    /// Reads an option; <paramref name="length"/> is the length the kernel returned. Descriptors the kernel installs
    /// for the read (SO_PEERPIDFD) are owned by the value at once (<see cref="ValueCodec{T}.TryReadReceived"/>).
    /// </summary>
    [SkipLocalsInit]
    public static bool TryGet<T>(int fd, int level, int option, ValueCodec<T> codec, [MaybeNullWhen(false)] out T value, out int length, out ErrorInfo error)
    {
        value = default!;
        length = 0;
        int size = Math.Max(codec.ReadBufferSize, 1);
        byte[]? rented = null;
        Span<byte> buffer = size <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            while (true)
            {
                int capacity = codec.IsVariableSize ? buffer.Length : size;
                // Some options read an input from the buffer (PACKET_HDRLEN takes a TPACKET version): pass zeros, not stack garbage.
                buffer[..capacity].Clear();
                long rc = SocketSyscalls.GetSockOpt(fd, level, option, buffer[..capacity], out int returned);
                length = returned;
                // Variable-size values (strings, lists) grow as ucode does: the kernel reports the length it needs.
                if (codec.IsVariableSize && (rc == 0 || rc == -Errno.ERANGE) && returned > capacity && returned <= MaxVariableSize)
                {
                    if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
                    buffer = rented = ArrayPool<byte>.Shared.Rent(returned);
                    continue;
                }
                if (rc < 0)
                {
                    error = new ErrorInfo((int)-rc, "getsockopt()");
                    return false;
                }
                if (!codec.TryReadReceived(buffer[..Math.Min(returned, capacity)], out value, out var text))
                {
                    error = ErrorInfo.Invalid(text ?? $"Unable to decode {codec.Description}");
                    return false;
                }
                error = default;
                return true;
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
