using System;
using System.Collections.Generic;

namespace UcSocket;

/// <summary>A C struct described in the spec, with its generated marshalling. Implemented by generated code only.</summary>
/// <typeparam name="TSelf">The struct itself.</typeparam>
public interface ISpecStruct<TSelf> where TSelf : unmanaged, ISpecStruct<TSelf>
{
    /// <summary>Size of the C struct in bytes.</summary>
    static abstract int NativeSize { get; }

    /// <summary>The C type, e.g. <c>struct linger</c>.</summary>
    static abstract string CTypeName { get; }

    /// <summary>Reads the C layout; a shorter source reads as if zero-padded.</summary>
    static abstract TSelf Read(ReadOnlySpan<byte> source);

    /// <summary>Builds the struct from its ucode-style dictionary.</summary>
    static abstract bool TryFromDictionary(IReadOnlyDictionary<string, object?> values, out TSelf result, out string? error);

    /// <summary>Writes the C layout with padding zeroed.</summary>
    bool TryWrite(Span<byte> destination, out string? error);

    /// <summary>The ucode-style dictionary, keyed by ucode field names.</summary>
    Dictionary<string, object?> ToDictionary();
}
