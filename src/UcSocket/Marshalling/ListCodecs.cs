using System.Diagnostics.CodeAnalysis;
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace UcSocket.Marshalling;

/// <summary><c>uints</c>: a list of native-order 32-bit unsigned integers, as long as the kernel makes it.</summary>
internal sealed class UInt32ArrayCodec : ValueCodec<uint[]>
{
    public override string Description => "__u32[]";
    public override int ReadBufferSize => 64;
    public override bool IsVariableSize => true;
    public override bool TryRead(ReadOnlySpan<byte> source, out uint[] value, [NotNullWhen(false)] out string? error)
    {
        value = Array.Empty<uint>();
        if (source.Length % 4 != 0)
        {
            error = IntegerWidth.BadLength(Description, source.Length);
            return false;
        }
        value = MemoryMarshal.Cast<byte, uint>(source).ToArray();
        error = null;
        return true;
    }
    public override int GetSize(in uint[] value) => (value?.Length ?? 0) * 4;
    public override bool TryWrite(in uint[] value, Span<byte> destination, out int written, out string? error)
    {
        error = null;
        var bytes = MemoryMarshal.AsBytes((value ?? Array.Empty<uint>()).AsSpan());
        written = bytes.Length;
        return bytes.TryCopyTo(destination);
    }
    public override object? ToUcode(in uint[] value) => value;
    public override bool TryFromUcode(object? value, out uint[] result, [NotNullWhen(false)] out string? error)
    {
        result = Array.Empty<uint>();
        error = null;
        if (value is uint[] typed)
        {
            result = typed;
            return true;
        }
        if (value is not IEnumerable items || value is string || value is IDictionary)
        {
            error = $"Expecting an array of unsigned integers, got {UcodeValue.Describe(value)}";
            return false;
        }
        var list = new List<uint>();
        foreach (var item in items)
        {
            if (!UcodeValue.TryToRange(item, 0, uint.MaxValue, out long l))
            {
                error = $"Item {list.Count} is not an unsigned 32-bit integer ({UcodeValue.Describe(item)})";
                return false;
            }
            list.Add((uint)l);
        }
        result = list.ToArray();
        return true;
    }
}

/// <summary><c>fds</c>: a list of file descriptors (SCM_RIGHTS, SCM_PIDFD, SO_PEERPIDFD).</summary>
internal sealed class FileDescriptorsCodec : ValueCodec<FileDescriptors>
{
    public override string Description => "int[] (file descriptors)";
    public override int ReadBufferSize => 4 * 253; // SCM_MAX_FD
    public override bool IsVariableSize => true;
    /// <summary>The numbers in <paramref name="source"/>, not owned: bytes never become owning handles.</summary>
    public override bool TryRead(ReadOnlySpan<byte> source, out FileDescriptors value, [NotNullWhen(false)] out string? error)
    {
        value = UcSocket.FileDescriptors.Borrow(Numbers(source));
        error = source.Length % 4 == 0 ? null : IntegerWidth.BadLength(Description, source.Length);
        return error is null;
    }

    /// <summary>Descriptors the kernel just installed (SO_PEERPIDFD): owned, even from a ragged payload, so that none leaks.</summary>
    internal override bool TryReadReceived(ReadOnlySpan<byte> source, out FileDescriptors value, [NotNullWhen(false)] out string? error)
    {
        value = UcSocket.FileDescriptors.TakeOwnership(Numbers(source));
        error = null;
        return true;
    }

    private static ReadOnlySpan<int> Numbers(ReadOnlySpan<byte> source) => MemoryMarshal.Cast<byte, int>(source[..(source.Length / 4 * 4)]);
    public override int GetSize(in FileDescriptors value) => value.Count * 4;
    public override bool TryWrite(in FileDescriptors value, Span<byte> destination, out int written, out string? error)
    {
        written = value.Count * 4;
        error = null;
        if (destination.Length < written) return false;
        for (int i = 0; i < value.Count; i++)
        {
            var h = value[i];
            if (h.IsClosed || h.IsInvalid)
            {
                error = $"Descriptor {i} is closed or invalid";
                return false;
            }
            int fd = (int)h.DangerousGetHandle();
            MemoryMarshal.Write(destination.Slice(i * 4), in fd);
        }
        return true;
    }
    public override object? ToUcode(in FileDescriptors value) => value;
    public override bool TryFromUcode(object? value, out FileDescriptors result, [NotNullWhen(false)] out string? error)
    {
        error = null;
        result = null!;
        if (value is FileDescriptors f)
        {
            result = f;
            return true;
        }
        if (value is not IEnumerable items || value is string)
        {
            error = $"Expecting an array of file descriptors, got {UcodeValue.Describe(value)}";
            return false;
        }
        var handles = new List<SafeHandle>();
        int index = 0;
        foreach (var item in items)
        {
            switch (item)
            {
                case SafeHandle h: handles.Add(h); break;
                case IFileDescriptorOwner o: handles.Add(o.SafeHandle); break;
                case FileStream fs: handles.Add(fs.SafeFileHandle); break;
                default:
                    if (UcodeValue.TryToRange(item, 0, int.MaxValue, out long fd))
                    {
                        handles.Add(new Microsoft.Win32.SafeHandles.SafeFileHandle((nint)fd, ownsHandle: false));
                        break;
                    }
                    error = $"Descriptor {index} is not a file descriptor ({UcodeValue.Describe(item)})";
                    return false;
            }
            index++;
        }
        result = new FileDescriptors(handles.ToArray());
        return true;
    }
}

/// <summary><c>none</c>: no value; an int 0 is written.</summary>
internal sealed class NoneCodec : ValueCodec<NoValue>
{
    public override string Description => "none";
    public override int ReadBufferSize => 0;
    public override bool TryRead(ReadOnlySpan<byte> source, out NoValue value, [NotNullWhen(false)] out string? error)
    {
        value = default;
        error = null;
        return true;
    }
    public override int GetSize(in NoValue value) => 4;
    public override bool TryWrite(in NoValue value, Span<byte> destination, out int written, out string? error)
    {
        written = 4;
        error = null;
        if (destination.Length < 4) return false;
        destination[..4].Clear();
        return true;
    }
    public override object? ToUcode(in NoValue value) => null;
    public override bool TryFromUcode(object? value, out NoValue result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        error = null;
        return true;
    }
}
