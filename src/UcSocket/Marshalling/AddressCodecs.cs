using System.Diagnostics.CodeAnalysis;
using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace UcSocket.Marshalling;

/// <summary><c>ipv4</c>: a <c>struct in_addr</c>, text in the ucode form.</summary>
internal sealed class Ipv4Codec : ValueCodec<InAddr>
{
    public override string Description => "struct in_addr";
    public override int ReadBufferSize => 4;
    public override bool TryRead(ReadOnlySpan<byte> source, out InAddr value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (source.Length < 4)
        {
            error = IntegerWidth.BadLength(Description, source.Length);
            return false;
        }
        value = new InAddr(source);
        error = null;
        return true;
    }
    public override int GetSize(in InAddr value) => 4;
    public override bool TryWrite(in InAddr value, Span<byte> destination, out int written, out string? error)
    {
        written = 4;
        error = null;
        if (destination.Length < 4) return false;
        value.CopyTo(destination);
        return true;
    }
    public override object? ToUcode(in InAddr value) => value.ToString();
    public override bool TryFromUcode(object? value, out InAddr result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (value is InAddr a) { result = a; return true; }
        if (value is string s && InAddr.TryParse(s, out result)) return true;
        result = default;
        error = $"Unable to convert value to IP address ({UcodeValue.Describe(value)})";
        return false;
    }
}

/// <summary><c>ipv6</c>: a <c>struct in6_addr</c>, text in the ucode form.</summary>
internal sealed class Ipv6Codec : ValueCodec<In6Addr>
{
    public override string Description => "struct in6_addr";
    public override int ReadBufferSize => 16;
    public override bool TryRead(ReadOnlySpan<byte> source, out In6Addr value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (source.Length < 16)
        {
            error = IntegerWidth.BadLength(Description, source.Length);
            return false;
        }
        value = new In6Addr(source);
        error = null;
        return true;
    }
    public override int GetSize(in In6Addr value) => 16;
    public override bool TryWrite(in In6Addr value, Span<byte> destination, out int written, out string? error)
    {
        written = 16;
        error = null;
        if (destination.Length < 16) return false;
        value.CopyTo(destination);
        return true;
    }
    public override object? ToUcode(in In6Addr value) => value.ToString();
    public override bool TryFromUcode(object? value, out In6Addr result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (value is In6Addr a) { result = a; return true; }
        if (value is string s && In6Addr.TryParse(s, out result)) return true;
        result = default;
        error = $"Unable to convert value to IPv6 address ({UcodeValue.Describe(value)})";
        return false;
    }
}

/// <summary><c>sockaddr</c>: an address of any registered family.</summary>
internal sealed class SocketAddressCodec : ValueCodec<SocketAddress>
{
    public override string Description => "struct sockaddr";
    public override int ReadBufferSize => 128;
    public override bool IsVariableSize => true;
    public override bool TryRead(ReadOnlySpan<byte> source, out SocketAddress value, [NotNullWhen(false)] out string? error)
    {
        var decoded = SpecFields.ReadSockaddr(source);
        value = decoded!;
        error = decoded is null ? "Unsupported socket address family" : null;
        return decoded is not null;
    }
    public override int GetSize(in SocketAddress value) =>
        SpecRegistry.TryGetFamily(value.Family, out var codec) ? codec.MaxSize : 128;
    public override bool TryWrite(in SocketAddress value, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        if (!SpecRegistry.TryGetFamily(value.Family, out var codec))
        {
            error = "Unsupported socket address family";
            return false;
        }
        return codec.TryEncode(value, destination, out written, out error);
    }
    public override object? ToUcode(in SocketAddress value) => value.ToDictionary();
    public override bool TryFromUcode(object? value, out SocketAddress result, [NotNullWhen(false)] out string? error)
    {
        bool ok = AddressConversion.TryConvert(value, out var address, out var info);
        result = address!;
        error = ok ? null : info.Context;
        return ok;
    }
}

/// <summary><c>ifname</c>: an interface index on the wire, given as index or name.</summary>
internal sealed class InterfaceNameCodec : ValueCodec<InterfaceId>
{
    public override string Description => "int (interface index)";
    public override int ReadBufferSize => 4;
    public override bool TryRead(ReadOnlySpan<byte> source, out InterfaceId value, [NotNullWhen(false)] out string? error)
    {
        bool ok = IntegerWidth.TryRead(source, signed: true, out long v);
        value = new InterfaceId(unchecked((int)v));
        error = ok ? null : IntegerWidth.BadLength(Description, source.Length);
        return ok;
    }
    public override int GetSize(in InterfaceId value) => 4;
    public override bool TryWrite(in InterfaceId value, Span<byte> destination, out int written, out string? error)
    {
        written = 4;
        if (!SpecFields.TryResolveInterface(value, out int index, out error)) return false;
        return MemoryMarshal.TryWrite(destination, in index);
    }
    public override object? ToUcode(in InterfaceId value) =>
        value.Name ?? (object?)Native.InterfaceNames.IndexToName(value.Index) ?? value.Index;
    public override bool TryFromUcode(object? value, out InterfaceId result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (value)
        {
            case InterfaceId id: result = id; return true;
            case string s when !UcodeValue.TryToInt64(s, out _): result = new InterfaceId(s); return true;
        }
        if (UcodeValue.TryToRange(value, int.MinValue, int.MaxValue, out long l))
        {
            result = new InterfaceId((int)l);
            return true;
        }
        result = default;
        error = $"Unable to convert value to integer ({UcodeValue.Describe(value)} is no interface name or index)";
        return false;
    }
}

/// <summary><c>ifname_be32</c>: an interface index as a 32-bit integer in network byte order.</summary>
internal sealed class InterfaceNameBigEndianCodec : ValueCodec<InterfaceId>
{
    public override string Description => "__be32 (interface index)";
    public override int ReadBufferSize => 4;
    public override bool TryRead(ReadOnlySpan<byte> source, out InterfaceId value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (source.Length != 4)
        {
            error = IntegerWidth.BadLength(Description, source.Length);
            return false;
        }
        value = new InterfaceId(BinaryPrimitives.ReadInt32BigEndian(source));
        error = null;
        return true;
    }
    public override int GetSize(in InterfaceId value) => 4;
    public override bool TryWrite(in InterfaceId value, Span<byte> destination, out int written, out string? error)
    {
        written = 4;
        if (!SpecFields.TryResolveInterface(value, out int index, out error)) return false;
        return BinaryPrimitives.TryWriteInt32BigEndian(destination, index);
    }
    public override object? ToUcode(in InterfaceId value) => ValueCodecs.InterfaceName.ToUcode(value);
    public override bool TryFromUcode(object? value, out InterfaceId result, [NotNullWhen(false)] out string? error) =>
        ValueCodecs.InterfaceName.TryFromUcode(value, out result, out error);
}
