using System;
using System.Text;

namespace UcSocket.Marshalling;

/// <summary><c>string</c>/<c>bytes</c>: raw bytes, passed as is.</summary>
internal sealed class BytesCodec : ValueCodec<byte[]>
{
    public override string Description => "bytes";
    public override int ReadBufferSize => 64;
    public override bool IsVariableSize => true;
    public override bool TryRead(ReadOnlySpan<byte> source, out byte[] value, out string? error)
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
    public override bool TryFromUcode(object? value, out byte[] result, out string? error)
    {
        error = null;
        switch (value)
        {
            case byte[] b: result = b; return true;
            case ReadOnlyMemory<byte> m: result = m.ToArray(); return true;
            case Memory<byte> m2: result = m2.ToArray(); return true;
            case null: result = Array.Empty<byte>(); return true;
            case string s: result = Encoding.UTF8.GetBytes(s); return true;
            default:
                result = Encoding.UTF8.GetBytes(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                return true;
        }
    }
}

/// <summary><c>cstring</c>: UTF-8 text; NUL-terminated when written, trailing NULs dropped when read.</summary>
internal sealed class CStringCodec : ValueCodec<string>
{
    public override string Description => "NUL-terminated string";
    public override int ReadBufferSize => 64;
    public override bool IsVariableSize => true;
    public override bool TryRead(ReadOnlySpan<byte> source, out string value, out string? error)
    {
        int end = source.IndexOf((byte)0);
        value = Encoding.UTF8.GetString(end < 0 ? source : source[..end]);
        error = null;
        return true;
    }
    public override int GetSize(in string value) => Encoding.UTF8.GetByteCount(value) + 1;
    public override bool TryWrite(in string value, Span<byte> destination, out int written, out string? error)
    {
        written = 0;
        error = null;
        int n = Encoding.UTF8.GetByteCount(value);
        if (destination.Length < n + 1) return false;
        Encoding.UTF8.GetBytes(value, destination);
        destination[n] = 0;
        written = n + 1;
        return true;
    }
    public override object? ToUcode(in string value) => value;
    public override bool TryFromUcode(object? value, out string result, out string? error)
    {
        error = null;
        result = value switch
        {
            string s => s,
            byte[] b => Encoding.UTF8.GetString(b),
            null => "",
            _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        };
        if (result.Contains('\0'))
        {
            error = "String value contains a NUL character";
            return false;
        }
        return true;
    }
}
