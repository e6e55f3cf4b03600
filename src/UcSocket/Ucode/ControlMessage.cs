using System.Diagnostics.CodeAnalysis;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// One control (ancillary data) message: ucode's <c>ControlMessage</c> with its fields <c>level</c>,
/// <c>type</c> and <c>data</c>. <see cref="SocketHandle.RecvMsg(object?, int, int)"/> returns them in
/// <see cref="ReceivedMessage.Ancillary"/>; <see cref="SocketHandle.SendMsg(object?, object?, object?, int)"/> takes a list of them.
/// </summary>
/// <remarks>
/// <para>
/// Received messages of a type the registry knows (see <see cref="SpecRegistry.TryGetControlMessage"/>) hold the
/// decoded value in the ucode form: a number, a dictionary with ucode's field names for a C struct, or a
/// <see cref="FileDescriptors"/> for <c>SCM_RIGHTS</c>. Unknown types, payloads that do not decode, and a
/// message the kernel cut short (<c>MSG_CTRUNC</c>) hold the raw payload as a <c>byte[]</c>, where ucode gives
/// a string.
/// </para>
/// <para>
/// For sending, <see cref="Data"/> may be the ucode form, the typed value (<see cref="Create{T}"/>), or a
/// <c>byte[]</c> that is sent as the payload untouched. Unlike ucode, which guesses an int, unsigned or string
/// encoding for a type it does not know, an unknown (level, type) needs a <c>byte[]</c> payload: anything else
/// is an error naming the item.
/// </para>
/// </remarks>
public sealed class ControlMessage
{
    private readonly ControlMessageType? _descriptor;

    /// <summary>Creates a control message the ucode way: level, type, and the payload's value (or raw bytes).</summary>
    /// <param name="level">The cmsg level (<c>cmsg_level</c>), e.g. <c>SOL_SOCKET</c>.</param>
    /// <param name="type">The cmsg type (<c>cmsg_type</c>), e.g. <c>SCM_RIGHTS</c>.</param>
    /// <param name="data">The payload: its ucode-style or typed value, or a <c>byte[]</c> sent as is.</param>
    public ControlMessage(int level, int type, object? data)
    {
        Level = level;
        Type = type;
        Data = data;
    }

    internal ControlMessage(ControlMessageType descriptor, object? data) : this(descriptor.Level, descriptor.Type, data) =>
        _descriptor = descriptor;

    /// <summary>Creates a typed control message, e.g. <c>ControlMessage.Create(Cmsg.ScmRights, new FileDescriptors(handle))</c>.</summary>
    /// <param name="type">The control-message type (a generated <c>Cmsg.*</c> descriptor).</param>
    /// <param name="value">The payload value; it is encoded through the type's codec when sent.</param>
    public static ControlMessage Create<T>(ControlMessageType<T> type, T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new ControlMessage(type, value);
    }

    /// <summary>The message socket level (<c>cmsg_level</c>), e.g. <c>SOL_SOCKET</c>; ucode's <c>level</c>.</summary>
    public int Level { get; }

    /// <summary>The protocol specific message type (<c>cmsg_type</c>), e.g. <c>SCM_RIGHTS</c>; ucode's <c>type</c>.</summary>
    public int Type { get; }

    /// <summary>
    /// The payload; ucode's <c>data</c>. Received: the decoded value (number, dictionary, <see cref="FileDescriptors"/>,
    /// ...) or a <c>byte[]</c> with the raw payload when the type is unknown or the payload does not decode.
    /// </summary>
    public object? Data { get; }

    /// <summary>The registered type of this (level, type), or null when the registry does not know it.</summary>
    public ControlMessageType? Descriptor =>
        _descriptor ?? (SpecRegistry.TryGetControlMessage(Level, Type, out var d) ? d : null);

    /// <summary>
    /// Reads the payload as the typed value of <paramref name="type"/> (e.g. <c>Cmsg.ScmCredentials</c> gives a
    /// <see cref="Ucred"/>). False when this message has another level or type, or its data does not convert.
    /// Descriptors are only ever returned as the <see cref="FileDescriptors"/> object already in <see cref="Data"/>,
    /// never made up from raw bytes.
    /// </summary>
    public bool TryGetData<T>(ControlMessageType<T> type, [MaybeNullWhen(false)] out T value)
    {
        ArgumentNullException.ThrowIfNull(type);
        value = default!;
        if (type.Level != Level || type.Type != Type) return false;
        if (Data is T typed)
        {
            value = typed;
            return true;
        }
        if (type.CarriesDescriptors) return false;
        if (Data is byte[] raw) return type.TryDecode(raw, out value, out _);
        return type.Codec.TryFromUcode(Data, out value, out _);
    }

    /// <summary>The ucode-style form: <c>{ level, type, data }</c>.</summary>
    public Dictionary<string, object?> ToDictionary() => new()
    {
        ["level"] = Level,
        ["type"] = Type,
        ["data"] = Data,
    };

    /// <summary>A short description, e.g. <c>SCM_RIGHTS [5, 6]</c> or <c>level 0 type 2: 64</c>.</summary>
    public override string ToString()
    {
        string head = Descriptor?.Name ?? string.Create(CultureInfo.InvariantCulture, $"level {Level} type {Type}");
        string body = Data switch
        {
            null => "null",
            byte[] b => Convert.ToHexString(b),
            IDictionary d => "{" + string.Join(", ", Entries(d)) + "}",
            _ => Convert.ToString(Data, CultureInfo.InvariantCulture) ?? "",
        };
        return head + ": " + body;

        static IEnumerable<string> Entries(IDictionary d)
        {
            foreach (DictionaryEntry e in d) yield return string.Create(CultureInfo.InvariantCulture, $"{e.Key}: {e.Value}");
        }
    }
}
