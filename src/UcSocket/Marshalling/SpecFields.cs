using System.ComponentModel;
using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace UcSocket.Marshalling;

/// <summary>
/// Field conversions that generated struct and family code calls: one method per field kind, each either
/// converting the ucode-style value or failing with a message that names the field.
/// </summary>
/// <remarks>For generated code only: the generator emits calls to it; it is not meant to be called by hand.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class SpecFields
{
    /// <summary>Rejects keys the struct does not have, so that a misspelt field is an error rather than a silent zero.</summary>
    public static bool CheckKeys(IReadOnlyDictionary<string, object?> values, string ctype, string[] known, out string? error)
    {
        foreach (var key in values.Keys)
        {
            if (Array.IndexOf(known, key) < 0)
            {
                error = $"Unknown field '{key}' for {ctype} (fields: {string.Join(", ", known)})";
                return false;
            }
        }
        error = null;
        return true;
    }

    /// <summary>A signed or unsigned integer field within [min, max]; absent or null is 0.</summary>
    public static bool TryInteger(IReadOnlyDictionary<string, object?> values, string field, long min, long max, out long value, out string? error)
    {
        value = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (!UcodeValue.TryToInt64(raw, out value))
        {
            error = $"Unable to convert field {field} to integer ({UcodeValue.Describe(raw)})";
            return false;
        }
        if (value < min || value > max)
        {
            error = $"Value {value} of field {field} is out of range [{min}, {max}]";
            return false;
        }
        return true;
    }

    /// <summary>An unsigned 64-bit field up to <paramref name="max"/>.</summary>
    public static bool TryUnsigned(IReadOnlyDictionary<string, object?> values, string field, ulong max, out ulong value, out string? error)
    {
        value = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (!UcodeValue.TryToUInt64(raw, out value) || value > max)
        {
            error = $"Unable to convert field {field} to unsigned ({UcodeValue.Describe(raw)})";
            return false;
        }
        return true;
    }

    /// <summary>An integer array field; fewer items than the array holds leave the rest zero, more is an error.</summary>
    public static bool TryIntegers(IReadOnlyDictionary<string, object?> values, string field, long min, long max, Span<long> destination, out string? error)
    {
        error = null;
        destination.Clear();
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is not IEnumerable items || raw is string)
        {
            error = $"Field {field} must be an array of integers";
            return false;
        }
        int i = 0;
        foreach (var item in items)
        {
            if (i == destination.Length)
            {
                error = $"Field {field} holds at most {destination.Length} items";
                return false;
            }
            if (!UcodeValue.TryToRange(item, min, max, out destination[i]))
            {
                error = $"Item {i} of field {field} is not an integer in [{min}, {max}] ({UcodeValue.Describe(item)})";
                return false;
            }
            i++;
        }
        return true;
    }

    /// <summary>An interface field: an index, or a name resolved with if_nametoindex.</summary>
    public static bool TryInterfaceIndex(IReadOnlyDictionary<string, object?> values, string field, long min, long max, out long value, out string? error)
    {
        value = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        InterfaceId? named = raw switch
        {
            InterfaceId i => i,
            string s when !UcodeValue.TryToInt64(s, out _) => new InterfaceId(s),
            _ => (InterfaceId?)null,
        };
        if (named is { } id)
        {
            if (!TryResolveInterface(id, out int index, out error))
            {
                error += $" (field {field})";
                return false;
            }
            // An InterfaceId stands for its index, which must fit the field as the number would (no -1 sent as 4294967295).
            if (index < min || index > max)
            {
                error = $"Value {index} of field {field} is out of range [{min}, {max}]";
                return false;
            }
            value = index;
            return true;
        }
        return TryInteger(values, field, min, max, out value, out error);
    }

    /// <summary>Resolves an interface reference to its index; fails with ucode's "Unable to resolve interface" text.</summary>
    public static bool TryResolveInterface(InterfaceId id, out int index, out string? error)
    {
        if (id.TryResolve(out index))
        {
            error = null;
            return true;
        }
        error = "Unable to resolve interface " + id.Name;
        return false;
    }

    /// <summary>An IPv4 address field given as text or <see cref="InAddr"/>; absent is 0.0.0.0.</summary>
    public static bool TryIpv4(IReadOnlyDictionary<string, object?> values, string field, out InAddr value, out string? error)
    {
        value = default;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is InAddr a) { value = a; return true; }
        if (raw is string s && InAddr.TryParse(s, out value)) return true;
        error = $"Unable to convert field {field} to IP address ({UcodeValue.Describe(raw)})";
        return false;
    }

    /// <summary>An IPv6 address field given as text or <see cref="In6Addr"/>; absent is ::.</summary>
    public static bool TryIpv6(IReadOnlyDictionary<string, object?> values, string field, out In6Addr value, out string? error)
    {
        value = default;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is In6Addr a) { value = a; return true; }
        if (raw is string s && In6Addr.TryParse(s, out value)) return true;
        error = $"Unable to convert field {field} to IPv6 address ({UcodeValue.Describe(raw)})";
        return false;
    }

    /// <summary>A nested struct field, given as the struct or as its dictionary.</summary>
    public static bool TryStruct<T>(IReadOnlyDictionary<string, object?> values, string field, out T value, out string? error)
        where T : unmanaged, ISpecStruct<T>
    {
        value = default;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (StructCodec<T>.Instance.TryFromUcode(raw, out value, out var inner)) return true;
        error = $"Field {field}: {inner}";
        return false;
    }

    /// <summary>
    /// An array-of-structs field, given as a list of structs or of their dictionaries; fewer items than the array
    /// holds leave the rest zero, more is an error.
    /// </summary>
    public static bool TryStructs<T>(IReadOnlyDictionary<string, object?> values, string field, Span<T> destination, out string? error)
        where T : unmanaged, ISpecStruct<T>
    {
        error = null;
        destination.Clear();
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is not IEnumerable items || raw is string || raw is IDictionary || raw is IReadOnlyDictionary<string, object?>)
        {
            error = $"Field {field} must be an array of {T.CTypeName}";
            return false;
        }
        int i = 0;
        foreach (var item in items)
        {
            if (i == destination.Length)
            {
                error = $"Field {field} holds at most {destination.Length} items";
                return false;
            }
            if (item is not null && !StructCodec<T>.Instance.TryFromUcode(item, out destination[i], out var inner))
            {
                error = $"Item {i} of field {field}: {inner}";
                return false;
            }
            i++;
        }
        return true;
    }

    /// <summary>A nested socket address field.</summary>
    public static bool TrySockaddr(IReadOnlyDictionary<string, object?> values, string field, out SocketAddress? value, out string? error)
    {
        value = null;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (AddressConversion.TryConvert(raw, out value, out var info)) return true;
        error = $"Field {field}: {info.Context}";
        return false;
    }

    /// <summary>A byte-array field given as bytes or text; longer than the array is an error, shorter leaves zeros.</summary>
    public static bool TryBytes(IReadOnlyDictionary<string, object?> values, string field, Span<byte> destination, out int used, out string? error)
    {
        used = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        ReadOnlySpan<byte> bytes = raw switch
        {
            byte[] b => b,
            ReadOnlyMemory<byte> m => m.Span,
            string s => EncodeBytes(s),
            _ => default,
        };
        if (raw is not (byte[] or ReadOnlyMemory<byte> or string))
        {
            error = $"Field {field} must be bytes or a string ({UcodeValue.Describe(raw)})";
            return false;
        }
        if (raw is string text && EncodeBytes(text) is null)
        {
            error = $"Field {field} holds a lone surrogate that stands for no byte";
            return false;
        }
        if (bytes.Length > destination.Length)
        {
            error = $"Field {field} holds at most {destination.Length} bytes, got {bytes.Length}";
            return false;
        }
        bytes.CopyTo(destination);
        used = bytes.Length;
        return true;
    }

    /// <summary>A hardware-address field given as hex text (<c>"00:11:22:33:44:55"</c>) or bytes.</summary>
    public static bool TryHardwareAddress(IReadOnlyDictionary<string, object?> values, string field, Span<byte> destination, out int used, out string? error)
    {
        used = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is string s)
        {
            if (TryParseHardwareAddress(s, destination, out used)) return true;
            error = $"Invalid hardware address in field {field}";
            return false;
        }
        return TryBytes(values, field, destination, out used, out error);
    }

    /// <summary>A path field (<c>sun_path</c>): text that must fit with its terminating NUL.</summary>
    public static bool TryPath(IReadOnlyDictionary<string, object?> values, string field, Span<byte> destination, out int used, out string? error)
    {
        used = 0;
        error = null;
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is string s && TryEncodeSockaddrPath(s, destination, out used)) return true;
        error = $"Invalid path value in field {field}";
        return false;
    }

    /// <summary>Decodes a sockaddr through the registered family codecs; null when its family is unknown or AF_UNSPEC.</summary>
    public static SocketAddress? ReadSockaddr(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 2) return null;
        int family = BitConverter.ToUInt16(raw);
        if (family == 0 || !SpecRegistry.TryGetFamily(family, out var codec) || raw.Length < codec.MinSize) return null;
        return codec.TryDecode(raw, out var address) ? address : null;
    }

    /// <summary>
    /// Decodes a nested sockaddr of which only <paramref name="available"/> bytes were really received (a struct
    /// read from a shorter payload is zero-padded): null unless those bytes hold the family's whole sockaddr.
    /// </summary>
    public static SocketAddress? ReadSockaddr(ReadOnlySpan<byte> raw, int available)
    {
        if (available < 2) return null;
        if (available < raw.Length) raw = raw[..available];
        int family = BitConverter.ToUInt16(raw);
        if (family == 0 || !SpecRegistry.TryGetFamily(family, out var codec) || raw.Length < codec.MaxSize) return null;
        return codec.TryDecode(raw, out var address) ? address : null;
    }

    /// <summary>An address-array field's ucode form: the addresses as text.</summary>
    public static string[] FormatAddresses(ReadOnlySpan<InAddr> items)
    {
        var result = new string[items.Length];
        for (int i = 0; i < items.Length; i++) result[i] = items[i].ToString();
        return result;
    }

    /// <summary>An address-array field's ucode form: the addresses as text.</summary>
    public static string[] FormatAddresses(ReadOnlySpan<In6Addr> items)
    {
        var result = new string[items.Length];
        for (int i = 0; i < items.Length; i++) result[i] = items[i].ToString();
        return result;
    }

    /// <summary>A socket-address-array field's ucode form: one address dictionary (or null) per item.</summary>
    public static object?[] FormatAddresses(ReadOnlySpan<SocketAddress?> items)
    {
        var result = new object?[items.Length];
        for (int i = 0; i < items.Length; i++) result[i] = items[i]?.ToDictionary();
        return result;
    }

    /// <summary>An array of IPv4 addresses given as a list of text or <see cref="InAddr"/>; more items than fit is an error.</summary>
    public static bool TryAddresses(IReadOnlyDictionary<string, object?> values, string field, Span<InAddr> destination, out int used, out string? error) =>
        TryList(values, field, destination, static (object? item, out InAddr a) =>
        {
            if (item is InAddr x)
            {
                a = x;
                return true;
            }
            a = default;
            return item is string s && InAddr.TryParse(s, out a);
        }, "IP address", out used, out error);

    /// <summary>An array of IPv6 addresses given as a list of text or <see cref="In6Addr"/>; more items than fit is an error.</summary>
    public static bool TryAddresses(IReadOnlyDictionary<string, object?> values, string field, Span<In6Addr> destination, out int used, out string? error) =>
        TryList(values, field, destination, static (object? item, out In6Addr a) =>
        {
            if (item is In6Addr x)
            {
                a = x;
                return true;
            }
            a = default;
            return item is string s && In6Addr.TryParse(s, out a);
        }, "IPv6 address", out used, out error);

    /// <summary>
    /// An array of socket addresses given as a list of address dictionaries, strings or <see cref="SocketAddress"/>es;
    /// a null item is an all-zero (AF_UNSPEC) entry, as <see cref="FormatAddresses(ReadOnlySpan{SocketAddress})"/> gives it.
    /// </summary>
    public static bool TryAddresses(IReadOnlyDictionary<string, object?> values, string field, Span<SocketAddress?> destination, out int used, out string? error) =>
        TryList(values, field, destination, static (object? item, out SocketAddress? a) =>
        {
            a = null;
            return item is null || AddressConversion.TryConvert(item, out a, out _);
        }, "socket address", out used, out error);

    private delegate bool ItemParser<T>(object? item, out T value);

    private static bool TryList<T>(IReadOnlyDictionary<string, object?> values, string field, Span<T> destination, ItemParser<T> parse,
        string what, out int used, out string? error)
    {
        used = 0;
        error = null;
        destination.Clear();
        if (!values.TryGetValue(field, out var raw) || raw is null) return true;
        if (raw is not IEnumerable items || raw is string)
        {
            error = $"Field {field} must be an array of {what}es ({UcodeValue.Describe(raw)})";
            return false;
        }
        foreach (var item in items)
        {
            if (used == destination.Length)
            {
                error = $"Field {field} holds at most {destination.Length} items";
                return false;
            }
            if (!parse(item, out destination[used]))
            {
                error = $"Item {used} of field {field} is not a valid {what} ({UcodeValue.Describe(item)})";
                return false;
            }
            used++;
        }
        return true;
    }

    /// <summary>
    /// Encodes a nested socket address into its storage, as the property setter of a generated struct does; null
    /// writes zeros (AF_UNSPEC).
    /// </summary>
    /// <exception cref="ArgumentException">The address does not encode (an unknown family, a bad address); the message names the field.</exception>
    public static void WriteSockaddr(SocketAddress? address, Span<byte> destination, string field)
    {
        if (!TryWriteSockaddr(address, destination, field, out var error)) throw new ArgumentException(error);
    }

    /// <summary>
    /// After a generated struct read a source shorter than itself (zero-padded): clears a nested sockaddr of which
    /// only <paramref name="received"/> bytes arrived unless they hold the family's whole address, so that the rest
    /// of it is never made up of zeros.
    /// </summary>
    public static void ClearPartialSockaddr(Span<byte> field, int received)
    {
        if (received >= field.Length) return;
        if (ReadSockaddr(field, Math.Max(received, 0)) is null) field.Clear();
    }

    /// <summary>Encodes a sockaddr through the registered family codecs; null writes zeros (AF_UNSPEC).</summary>
    public static bool TryWriteSockaddr(SocketAddress? address, Span<byte> destination, string field, out string? error)
    {
        error = null;
        if (address is null)
        {
            destination.Clear();
            return true;
        }
        if (!SpecRegistry.TryGetFamily(address.Family, out var codec))
        {
            error = $"Field {field}: unsupported address family {address.Family}";
            return false;
        }
        if (codec.TryEncode(address, destination, out _, out var inner)) return true;
        error = $"Field {field}: {inner}";
        return false;
    }
}
