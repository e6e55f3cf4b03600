using System.Diagnostics.CodeAnalysis;
using System;

namespace UcSocket.Marshalling;

/// <summary>
/// Marshals one kind of option value or control-message payload between its C bytes, its typed C# form
/// <typeparamref name="T"/> and its ucode-style form (boxed numbers, strings, dictionaries).
/// </summary>
public abstract class ValueCodec<T>
{
    /// <summary>What the kernel sees, e.g. <c>int</c>, <c>struct linger</c>.</summary>
    public abstract string Description { get; }

    /// <summary>The buffer size to offer the kernel when reading; variable-size values may grow beyond it.</summary>
    public abstract int ReadBufferSize { get; }

    /// <summary>True when the value has no fixed size (strings, byte strings, lists).</summary>
    public virtual bool IsVariableSize => false;

    /// <summary>
    /// Decodes bytes. Descriptors in them (SCM_RIGHTS, SO_PEERPIDFD) are read as numbers the result does not own:
    /// decoding bytes never takes ownership of anything.
    /// </summary>
    public abstract bool TryRead(ReadOnlySpan<byte> source, [MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out string? error);

    /// <summary>
    /// Decodes bytes the kernel just wrote for this process (a getsockopt, a receive): where they are descriptors the
    /// kernel installed, the value owns them from here on. Everything else decodes as <see cref="TryRead"/>.
    /// </summary>
    internal virtual bool TryReadReceived(ReadOnlySpan<byte> source, [MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out string? error) => TryRead(source, out value, out error);

    /// <summary>The number of bytes <see cref="TryWrite"/> produces for <paramref name="value"/>.</summary>
    public abstract int GetSize(in T value);

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/>.</summary>
    public abstract bool TryWrite(in T value, Span<byte> destination, out int written, out string? error);

    /// <summary>The ucode-style form of a value.</summary>
    public abstract object? ToUcode(in T value);

    /// <summary>Converts a ucode-style value (or an already typed one) to <typeparamref name="T"/>; the error names what did not convert.</summary>
    public abstract bool TryFromUcode(object? value, [MaybeNullWhen(false)] out T result, [NotNullWhen(false)] out string? error);

    /// <summary>Decodes kernel bytes straight to the ucode-style form.</summary>
    public bool TryDecodeUcode(ReadOnlySpan<byte> source, out object? value, out ErrorInfo error)
    {
        value = null;
        if (!TryRead(source, out var typed, out var text))
        {
            error = ErrorInfo.Invalid(text ?? $"Unable to decode {Description}");
            return false;
        }
        value = ToUcode(typed);
        error = default;
        return true;
    }

    /// <summary>Converts a ucode-style value and encodes it into a new array of exactly the encoded length.</summary>
    public bool TryEncodeUcode(object? value, out byte[] encoded, out ErrorInfo error)
    {
        encoded = Array.Empty<byte>();
        if (!TryFromUcode(value, out var typed, out var text))
        {
            error = ErrorInfo.Invalid(text ?? $"Unable to convert value to {Description}");
            return false;
        }
        encoded = new byte[GetSize(typed)];
        if (!TryWrite(typed, encoded, out int written, out text))
        {
            error = ErrorInfo.Invalid(text ?? $"Unable to encode {Description}");
            return false;
        }
        if (written != encoded.Length) encoded = encoded[..written];
        error = default;
        return true;
    }
}
