using System.Diagnostics.CodeAnalysis;
using System;
using System.Buffers;

namespace UcSocket.Marshalling;

/// <summary><c>string</c>/<c>bytes</c>: raw bytes, passed as is.</summary>
internal sealed class BytesCodec : ValueCodec<byte[]>
{
    public override string Description => "bytes";
    public override int ReadBufferSize => 64;
    public override bool IsVariableSize => true;

    public override bool TryRead(ReadOnlySpan<byte> source, out byte[] value, [NotNullWhen(false)] out string? error)
    {
        value = source.ToArray();
        error = null;
        return true;
    }

    public override int GetSize(in byte[] value) => value.Length;

    public override bool TryWrite(in byte[] value, Span<byte> destination, out int written, out string? error)
    {
        written = value.Length;
        error = null;
        return value.AsSpan().TryCopyTo(destination);
    }

    public override object? ToUcode(in byte[] value) => value;

    /// <summary>Bytes as they are; text as its bytes (<see cref="SpecFields.EncodeBytes"/>); other values as ucode's text of them.</summary>
    public override bool TryFromUcode(object? value, out byte[] result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (value)
        {
            case byte[] b: result = b; return true;
            case ReadOnlyMemory<byte> m: result = m.ToArray(); return true;
            case Memory<byte> m2: result = m2.ToArray(); return true;
            case ArraySegment<byte> segment: result = segment.ToArray(); return true;
            case null: result = Array.Empty<byte>(); return true;
            case string s:
                result = SpecFields.EncodeBytes(s) ?? Array.Empty<byte>();
                error = result.Length == 0 && s.Length > 0 ? "Text value holds a lone surrogate that stands for no byte" : null;
                return error is null;
        }
        var writer = new ArrayBufferWriter<byte>(16);
        if (!UcodeText.TryWrite(value, writer, out var info))
        {
            result = Array.Empty<byte>();
            error = info.Context;
            return false;
        }
        result = writer.WrittenSpan.ToArray();
        return true;
    }
}

/// <summary>
/// <c>cstring</c>: text, NUL-terminated when written, read up to the first NUL. The bytes are UTF-8; bytes that are
/// not UTF-8 (an interface or algorithm name is only bytes to the kernel) read as text that writes back to the same
/// bytes (<see cref="SpecFields.DecodeBytes"/>).
/// </summary>
internal sealed class CStringCodec : ValueCodec<string>
{
    public override string Description => "NUL-terminated string";
    public override int ReadBufferSize => 64;
    public override bool IsVariableSize => true;

    public override bool TryRead(ReadOnlySpan<byte> source, out string value, [NotNullWhen(false)] out string? error)
    {
        int end = source.IndexOf((byte)0);
        value = SpecFields.DecodeBytes(end < 0 ? source : source[..end]);
        error = null;
        return true;
    }

    public override int GetSize(in string value) => (SpecFields.EncodeBytes(value)?.Length ?? 0) + 1;

    public override bool TryWrite(in string value, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        error = null;
        var bytes = SpecFields.EncodeBytes(value);
        if (bytes is null)
        {
            error = "String value holds a lone surrogate that stands for no byte";
            return false;
        }
        if (destination.Length < bytes.Length + 1) return false;
        bytes.CopyTo(destination);
        destination[bytes.Length] = 0;
        written = bytes.Length + 1;
        return true;
    }

    public override object? ToUcode(in string value) => value;

    public override bool TryFromUcode(object? value, out string result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        switch (value)
        {
            case string s: result = s; break;
            case byte[] b: result = SpecFields.DecodeBytes(b); break;
            case null: result = ""; break;
            default:
                var writer = new ArrayBufferWriter<byte>(16);
                if (!UcodeText.TryWrite(value, writer, out var info))
                {
                    result = "";
                    error = info.Context;
                    return false;
                }
                result = SpecFields.DecodeBytes(writer.WrittenSpan);
                break;
        }
        if (result.Contains('\0'))
        {
            error = "String value contains a NUL character";
            return false;
        }
        if (SpecFields.EncodeBytes(result) is null)
        {
            error = "String value holds a lone surrogate that stands for no byte";
            return false;
        }
        return true;
    }
}
