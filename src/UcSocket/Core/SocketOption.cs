using System;
using UcSocket.Marshalling;
using UcSocket.Native;

namespace UcSocket;

/// <summary>A socket option at a (level, option) pair; what every option descriptor has in common.</summary>
public interface ISocketOption
{
    /// <summary>The option constant's name, e.g. <c>SO_LINGER</c>.</summary>
    string Name { get; }

    /// <summary>The protocol level, e.g. <c>SOL_SOCKET</c>.</summary>
    int Level { get; }

    /// <summary>The option number, e.g. <c>SO_LINGER</c>.</summary>
    int Option { get; }
}

/// <summary>An option that can be read as <typeparamref name="T"/>.</summary>
public interface IReadableOption<T> : ISocketOption
{
    /// <summary>Decodes what getsockopt returns.</summary>
    ValueCodec<T> GetCodec { get; }
}

/// <summary>An option that can be written from <typeparamref name="T"/>.</summary>
public interface IWritableOption<T> : ISocketOption
{
    /// <summary>Encodes what setsockopt takes.</summary>
    ValueCodec<T> SetCodec { get; }
}

/// <summary>
/// A socket option known to the registry, usable the ucode way (boxed values and dictionaries). The typed
/// subclasses <see cref="SocketOption{TGet,TSet}"/>, <see cref="ReadOnlySocketOption{T}"/> and
/// <see cref="WriteOnlySocketOption{T}"/> are generated from the spec as <c>SockOpt.*</c>.
/// </summary>
public abstract class SocketOption : ISocketOption
{
    /// <summary>Creates the descriptor.</summary>
    private protected SocketOption(string name, int level, int option)
    {
        Name = name;
        Level = level;
        Option = option;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Level { get; }

    /// <inheritdoc/>
    public int Option { get; }

    /// <summary>True when the option can be read.</summary>
    public abstract bool CanGet { get; }

    /// <summary>True when the option can be written.</summary>
    public abstract bool CanSet { get; }

    /// <summary>What getsockopt returns (e.g. <c>struct linger</c>), or null for write-only options.</summary>
    public abstract string? GetDescription { get; }

    /// <summary>What setsockopt takes, or null for read-only options.</summary>
    public abstract string? SetDescription { get; }

    /// <summary>The buffer size to offer getsockopt first.</summary>
    public abstract int ReadBufferSize { get; }

    /// <summary>True when the read value has no fixed size, so the buffer may have to grow.</summary>
    public abstract bool IsVariableSize { get; }

    /// <summary>Decodes getsockopt's bytes to the ucode-style value (bool, int, string, bytes, dictionary, ...).</summary>
    public abstract bool TryDecodeUcode(ReadOnlySpan<byte> raw, out object? value, out ErrorInfo error);

    /// <summary>Encodes a ucode-style value to the bytes setsockopt takes.</summary>
    public abstract bool TryEncodeUcode(object? value, out byte[] encoded, out ErrorInfo error);

    /// <summary>Sets the option on a descriptor from a ucode-style value, without allocating for fixed-size values.</summary>
    internal abstract bool TrySetUcode(int fd, object? value, out ErrorInfo error);

    /// <summary>Reads the option from a descriptor as a ucode-style value.</summary>
    internal abstract bool TryGetUcode(int fd, out object? value, out ErrorInfo error);

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal static ErrorInfo ReadOnlyError => new(Errno.EOPNOTSUPP, "Socket option is read only");

    internal static ErrorInfo WriteOnlyError => new(Errno.EOPNOTSUPP, "Socket option is write only");
}

/// <summary>The shared implementation of the typed descriptors.</summary>
public abstract class TypedSocketOption<TGet, TSet> : SocketOption
{
    private readonly ValueCodec<TGet>? _get;
    private readonly ValueCodec<TSet>? _set;

    private protected TypedSocketOption(string name, int level, int option, ValueCodec<TGet>? get, ValueCodec<TSet>? set)
        : base(name, level, option)
    {
        _get = get;
        _set = set;
    }

    /// <inheritdoc/>
    public override bool CanGet => _get is not null;

