using System.Diagnostics.CodeAnalysis;
using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace UcSocket.Marshalling;

/// <summary>How an integer codec reads and writes its bytes.</summary>
internal enum IntegerLayout
{
    /// <summary>Native byte order; a read takes exactly <c>sizeof(T)</c> bytes.</summary>
    Exact,

    /// <summary>Native byte order; a read takes the width the kernel returned (1, 2, 4 or 8 bytes), as ucode does.</summary>
    AnyWidth,

    /// <summary>Network byte order (big-endian); a read takes exactly <c>sizeof(T)</c> bytes.</summary>
    BigEndian,
}

/// <summary>
/// The codec of one integer kind (<c>int</c>, <c>uint</c>, <c>u16</c>, <c>u64</c>, <c>be32</c>): one
/// implementation over <see cref="IBinaryInteger{TSelf}"/>, the byte order and read width as parameters. ucode-style
/// values are range-checked against <typeparamref name="T"/>, never truncated.
/// </summary>
internal sealed class IntegerCodec<T> : ValueCodec<T> where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
{
    private static readonly bool s_signed = T.IsNegative(T.MinValue);
    private readonly IntegerLayout _layout;
    private readonly string _kind, _range;

    /// <param name="description">The C type, e.g. <c>int</c>, <c>__be32</c>.</param>
    /// <param name="layout">Byte order and read width.</param>
    /// <param name="kind">What a bad value fails to convert to, e.g. <c>integer</c>, <c>unsigned integer</c>.</param>
    /// <param name="range">What a bad value is not, e.g. <c>an int</c>, <c>within 0..65535</c>.</param>
    public IntegerCodec(string description, IntegerLayout layout, string kind, string range)
    {
        Description = description;
        _layout = layout;
        _kind = kind;
        _range = range;
    }

    public override string Description { get; }

    public override int ReadBufferSize => Size;

    private static int Size => System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

    public override bool TryRead(ReadOnlySpan<byte> source, out T value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (source.Length == Size)
        {
            value = _layout == IntegerLayout.BigEndian
                ? T.ReadBigEndian(source, isUnsigned: !s_signed)
                : MemoryMarshal.Read<T>(source);
            return true;
        }
        if (_layout == IntegerLayout.AnyWidth && IntegerWidth.TryRead(source, s_signed, out long wide))
        {
            value = T.CreateTruncating(wide);
            return true;
        }
        value = default;
        error = IntegerWidth.BadLength(Description, source.Length);
        return false;
    }

    public override int GetSize(in T value) => Size;

    public override bool TryWrite(in T value, Span<byte> destination, out int written, out string? error)
    {
        written = Size;
        error = null;
        if (destination.Length < Size) return false;
        if (_layout == IntegerLayout.BigEndian) value.WriteBigEndian(destination);
        else MemoryMarshal.Write(destination, in value);
        return true;
    }

    public override object? ToUcode(in T value) => value;

    public override bool TryFromUcode(object? value, out T result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (value is T typed)
        {
            result = typed;
            return true;
        }
        if (s_signed || T.MaxValue <= T.CreateTruncating(long.MaxValue))
        {
            if (UcodeValue.TryToRange(value, long.CreateSaturating(T.MinValue), long.CreateSaturating(T.MaxValue), out long l))
            {
                result = T.CreateTruncating(l);
                return true;
            }
        }
        else if (UcodeValue.TryToUInt64(value, out ulong u) && u <= ulong.CreateSaturating(T.MaxValue))
        {
            result = T.CreateTruncating(u);
            return true;
        }
        result = default;
        error = $"Unable to convert value to {_kind} ({UcodeValue.Describe(value)} is not {_range})";
        return false;
    }
}

/// <summary>The integer widths ucode accepts from the kernel.</summary>
internal static class IntegerWidth
{
    /// <summary>
    /// Reads an integer of the width the kernel returned (1, 2, 4 or 8 bytes), as ucode does: a byte unsigned (the
    /// kernel returns single bytes for unsigned char options), wider values sign-extended when <paramref name="signed"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, bool signed, out long value)
    {
        switch (source.Length)
        {
            case 1: value = source[0]; return true;
            case 2: value = signed ? MemoryMarshal.Read<short>(source) : MemoryMarshal.Read<ushort>(source); return true;
            case 4: value = signed ? MemoryMarshal.Read<int>(source) : MemoryMarshal.Read<uint>(source); return true;
            case 8: value = MemoryMarshal.Read<long>(source); return true;
            default: value = 0; return false;
        }
    }

    public static string BadLength(string what, int length) => $"Unexpected {length}-byte value for {what}";
}

/// <summary><c>bool</c>: an int that is 0 or 1 on the wire (read at any width, as ucode does), a bool in C#.</summary>
internal sealed class BoolCodec : ValueCodec<bool>
{
    public override string Description => "int (boolean)";
    public override int ReadBufferSize => 4;

    public override bool TryRead(ReadOnlySpan<byte> source, out bool value, [NotNullWhen(false)] out string? error)
    {
        bool ok = IntegerWidth.TryRead(source, signed: true, out long v);
        value = v != 0;
        error = ok ? null : IntegerWidth.BadLength(Description, source.Length);
        return ok;
    }

    public override int GetSize(in bool value) => 4;

    public override bool TryWrite(in bool value, Span<byte> destination, out int written, out string? error)
    {
        int v = value ? 1 : 0;
        written = 4;
        error = null;
        return MemoryMarshal.TryWrite(destination, in v);
    }

    public override object? ToUcode(in bool value) => value;

    public override bool TryFromUcode(object? value, out bool result, [NotNullWhen(false)] out string? error)
    {
        result = false;
        error = null;
        if (value is bool b)
        {
            result = b;
            return true;
        }
        if (UcodeValue.TryToInt64(value, out long l))
        {
            result = l != 0;
            return true;
        }
        error = $"Unable to convert value to boolean ({UcodeValue.Describe(value)})";
        return false;
    }
}
