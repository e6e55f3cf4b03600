using System;
using System.Collections;
using System.Collections.Generic;

namespace UcSocket.Marshalling;

/// <summary>The codec of a generated spec struct: typed form is the struct, ucode form a dictionary of its fields.</summary>
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
    public override bool TryRead(ReadOnlySpan<byte> source, out T value, out string? error)
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
    public override bool TryFromUcode(object? value, out T result, out string? error)
    {
        switch (value)
        {
            case T typed:
                result = typed;
                error = null;
                return true;
            case IReadOnlyDictionary<string, object?> dict:
                return T.TryFromDictionary(dict, out result, out error);
            case IDictionary<string, object?> dict2:
                return T.TryFromDictionary(new Dictionary<string, object?>(dict2), out result, out error);
            case IDictionary untyped:
                // Dictionaries of other value types (Dictionary<string, int>, ...): the fields are converted one by one.
                return TryFromUntyped(untyped, out result, out error);
            default:
                result = default;
                error = $"Expecting a dictionary or {typeof(T).Name} for {T.CTypeName}, got {UcodeValue.Describe(value)}";
                return false;
        }
    }

    private static bool TryFromUntyped(IDictionary values, out T result, out string? error)
    {
        var copy = new Dictionary<string, object?>(values.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in values)
        {
            if (entry.Key is not string key)
            {
                result = default;
                error = $"Field names of {T.CTypeName} must be strings, got {UcodeValue.Describe(entry.Key)}";
                return false;
            }
            copy[key] = entry.Value;
        }
        return T.TryFromDictionary(copy, out result, out error);
    }
}
