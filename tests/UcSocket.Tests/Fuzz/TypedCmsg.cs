using System;
using System.Collections.Generic;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// The typed calls of one registered control-message type (<c>ControlMessageType&lt;T&gt;</c>), made through one
/// non-generic object so that a property can pick the type at random.
/// </summary>
internal abstract class TypedCmsg
{
    protected TypedCmsg(ControlMessageType type) => Type = type;

    public ControlMessageType Type { get; }

    /// <summary>The C# payload type (T of <c>ControlMessageType&lt;T&gt;</c>).</summary>
    public abstract Type PayloadType { get; }

    public bool CarriesDescriptors => PayloadType == typeof(FileDescriptors);

    /// <summary><c>ControlMessageType&lt;T&gt;.TryDecode</c>: the decoded value (boxed), or null when it does not decode.</summary>
    public abstract object? Decode(byte[] payload);

    /// <summary><c>ControlMessage.TryGetData</c> of a message holding <paramref name="data"/>.</summary>
    public abstract object? GetData(ControlMessage message);

    /// <summary>Converts a ucode-style value to the typed payload through the codec, or null when it does not convert.</summary>
    public abstract object? FromUcode(object? value);

    /// <summary>The payload bytes of a typed value, through the codec (how values are compared: generated structs with arrays cannot be compared with Equals).</summary>
    public abstract byte[]? Encode(object typed);

    /// <summary>The payload size the codec gives for a typed value (what TryAdd reserves).</summary>
    public abstract int Size(object typed);

    /// <summary><c>ControlBuffer.TryAdd&lt;T&gt;</c> with a typed value (from <see cref="FromUcode"/>).</summary>
    public abstract bool TryAdd(ControlBuffer buffer, object typed);

    /// <summary><c>ControlBuffer.TryGet&lt;T&gt;</c>: the value, or null.</summary>
    public abstract object? TryGet(ControlBuffer buffer);

    /// <summary><c>ControlMessageView.TryGet&lt;T&gt;</c>: the value, or null.</summary>
    public abstract object? TryGet(ControlMessageView view);

    private static readonly Lazy<IReadOnlyList<TypedCmsg>> s_all = new(() => SpecRegistry.ControlMessages
        .Select(t => (TypedCmsg)Activator.CreateInstance(typeof(TypedCmsg<>).MakeGenericType(t.GetType().GetGenericArguments()[0]), t)!)
        .ToList());

    /// <summary>Every registered type.</summary>
    public static IReadOnlyList<TypedCmsg> All => s_all.Value;

    public static TypedCmsg? Find(int level, int type) => All.FirstOrDefault(t => t.Type.Level == level && t.Type.Type == type);
}

internal sealed class TypedCmsg<T> : TypedCmsg
{
    private readonly ControlMessageType<T> _type;

    public TypedCmsg(ControlMessageType<T> type) : base(type) => _type = type;

    public override Type PayloadType => typeof(T);

    public override object? Decode(byte[] payload) => _type.TryDecode(payload, out var value, out _) ? value : null;

    public override object? GetData(ControlMessage message) => message.TryGetData(_type, out var value) ? value : null;

    public override object? FromUcode(object? value) => _type.Codec.TryFromUcode(value, out var typed, out _) ? typed : null;

    public override byte[]? Encode(object typed)
    {
        var value = (T)typed;
        var bytes = new byte[_type.Codec.GetSize(value)];
        return _type.Codec.TryWrite(value, bytes, out int written, out _) ? bytes[..written] : null;
    }

    public override int Size(object typed) => _type.Codec.GetSize((T)typed);

    public override bool TryAdd(ControlBuffer buffer, object typed) => buffer.TryAdd(_type, (T)typed);

    public override object? TryGet(ControlBuffer buffer) => buffer.TryGet(_type, out var value) ? value : null;

    public override object? TryGet(ControlMessageView view) => view.TryGet(_type, out var value) ? value : null;
}
