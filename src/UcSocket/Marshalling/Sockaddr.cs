using System;
using UcSocket.Native;

namespace UcSocket.Marshalling;

/// <summary>Address conversion for syscalls: anything ucode accepts as an address to sockaddr bytes, and back.</summary>
internal static class Sockaddr
{
    /// <summary>sizeof(struct sockaddr_storage).</summary>
    public const int StorageSize = 128;

    /// <summary>Converts and encodes <paramref name="address"/> into <paramref name="destination"/> (at least <see cref="StorageSize"/> bytes).</summary>
    public static bool TryEncode(object? address, Span<byte> destination, out int length, out ErrorInfo error)
    {
        length = 0;
        if (!AddressConversion.TryConvert(address, out var converted, out error)) return false;
        return TryEncode(converted!, destination, out length, out error);
    }

    /// <summary>Encodes a <see cref="SocketAddress"/> through its family's generated codec.</summary>
    public static bool TryEncode(SocketAddress address, Span<byte> destination, out int length, out ErrorInfo error)
    {
        length = 0;
        if (!SpecRegistry.TryGetFamily(address.Family, out var codec))
        {
            error = new ErrorInfo(Errno.EAFNOSUPPORT, "Unsupported socket address family");
            return false;
        }
        destination[..Math.Min(destination.Length, StorageSize)].Clear();
        if (!codec.TryEncode(address, destination, out length, out var text))
        {
            error = ErrorInfo.Invalid(text ?? "Invalid address value");
            return false;
        }
        error = default;
        return true;
    }

    /// <summary>Decodes what the kernel wrote (exactly <paramref name="raw"/>.Length bytes); null for AF_UNSPEC or an unknown family.</summary>
    public static SocketAddress? Decode(ReadOnlySpan<byte> raw) => SpecFields.ReadSockaddr(raw);
}