    /// <inheritdoc/>
    public override bool CanSet => _set is not null;

    /// <inheritdoc/>
    public override string? GetDescription => _get?.Description;

    /// <inheritdoc/>
    public override string? SetDescription => _set?.Description;

    /// <inheritdoc/>
    public override int ReadBufferSize => _get?.ReadBufferSize ?? 0;

    /// <inheritdoc/>
    public override bool IsVariableSize => _get?.IsVariableSize ?? false;

    private protected ValueCodec<TGet> Getter => _get!;

    private protected ValueCodec<TSet> Setter => _set!;

    /// <inheritdoc/>
    public override bool TryDecodeUcode(ReadOnlySpan<byte> raw, out object? value, out ErrorInfo error)
    {
        if (_get is not null) return _get.TryDecodeUcode(raw, out value, out error);
        value = null;
        error = WriteOnlyError;
        return false;
    }

    /// <inheritdoc/>
    public override bool TryEncodeUcode(object? value, out byte[] encoded, out ErrorInfo error)
    {
        if (_set is not null) return _set.TryEncodeUcode(value, out encoded, out error);
        encoded = Array.Empty<byte>();
        error = ReadOnlyError;
        return false;
    }

    internal override bool TryGetUcode(int fd, out object? value, out ErrorInfo error)
    {
        value = null;
        if (_get is null)
        {
            error = WriteOnlyError;
            return false;
        }
        if (!OptionIO.TryGet(fd, Level, Option, _get, out var typed, out error)) return false;
        value = _get.ToUcode(typed);
        return true;
    }

    internal override bool TrySetUcode(int fd, object? value, out ErrorInfo error)
    {
        if (_set is null)
        {
            error = ReadOnlyError;
            return false;
        }
        if (!_set.TryFromUcode(value, out var typed, out var text))
        {
            error = ErrorInfo.Invalid(text ?? "Unable to convert value");
            return false;
        }
        return OptionIO.TrySet(fd, Level, Option, _set, typed, out error);
    }
}

/// <summary>An option that is read as <typeparamref name="TGet"/> and written as <typeparamref name="TSet"/> (the same type for most options).</summary>
public sealed class SocketOption<TGet, TSet> : TypedSocketOption<TGet, TSet>, IReadableOption<TGet>, IWritableOption<TSet>
{
    /// <summary>Creates the descriptor (generated code does this).</summary>
    public SocketOption(string name, int level, int option, ValueCodec<TGet> get, ValueCodec<TSet> set)
        : base(name, level, option, get ?? throw new ArgumentNullException(nameof(get)), set ?? throw new ArgumentNullException(nameof(set)))
    {
    }

    /// <inheritdoc/>
    public ValueCodec<TGet> GetCodec => Getter;

    /// <inheritdoc/>
    public ValueCodec<TSet> SetCodec => Setter;
}

/// <summary>An option that can only be read (e.g. <c>SO_TYPE</c>, <c>TCP_INFO</c>).</summary>
public sealed class ReadOnlySocketOption<T> : TypedSocketOption<T, NoValue>, IReadableOption<T>
{
    /// <summary>Creates the descriptor (generated code does this).</summary>
    public ReadOnlySocketOption(string name, int level, int option, ValueCodec<T> get)
        : base(name, level, option, get ?? throw new ArgumentNullException(nameof(get)), null)
    {
    }

    /// <inheritdoc/>
    public ValueCodec<T> GetCodec => Getter;
}

/// <summary>An option that can only be written (e.g. <c>IP_ADD_MEMBERSHIP</c>).</summary>
public sealed class WriteOnlySocketOption<T> : TypedSocketOption<NoValue, T>, IWritableOption<T>
{
    /// <summary>Creates the descriptor (generated code does this).</summary>
    public WriteOnlySocketOption(string name, int level, int option, ValueCodec<T> set)
        : base(name, level, option, null, set ?? throw new ArgumentNullException(nameof(set)))
    {
    }

    /// <inheritdoc/>
    public ValueCodec<T> SetCodec => Setter;
}
