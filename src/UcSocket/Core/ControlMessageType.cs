using System.Diagnostics.CodeAnalysis;
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

    /// <summary>True when the payload is descriptors the kernel installs in the receiving process (SCM_RIGHTS, SCM_PIDFD).</summary>
    public abstract bool CarriesDescriptors { get; }

    /// <summary>The payload size of a complete message, or 0 when payloads have no fixed size.</summary>
    internal abstract int FixedSize { get; }

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

    /// <inheritdoc/>
    public override bool CarriesDescriptors => typeof(T) == typeof(FileDescriptors);

    internal override int FixedSize => Codec.IsVariableSize ? 0 : Codec.ReadBufferSize;

    /// <summary>
    /// Decodes a payload to its typed value. Descriptors (SCM_RIGHTS, SCM_PIDFD) decoded from bytes are only
    /// numbers: the result does not own them (a received message's descriptors are owned by the message).
    /// </summary>
    public bool TryDecode(ReadOnlySpan<byte> payload, [MaybeNullWhen(false)] out T value, [NotNullWhen(false)] out string? error) => Codec.TryRead(payload, out value, out error);

    /// <inheritdoc/>
    public override bool TryDecodeUcode(ReadOnlySpan<byte> payload, out object? data, out ErrorInfo error) =>
        Codec.TryDecodeUcode(payload, out data, out error);

    /// <inheritdoc/>
    public override bool TryEncodeUcode(object? data, out byte[] payload, out ErrorInfo error) =>
        Codec.TryEncodeUcode(data, out payload, out error);
}
