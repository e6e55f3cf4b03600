using System.ComponentModel;
using System;
using System.Collections.Generic;

namespace UcSocket.Marshalling;

/// <summary>Converts between <see cref="SocketAddress"/> and one family's sockaddr bytes. Generated per spec family.</summary>
/// <remarks>Implemented by generated code only.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AddressFamilyCodec
{
    /// <summary>Creates the codec.</summary>
    /// <param name="name">The family constant's name.</param>
    /// <param name="family">The family number.</param>
    /// <param name="maxSize">Size of the family's sockaddr struct.</param>
    /// <param name="minSize">The shortest address the family has (the offset of a path or hardware address that may be cut to its length; else the struct's size).</param>
    /// <param name="fieldNames">The <see cref="SocketAddress"/> fields (ucode names) the family carries.</param>
    protected AddressFamilyCodec(string name, int family, int maxSize, int minSize, string[] fieldNames)
    {
        Name = name;
        Family = family;
        MaxSize = maxSize;
        MinSize = minSize;
        FieldNames = fieldNames ?? throw new ArgumentNullException(nameof(fieldNames));
    }

    /// <summary>The family constant's name, e.g. <c>AF_INET</c>.</summary>
    public string Name { get; }

    /// <summary>The family number.</summary>
    public int Family { get; }

    /// <summary>Size of the family's sockaddr struct.</summary>
    public int MaxSize { get; }

    /// <summary>The shortest address of the family: a shorter one is not a whole address and does not decode.</summary>
    public int MinSize { get; }

    /// <summary>The <see cref="SocketAddress"/> fields (ucode names, e.g. <c>family</c>, <c>address</c>, <c>port</c>) the family carries.</summary>
    public IReadOnlyList<string> FieldNames { get; }

    /// <summary>Decodes a sockaddr of exactly the length the kernel reported.</summary>
    public abstract bool TryDecode(ReadOnlySpan<byte> raw, out SocketAddress address);

    /// <summary>Encodes <paramref name="address"/>; <paramref name="length"/> is the socklen to pass to the kernel.</summary>
    public abstract bool TryEncode(SocketAddress address, Span<byte> destination, out int length, out string? error);
}
