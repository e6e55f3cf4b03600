using System.Diagnostics.CodeAnalysis;
using System.ComponentModel;
using System;
using System.Collections;
using System.Collections.Generic;

namespace UcSocket.Marshalling;

/// <summary>The codec of a generated spec struct: typed form is the struct, ucode form a dictionary of its fields.</summary>
/// <remarks>For generated code only: the generator emits calls to it; it is not meant to be called by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StructCodec<T> : ValueCodec<T> where T : struct, ISpecStruct<T>
{
    /// <summary>The one instance.</summary>
    public static readonly StructCodec<T> Instance = new();

    private StructCodec()
    {
    }

    /// <inheritdoc/>
    public override string Description => T.CTypeName;

    /// <inheritdoc/>
    public override int ReadBufferSize => T.NativeSize;

    /// <inheritdoc/>
    public override bool TryRead(ReadOnlySpan<byte> source, out T value, [NotNullWhen(false)] out string? error)
    {
        value = T.Read(source);
        error = null;
        return true;
    }

    /// <inheritdoc/>
    public override int GetSize(in T value) => T.NativeSize;

    /// <inheritdoc/>
    public override bool TryWrite(in T value, Span<byte> destination, out int written, out string? error)
    {
        written = T.NativeSize;
        return value.TryWrite(destination, out error);
    }

    /// <inheritdoc/>
    public override object? ToUcode(in T value) => value.ToDictionary();

    /// <inheritdoc/>
    public override bool TryFromUcode(object? value, out T result, [NotNullWhen(false)] out string? error)
    {
        string? keyError = null;
        if (value is not T && UcodeValue.TryAsFields(value, out var fields, out keyError))
            return T.TryFromDictionary(fields, out result, out error);
        if (keyError is not null)
        {
            result = default;
            error = $"{T.CTypeName}: {keyError}";
            return false;
        }
        switch (value)
        {
            case T typed:
                result = typed;
                error = null;
                return true;
            default:
                result = default;
                error = $"Expecting a dictionary or {typeof(T).Name} for {T.CTypeName}, got {UcodeValue.Describe(value)}";
                return false;
        }
    }
}
