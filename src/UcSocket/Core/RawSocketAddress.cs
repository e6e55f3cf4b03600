using System;
using System.Buffers.Binary;
using UcSocket.Native;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>
/// A socket address in the kernel's own form (a <c>struct sockaddr_storage</c> and its length), reusable
/// across calls: encode a destination once and send to it many times, or let a receive fill in the sender's
/// address, without allocating. <see cref="ToSocketAddress"/> decodes it to ucode's <see cref="SocketAddress"/>
/// (that allocates). Not thread-safe: one call at a time may use an instance.
/// </summary>
public sealed class RawSocketAddress
{
    /// <summary>sizeof(struct sockaddr_storage): the most bytes an address can take.</summary>
    public const int MaxLength = Sockaddr.StorageSize;

    private readonly byte[] _storage = new byte[MaxLength];

    /// <summary>Creates an empty address (length 0: no address).</summary>
    public RawSocketAddress()
    {
    }

    /// <summary>
    /// Encodes <paramref name="address"/> (any form <see cref="SocketHandle.Bind"/> takes: <c>"127.0.0.1:53"</c>,
    /// a dictionary, a <see cref="SocketAddress"/>, ...); null, with the error recorded (see
    /// <see cref="Sockets.Error()"/>), when it does not convert.
    /// </summary>
    public static RawSocketAddress? From(object? address)
    {
        var raw = new RawSocketAddress();
        return raw.TrySet(address) ? raw : null;
    }

    /// <summary>The number of bytes in use (the <c>socklen_t</c> the kernel gave or takes); 0 for no address.</summary>
    public int Length { get; private set; }

    /// <summary>The address family (<c>sa_family</c>), or 0 (AF_UNSPEC) when there is no address.</summary>
    public int Family => Length >= 2 ? BitConverter.ToUInt16(_storage, 0) : 0;

    /// <summary>The port of an AF_INET or AF_INET6 address (from network byte order), else null.</summary>
    public int? Port => Length >= 4 && Family is Sockets.AF_INET or Sockets.AF_INET6
        ? BinaryPrimitives.ReadUInt16BigEndian(_storage.AsSpan(2))
        : null;

    /// <summary>The address bytes in use.</summary>
    public ReadOnlySpan<byte> AsSpan() => _storage.AsSpan(0, Length);

    /// <summary>
    /// Replaces the address with <paramref name="address"/> (any form <see cref="SocketHandle.Bind"/> takes, or
    /// another <see cref="RawSocketAddress"/>); null clears it. False, with the error recorded and this address unchanged, when it does not convert.
    /// </summary>
    public bool TrySet(object? address)
    {
        if (address is null)
        {
            Clear();
            Errors.Clear();
            return true;
        }
        if (address is RawSocketAddress raw) return TrySet(raw.AsSpan());
        Span<byte> encoded = stackalloc byte[MaxLength];
        if (!Sockaddr.TryEncode(address, encoded, out int length, out var error))
        {
            Errors.Set(error);
            return false;
        }
        encoded.CopyTo(_storage);
        Length = length;
        Errors.Clear();
        return true;
    }

    /// <summary>
    /// Replaces the address with raw sockaddr bytes. False, with an EINVAL error recorded that names
    /// <paramref name="sockaddr"/>, when they are more than <see cref="MaxLength"/> bytes.
    /// </summary>
    public bool TrySet(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length > MaxLength)
        {
            Errors.Set(ErrorInfo.Invalid($"Invalid sockaddr argument ({sockaddr.Length} bytes, at most {MaxLength})"));
            return false;
        }
        sockaddr.CopyTo(_storage);
        _storage.AsSpan(sockaddr.Length).Clear();
        Length = sockaddr.Length;
        Errors.Clear();
        return true;
    }

    /// <summary>Makes this the empty address (length 0).</summary>
    public void Clear()
    {
        _storage.AsSpan().Clear();
        Length = 0;
    }

    /// <summary>
    /// Decodes the address through the registered family codecs (allocates). Null for no address (length 0); an
    /// address of a family no codec knows gives a <see cref="SocketAddress"/> with only its family set. Bytes too few
    /// for a whole address of their family (a 2-byte AF_INET address, say) are an EINVAL error (null, error recorded),
    /// never an address of zeros.
    /// </summary>
    public SocketAddress? ToSocketAddress()
    {
        if (Length == 0)
        {
            Errors.Clear();
            return null;
        }
        if (Length < 2)
            return Errors.Fail<SocketAddress>(ErrorInfo.Invalid($"Invalid address ({Length} byte: no room for its family)"));
        if (SpecRegistry.TryGetFamily(Family, out var codec) && Length < codec.MinSize)
            return Errors.Fail<SocketAddress>(ErrorInfo.Invalid($"Invalid address ({Length} bytes: a {codec.Name} address takes at least {codec.MinSize})"));
        Errors.Clear();
        return Sockaddr.Decode(AsSpan()) ?? new SocketAddress(Family);
    }

    /// <summary>The whole storage, for the kernel to fill (<see cref="MaxLength"/> bytes).</summary>
    internal byte[] Storage => _storage;

    /// <summary>Sets the length after the kernel wrote the address (clamped to the storage).</summary>
    internal void SetLength(int length) => Length = Math.Clamp(length, 0, MaxLength);

    /// <summary>True when <paramref name="other"/> holds the same bytes (same length, same content).</summary>
    public bool ContentEquals(RawSocketAddress? other) => other is not null && AsSpan().SequenceEqual(other.AsSpan());

    /// <summary>The decoded address as text (see <see cref="SocketAddress.ToString"/>), or an empty string.</summary>
    public override string ToString() => ToSocketAddress()?.ToString() ?? "";
}
