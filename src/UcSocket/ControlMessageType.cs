using System;
using UcSocket.Marshalling;

namespace UcSocket;

/// <summary>A control-message (ancillary data) type known to the registry, usable the ucode way.</summary>
public abstract class ControlMessageType
{
    private protected ControlMessageType(string name, int level, int type)
    {
        Name = name;
        Level = level;
        Type = type;
    }

    /// <summary>The type constant's name, e.g. <c>SCM_RIGHTS</c>.</summary>
    public string Name { get; }

    /// <summary>The cmsg level, e.g. <c>SOL_SOCKET</c>.</summary>
    public int Level { get; }

    /// <summary>The cmsg type, e.g. <c>SCM_RIGHTS</c>.</summary>
    public int Type { get; }

    /// <summary>What the payload holds, e.g. <c>int</c> or <c>struct ucred</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Decodes a payload to its ucode-style value.</summary>
    public abstract bool TryDecodeUcode(ReadOnlySpan<byte> payload, out object? data, out ErrorInfo error);

    /// <summary>Encodes a ucode-style value to a payload.</summary>
    public abstract bool TryEncodeUcode(object? data, out byte[] payload, out ErrorInfo error);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A control-message type whose payload is typed as <typeparamref name="T"/>; generated as <c>Cmsg.*</c>.</summary>
public sealed class ControlMessageType<T> : ControlMessageType
{
    /// <summary>Creates the descriptor (generated code does this).</summary>
    public ControlMessageType(string name, int level, int type, ValueCodec<T> codec) : base(name, level, type) =>
        Codec = codec ?? throw new ArgumentNullException(nameof(codec));

    /// <summary>The payload codec.</summary>
    public ValueCodec<T> Codec { get; }

    /// <inheritdoc/>
    public override string Description => Codec.Description;

    /// <summary>Decodes a payload to its typed value.</summary>
    public bool TryDecode(ReadOnlySpan<byte> payload, out T value, out string? error) => Codec.TryRead(payload, out value, out error);

    /// <inheritdoc/>
    public override bool TryDecodeUcode(ReadOnlySpan<byte> payload, out object? data, out ErrorInfo error) =>
        Codec.TryDecodeUcode(payload, out data, out error);

    /// <inheritdoc/>
    public override bool TryEncodeUcode(object? data, out byte[] payload, out ErrorInfo error) =>
        Codec.TryEncodeUcode(data, out payload, out error);
}
