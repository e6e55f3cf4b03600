using System;
using System.Collections.Generic;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>
/// One result of <see cref="Sockets.AddrInfo"/>: ucode's <c>AddressInfo</c>
/// object, with its field names <c>addr</c>, <c>canonname</c>, <c>family</c>, <c>flags</c>, <c>protocol</c>
/// and <c>socktype</c>.
/// </summary>
/// <param name="Addr">The socket address (<c>addr</c>), port included when a service was given.</param>
/// <param name="CanonName">The canonical host name (<c>canonname</c>): set on the first result when AI_CANONNAME was asked for, else null.</param>
/// <param name="Family">The address family (<c>family</c>): AF_INET or AF_INET6.</param>
/// <param name="Flags">The AI_* flags of the result (<c>flags</c>): the request's flags as the resolver applied them.</param>
/// <param name="Protocol">The protocol (<c>protocol</c>), e.g. 6 for TCP, 17 for UDP.</param>
/// <param name="SockType">The socket type (<c>socktype</c>): SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, ...</param>
public sealed record AddressInfo(SocketAddress Addr, string? CanonName, int Family, int Flags, int Protocol, int SockType)
{
    /// <summary>The ucode form: a dictionary with ucode's field names (<c>canonname</c> is present, null when not set).</summary>
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["addr"] = Addr.ToDictionary(),
        ["canonname"] = CanonName,
        ["family"] = Family,
        ["flags"] = Flags,
        ["protocol"] = Protocol,
        ["socktype"] = SockType,
    };
}

/// <summary>
/// The hints of <see cref="Sockets.AddrInfo"/>, <see cref="Sockets.Connect"/> and <see cref="Sockets.Listen"/>
/// (ucode's hints object), typed; each of them also takes ucode's dictionary. Every field defaults to 0, which means
/// "any".
/// </summary>
public sealed record AddrInfoHints
{
    private static readonly string[] Fields = ["family", "socktype", "protocol", "flags"];

    /// <summary>The wanted address family (<c>family</c>): AF_INET, AF_INET6, or 0 (AF_UNSPEC) for both.</summary>
    public int Family { get; init; }

    /// <summary>The wanted socket type (<c>socktype</c>): SOCK_STREAM, SOCK_DGRAM, ..., or 0 for any.</summary>
    public int SockType { get; init; }

    /// <summary>The wanted protocol (<c>protocol</c>), or 0 for any.</summary>
    public int Protocol { get; init; }

    /// <summary>AI_* flags (<c>flags</c>), or-ed together.</summary>
    public int Flags { get; init; }

    /// <summary>
    /// Reads ucode's hints dictionary (<c>family</c>, <c>socktype</c>, <c>protocol</c>, <c>flags</c>; a missing or
    /// null field is 0). An unknown key or a value that is no 32-bit integer is an EINVAL error naming the field.
    /// </summary>
    public static bool TryFromDictionary(IReadOnlyDictionary<string, object?> values, out AddrInfoHints? hints, out ErrorInfo error)
    {
        hints = null;
        error = default;
        if (values is null)
        {
            error = ErrorInfo.Invalid("Invalid hints (null)");
            return false;
        }
        if (!SpecFields.CheckKeys(values, "hints", Fields, out var text)
            || !SpecFields.TryInteger(values, "family", int.MinValue, int.MaxValue, out long family, out text)
            || !SpecFields.TryInteger(values, "socktype", int.MinValue, int.MaxValue, out long socktype, out text)
            || !SpecFields.TryInteger(values, "protocol", int.MinValue, int.MaxValue, out long protocol, out text)
            || !SpecFields.TryInteger(values, "flags", int.MinValue, int.MaxValue, out long flags, out text))
        {
            error = ErrorInfo.Invalid(text!);
            return false;
        }
        hints = new AddrInfoHints { Family = (int)family, SockType = (int)socktype, Protocol = (int)protocol, Flags = (int)flags };
        return true;
    }

    /// <summary>
    /// The hints argument of <c>Connect</c>, <c>Listen</c> and <c>AddrInfo</c>, in either form: null (none), an
    /// <see cref="AddrInfoHints"/>, or ucode's hints dictionary (any dictionary type with string keys, read by
    /// <see cref="TryFromDictionary"/>). Anything else is an EINVAL error naming what was given.
    /// </summary>
    internal static bool TryFrom(object? value, out AddrInfoHints? hints, out ErrorInfo error)
    {
        hints = null;
        error = default;
        switch (value)
        {
            case null:
                return true;
            case AddrInfoHints typed:
                hints = typed;
                return true;
        }
        if (UcodeValue.TryAsFields(value, out var fields, out var keyError))
            return TryFromDictionary(fields, out hints, out error);
        error = ErrorInfo.Invalid(keyError is not null
            ? "Invalid hints: " + keyError
            : $"Invalid hints (expected AddrInfoHints or a dictionary, got {UcodeValue.Describe(value)})");
        return false;
    }

    /// <summary>The ucode form: a dictionary with ucode's field names.</summary>
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["family"] = Family,
        ["socktype"] = SockType,
        ["protocol"] = Protocol,
        ["flags"] = Flags,
    };
}

/// <summary>The result of <see cref="Sockets.NameInfo"/>: ucode's <c>{ hostname, service }</c> object.</summary>
/// <param name="Hostname">The host name (<c>hostname</c>), or the numeric address when it has no name or NI_NUMERICHOST was given.</param>
/// <param name="Service">The service name (<c>service</c>), or the numeric port when it has no name or NI_NUMERICSERV was given.</param>
public sealed record NameInfoResult(string Hostname, string Service)
{
    /// <summary>The ucode form: <c>{ "hostname": ..., "service": ... }</c>.</summary>
    public Dictionary<string, object?> ToDictionary() => new() { ["hostname"] = Hostname, ["service"] = Service };
}
