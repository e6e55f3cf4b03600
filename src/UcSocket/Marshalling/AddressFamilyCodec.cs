using System.ComponentModel;
using System;

namespace UcSocket.Marshalling;

/// <summary>Converts between <see cref="SocketAddress"/> and one family's sockaddr bytes. Generated per spec family.</summary>
/// <remarks>Implemented by generated code only.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class AddressFamilyCodec
{
    /// <summary>Creates the codec.</summary>
    protected AddressFamilyCodec(string name, int family, int maxSize)
    {
        Name = name;
        Family = family;
        MaxSize = maxSize;
    }

    /// <summary>The family constant's name, e.g. <c>AF_INET</c>.</summary>
    public string Name { get; }

    /// <summary>The family number.</summary>
    public int Family { get; }

    /// <summary>Size of the family's sockaddr struct.</summary>
    public int MaxSize { get; }

    /// <summary>Decodes a sockaddr of exactly the length the kernel reported.</summary>
    public abstract bool TryDecode(ReadOnlySpan<byte> raw, out SocketAddress address);

    /// <summary>Encodes <paramref name="address"/>; <paramref name="length"/> is the socklen to pass to the kernel.</summary>
    public abstract bool TryEncode(SocketAddress address, Span<byte> destination, out int length, out string? error);
}
