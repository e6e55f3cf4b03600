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

    /// <summary>Decodes the bytes the kernel returned.</summary>
    public abstract bool TryRead(ReadOnlySpan<byte> source, out T value, out string? error);

    /// <summary>The number of bytes <see cref="TryWrite"/> produces for <paramref name="value"/>.</summary>
    public abstract int GetSize(in T value);

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/>.</summary>
    public abstract bool TryWrite(in T value, Span<byte> destination, out int written, out string? error);

    /// <summary>The ucode-style form of a value.</summary>
    public abstract object? ToUcode(in T value);

    /// <summary>Converts a ucode-style value (or an already typed one) to <typeparamref name="T"/>; the error names what did not convert.</summary>
    public abstract bool TryFromUcode(object? value, out T result, out string? error);
}
