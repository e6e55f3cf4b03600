using System;
using System.Buffers.Binary;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace UcSocket.Marshalling;

/// <summary>The codecs of the spec's scalar value kinds; generated descriptors refer to these.</summary>
public static class ValueCodecs
{
    /// <summary><c>bool</c>: an int that is 0 or 1 on the wire, a bool in C#.</summary>
    public static readonly ValueCodec<bool> Bool = new BoolCodec();

    /// <summary><c>int</c>: a native-order 32-bit signed integer.</summary>
    public static readonly ValueCodec<int> Int32 = new Int32Codec();

    /// <summary><c>uint</c>: a native-order 32-bit unsigned integer.</summary>
    public static readonly ValueCodec<uint> UInt32 = new UInt32Codec(bigEndian: false);

    /// <summary><c>be32</c>: a 32-bit unsigned integer in network byte order.</summary>
    public static readonly ValueCodec<uint> BigEndianUInt32 = new UInt32Codec(bigEndian: true);

    /// <summary><c>string</c>/<c>bytes</c>: raw bytes, passed as is.</summary>
    public static readonly ValueCodec<byte[]> Bytes = new BytesCodec();

    /// <summary><c>cstring</c>: UTF-8 text; NUL-terminated when written, trailing NULs dropped when read.</summary>
    public static readonly ValueCodec<string> CString = new CStringCodec();

    /// <summary><c>ifname</c>: an interface index on the wire, given as index or name.</summary>
    public static readonly ValueCodec<InterfaceId> InterfaceName = new InterfaceNameCodec();

    /// <summary><c>ipv4</c>: a <c>struct in_addr</c>.</summary>
    public static readonly ValueCodec<InAddr> Ipv4 = new Ipv4Codec();

    /// <summary><c>ipv6</c>: a <c>struct in6_addr</c>.</summary>
    public static readonly ValueCodec<In6Addr> Ipv6 = new Ipv6Codec();

    /// <summary>
    /// <c>none</c>: no value. The kernel ignores the value of such options (SO_DETACH_FILTER) but refuses an optlen
    /// below <c>sizeof(int)</c>, so an int 0 is written.
    /// </summary>
    public static readonly ValueCodec<NoValue> None = new NoneCodec();

    /// <summary><c>sockaddr</c>: any registered address family.</summary>
    public static readonly ValueCodec<SocketAddress> SocketAddress = new SocketAddressCodec();

    /// <summary><c>fds</c>: a list of file descriptors (SCM_RIGHTS).</summary>
    public static readonly ValueCodec<FileDescriptors> FileDescriptors = new FileDescriptorsCodec();

    /// <summary><c>u16</c>: a native-order 16-bit unsigned integer (e.g. the UDP_SEGMENT control message).</summary>
    public static readonly ValueCodec<ushort> UInt16 = new UInt16Codec();

    /// <summary><c>u64</c>: a native-order 64-bit unsigned integer (SO_COOKIE, SO_MAX_PACING_RATE, SCM_TXTIME).</summary>
    public static readonly ValueCodec<ulong> UInt64 = new UInt64Codec();

    /// <summary><c>uints</c>: a list of native-order 32-bit unsigned integers, as long as the kernel makes it (SO_MEMINFO, SO_PEERGROUPS).</summary>
    public static readonly ValueCodec<uint[]> UInt32Array = new UInt32ArrayCodec();

    /// <summary>
    /// <c>bpf</c>: a classic BPF program, passed as a <c>struct sock_fprog</c> that points at its instructions
    /// (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF). Write-only. The instructions are written right after the
    /// <c>sock_fprog</c> in the same buffer (<see cref="ValueCodec{T}.GetSize"/> bytes), the pointer refers to them,
    /// and the length written is that of the <c>sock_fprog</c> alone, as the kernel wants. The encoded bytes are
    /// therefore valid only in the buffer they were written to, while it stays where it is: setsockopt through the
    /// library keeps it pinned; bytes from <see cref="SocketOption.TryEncodeUcode"/> are not fit to be passed to the kernel.
    /// </summary>
    public static readonly ValueCodec<SockFilter[]> BpfProgram = new BpfProgramCodec();

    /// <summary>Reads an integer of the width the kernel returned (1, 2, 4 or 8 bytes), as ucode does.</summary>
    internal static bool TryReadInteger(ReadOnlySpan<byte> source, out long value)
    {
        switch (source.Length)
        {
            case 1: value = source[0]; return true;
            case 2: value = MemoryMarshal.Read<short>(source); return true;
            case 4: value = MemoryMarshal.Read<int>(source); return true;
            case 8: value = MemoryMarshal.Read<long>(source); return true;
            default: value = 0; return false;
        }
    }

    private static string BadLength(string what, int length) => $"Unexpected {length}-byte value for {what}";

    private sealed class BoolCodec : ValueCodec<bool>
    {
        public override string Description => "int (boolean)";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out bool value, out string? error)
        {
            bool ok = TryReadInteger(source, out long v);
            value = v != 0;
            error = ok ? null : BadLength(Description, source.Length);
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
        public override bool TryFromUcode(object? value, out bool result, out string? error)
        {
            result = false;
            error = null;
            if (value is bool b) { result = b; return true; }
            if (UcodeValue.TryToInt64(value, out long l)) { result = l != 0; return true; }
            error = $"Unable to convert value to boolean ({UcodeValue.Describe(value)})";
            return false;
        }
    }

    private sealed class Int32Codec : ValueCodec<int>
    {
        public override string Description => "int";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out int value, out string? error)
        {
            bool ok = TryReadInteger(source, out long v);
            value = unchecked((int)v);
            error = ok ? null : BadLength(Description, source.Length);
            return ok;
        }
        public override int GetSize(in int value) => 4;
        public override bool TryWrite(in int value, Span<byte> destination, out int written, out string? error)
        {
            written = 4;
            error = null;
            return MemoryMarshal.TryWrite(destination, in value);
        }
        public override object? ToUcode(in int value) => value;
        public override bool TryFromUcode(object? value, out int result, out string? error)
        {
            result = 0;
            if (UcodeValue.TryToRange(value, int.MinValue, int.MaxValue, out long l))
            {
                result = (int)l;
                error = null;
                return true;
            }
            error = $"Unable to convert value to integer ({UcodeValue.Describe(value)} is not an int)";
            return false;
        }
    }

    private sealed class UInt32Codec : ValueCodec<uint>
    {
        private readonly bool _bigEndian;
        public UInt32Codec(bool bigEndian) => _bigEndian = bigEndian;
        public override string Description => _bigEndian ? "__be32" : "unsigned int";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out uint value, out string? error)
        {
            value = 0;
            if (source.Length != 4)
            {
                error = BadLength(Description, source.Length);
                return false;
            }
            value = _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : MemoryMarshal.Read<uint>(source);
            error = null;
            return true;
        }
        public override int GetSize(in uint value) => 4;
        public override bool TryWrite(in uint value, Span<byte> destination, out int written, out string? error)
        {
            written = 4;
            error = null;
            if (destination.Length < 4) return false;
            if (_bigEndian) BinaryPrimitives.WriteUInt32BigEndian(destination, value);
            else MemoryMarshal.Write(destination, in value);
            return true;
        }
        public override object? ToUcode(in uint value) => value;
        public override bool TryFromUcode(object? value, out uint result, out string? error)
        {
            result = 0;
            if (UcodeValue.TryToRange(value, 0, uint.MaxValue, out long l))
            {
                result = (uint)l;
                error = null;
                return true;
            }
            error = $"Unable to convert value to unsigned integer ({UcodeValue.Describe(value)} is not a uint)";
            return false;
        }
    }

    private sealed class BytesCodec : ValueCodec<byte[]>
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

    private sealed class CStringCodec : ValueCodec<string>
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

    private sealed class InterfaceNameCodec : ValueCodec<InterfaceId>
    {
        public override string Description => "int (interface index)";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out InterfaceId value, out string? error)
        {
            bool ok = TryReadInteger(source, out long v);
            value = new InterfaceId(unchecked((int)v));
            error = ok ? null : BadLength(Description, source.Length);
            return ok;
        }
        public override int GetSize(in InterfaceId value) => 4;
        public override bool TryWrite(in InterfaceId value, Span<byte> destination, out int written, out string? error)
        {
            written = 4;
            if (!SpecFields.TryResolveInterface(value, out int index, out error)) return false;
            return MemoryMarshal.TryWrite(destination, in index);
        }
        public override object? ToUcode(in InterfaceId value) =>
            value.Name ?? (object?)Native.InterfaceNames.IndexToName(value.Index) ?? value.Index;
        public override bool TryFromUcode(object? value, out InterfaceId result, out string? error)
        {
            error = null;
            switch (value)
            {
                case InterfaceId id: result = id; return true;
                case string s when !UcodeValue.TryToInt64(s, out _): result = new InterfaceId(s); return true;
            }
            if (UcodeValue.TryToRange(value, int.MinValue, int.MaxValue, out long l))
            {
                result = new InterfaceId((int)l);
                return true;
            }
            result = default;
            error = $"Unable to convert value to integer ({UcodeValue.Describe(value)} is no interface name or index)";
            return false;
        }
    }

    private sealed class Ipv4Codec : ValueCodec<InAddr>
    {
        public override string Description => "struct in_addr";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out InAddr value, out string? error)
        {
            value = default;
            if (source.Length < 4)
            {
                error = BadLength(Description, source.Length);
                return false;
            }
            value = new InAddr(source);
            error = null;
            return true;
        }
        public override int GetSize(in InAddr value) => 4;
        public override bool TryWrite(in InAddr value, Span<byte> destination, out int written, out string? error)
        {
            written = 4;
            error = null;
            if (destination.Length < 4) return false;
            value.CopyTo(destination);
            return true;
        }
        public override object? ToUcode(in InAddr value) => value.ToString();
        public override bool TryFromUcode(object? value, out InAddr result, out string? error)
        {
            error = null;
            if (value is InAddr a) { result = a; return true; }
            if (value is string s && InAddr.TryParse(s, out result)) return true;
            result = default;
            error = $"Unable to convert value to IP address ({UcodeValue.Describe(value)})";
            return false;
        }
    }

    private sealed class Ipv6Codec : ValueCodec<In6Addr>
    {
        public override string Description => "struct in6_addr";
        public override int ReadBufferSize => 16;
        public override bool TryRead(ReadOnlySpan<byte> source, out In6Addr value, out string? error)
        {
            value = default;
            if (source.Length < 16)
            {
                error = BadLength(Description, source.Length);
                return false;
            }
            value = new In6Addr(source);
            error = null;
            return true;
        }
        public override int GetSize(in In6Addr value) => 16;
        public override bool TryWrite(in In6Addr value, Span<byte> destination, out int written, out string? error)
        {
            written = 16;
            error = null;
            if (destination.Length < 16) return false;
            value.CopyTo(destination);
            return true;
        }
        public override object? ToUcode(in In6Addr value) => value.ToString();
        public override bool TryFromUcode(object? value, out In6Addr result, out string? error)
        {
            error = null;
            if (value is In6Addr a) { result = a; return true; }
            if (value is string s && In6Addr.TryParse(s, out result)) return true;
            result = default;
            error = $"Unable to convert value to IPv6 address ({UcodeValue.Describe(value)})";
            return false;
        }
    }

    private sealed class NoneCodec : ValueCodec<NoValue>
    {
        public override string Description => "none";
        public override int ReadBufferSize => 0;
        public override bool TryRead(ReadOnlySpan<byte> source, out NoValue value, out string? error)
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
        public override bool TryFromUcode(object? value, out NoValue result, out string? error)
        {
            result = default;
            error = null;
            return true;
        }
    }

    private sealed class SocketAddressCodec : ValueCodec<SocketAddress>
    {
        public override string Description => "struct sockaddr";
        public override int ReadBufferSize => 128;
        public override bool IsVariableSize => true;
        public override bool TryRead(ReadOnlySpan<byte> source, out SocketAddress value, out string? error)
        {
            var decoded = SpecFields.ReadSockaddr(source);
            value = decoded!;
            error = decoded is null ? "Unsupported socket address family" : null;
            return decoded is not null;
        }
        public override int GetSize(in SocketAddress value) =>
            SpecRegistry.TryGetFamily(value.Family, out var codec) ? codec.MaxSize : 128;
        public override bool TryWrite(in SocketAddress value, Span<byte> destination, out int written, out string? error)
        {
            written = 0;
            if (!SpecRegistry.TryGetFamily(value.Family, out var codec))
            {
                error = "Unsupported socket address family";
                return false;
            }
            return codec.TryEncode(value, destination, out written, out error);
        }
        public override object? ToUcode(in SocketAddress value) => value.ToDictionary();
        public override bool TryFromUcode(object? value, out SocketAddress result, out string? error)
        {
            bool ok = AddressConversion.TryConvert(value, out var address, out var info);
            result = address!;
            error = ok ? null : info.Context;
            return ok;
        }
    }

    private sealed class FileDescriptorsCodec : ValueCodec<FileDescriptors>
    {
        public override string Description => "int[] (file descriptors)";
        public override int ReadBufferSize => 4 * 253; // SCM_MAX_FD
        public override bool IsVariableSize => true;
        public override bool TryRead(ReadOnlySpan<byte> source, out FileDescriptors value, out string? error)
        {
            var fds = MemoryMarshal.Cast<byte, int>(source[..(source.Length / 4 * 4)]);
            value = UcSocket.FileDescriptors.TakeOwnership(fds);
            error = source.Length % 4 == 0 ? null : BadLength(Description, source.Length);
            return true; // the descriptors are taken over even from a ragged payload so that none leaks
        }
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
        public override bool TryFromUcode(object? value, out FileDescriptors result, out string? error)
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

    private sealed class UInt16Codec : ValueCodec<ushort>
    {
        public override string Description => "__u16";
        public override int ReadBufferSize => 2;
        public override bool TryRead(ReadOnlySpan<byte> source, out ushort value, out string? error)
        {
            value = 0;
            if (source.Length != 2)
            {
                error = BadLength(Description, source.Length);
                return false;
            }
            value = MemoryMarshal.Read<ushort>(source);
            error = null;
            return true;
        }
        public override int GetSize(in ushort value) => 2;
        public override bool TryWrite(in ushort value, Span<byte> destination, out int written, out string? error)
        {
            written = 2;
            error = null;
            return MemoryMarshal.TryWrite(destination, in value);
        }
        public override object? ToUcode(in ushort value) => value;
        public override bool TryFromUcode(object? value, out ushort result, out string? error)
        {
            result = 0;
            if (UcodeValue.TryToRange(value, 0, ushort.MaxValue, out long l))
            {
                result = (ushort)l;
                error = null;
                return true;
            }
            error = $"Unable to convert value to 16-bit unsigned integer ({UcodeValue.Describe(value)} is not within 0..65535)";
            return false;
        }
    }

    private sealed class UInt64Codec : ValueCodec<ulong>
    {
        public override string Description => "__u64";
        public override int ReadBufferSize => 8;
        public override bool TryRead(ReadOnlySpan<byte> source, out ulong value, out string? error)
        {
            error = null;
            switch (source.Length)
            {
                case 8: value = MemoryMarshal.Read<ulong>(source); return true;
                case 4: value = MemoryMarshal.Read<uint>(source); return true;
                default:
                    value = 0;
                    error = BadLength(Description, source.Length);
                    return false;
            }
        }
        public override int GetSize(in ulong value) => 8;
        public override bool TryWrite(in ulong value, Span<byte> destination, out int written, out string? error)
        {
            written = 8;
            error = null;
            return MemoryMarshal.TryWrite(destination, in value);
        }
        public override object? ToUcode(in ulong value) => value;
        public override bool TryFromUcode(object? value, out ulong result, out string? error)
        {
            if (UcodeValue.TryToUInt64(value, out result))
            {
                error = null;
                return true;
            }
            error = $"Unable to convert value to unsigned integer ({UcodeValue.Describe(value)} is not a 64-bit unsigned integer)";
            return false;
        }
    }

    private sealed class UInt32ArrayCodec : ValueCodec<uint[]>
    {
        public override string Description => "__u32[]";
        public override int ReadBufferSize => 64;
        public override bool IsVariableSize => true;
        public override bool TryRead(ReadOnlySpan<byte> source, out uint[] value, out string? error)
        {
            value = Array.Empty<uint>();
            if (source.Length % 4 != 0)
            {
                error = BadLength(Description, source.Length);
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
        public override bool TryFromUcode(object? value, out uint[] result, out string? error)
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

    private sealed unsafe class BpfProgramCodec : ValueCodec<SockFilter[]>
    {
        // struct sock_fprog on LP64: unsigned short len, padding, then the struct sock_filter pointer at offset 8.
        private const int HeaderSize = 16;
        private const int PointerOffset = 8;
        private static readonly string[] s_programKeys = { "len", "filter" };

        public override string Description => "struct sock_fprog";
        public override int ReadBufferSize => HeaderSize;
        public override bool TryRead(ReadOnlySpan<byte> source, out SockFilter[] value, out string? error)
        {
            value = Array.Empty<SockFilter>();
            error = "A classic BPF program cannot be read back (the kernel counts SO_GET_FILTER lengths in instructions)";
            return false;
        }
        public override int GetSize(in SockFilter[] value) => HeaderSize + (value?.Length ?? 0) * SockFilter.NativeSize;
        public override bool TryWrite(in SockFilter[] value, Span<byte> destination, out int written, out string? error)
        {
            written = 0;
            if (value is null)
            {
                error = "No filter program";
                return false;
            }
            if (!CheckCount(value.Length, out error)) return false;
            int size = GetSize(value);
            if (destination.Length < size) return false;
            var d = destination[..size];
            d[..HeaderSize].Clear();
            ushort count = (ushort)value!.Length;
            MemoryMarshal.Write(d, in count);
            ulong address = (ulong)Unsafe.AsPointer(ref MemoryMarshal.GetReference(d)) + HeaderSize;
            MemoryMarshal.Write(d[PointerOffset..], in address);
            for (int i = 0; i < value.Length; i++)
                if (!value[i].TryWrite(d.Slice(HeaderSize + i * SockFilter.NativeSize), out error)) return false;
            written = HeaderSize; // the kernel wants optlen == sizeof(struct sock_fprog); the program follows it in the buffer
            return true;
        }
        public override object? ToUcode(in SockFilter[] value)
        {
            var list = new List<object?>(value.Length);
            foreach (var insn in value) list.Add(insn.ToDictionary());
            return list;
        }
        public override bool TryFromUcode(object? value, out SockFilter[] result, out string? error)
        {
            result = Array.Empty<SockFilter>();
            switch (value)
            {
                case SockFilter[] typed:
                    result = typed;
                    return CheckCount(typed.Length, out error);
                case var _ when UcodeValue.TryAsFields(value, out var fields, out var keyError):
                    return TryFromProgram(fields, out result, out error);
                case IDictionary:
                    error = "sock_fprog: field names must be strings";
                    return false;
                case byte[] or ReadOnlyMemory<byte> or Memory<byte> or string:
                    return TryFromBytecode(value, out result, out error);
                case IEnumerable items and not IDictionary:
                    return TryFromList(items, out result, out error);
                default:
                    error = $"Expecting a BPF program (bytecode, an array of [code, jt, jf, k] tuples, a flat array of opcodes or {{ filter }}), got {UcodeValue.Describe(value)}";
                    return false;
            }
        }

        private static bool CheckCount(int count, out string? error)
        {
            error = count switch
            {
                0 => "The filter program has no instructions",
                > ushort.MaxValue => $"The filter program has {count} instructions; struct sock_fprog holds at most {ushort.MaxValue}",
                _ => null,
            };
            return error is null;
        }

        // ucode's struct form: { filter: <program>, len: <instruction count, optional> }.
        private static bool TryFromProgram(IReadOnlyDictionary<string, object?> values, out SockFilter[] result, out string? error)
        {
            result = Array.Empty<SockFilter>();
            if (!SpecFields.CheckKeys(values, "struct sock_fprog", s_programKeys, out error)) return false;
            if (!values.TryGetValue("filter", out var filter) || filter is null)
            {
                error = "Field filter is missing: it holds the program";
                return false;
            }
            if (filter is IReadOnlyDictionary<string, object?> or IDictionary)
            {
                error = "Field filter must be bytecode or an array of instructions";
                return false;
            }
            if (!((BpfProgramCodec)BpfProgram).TryFromUcode(filter, out result, out error))
            {
                error = "Field filter: " + error;
                return false;
            }
            if (!SpecFields.TryInteger(values, "len", 0, ushort.MaxValue, out long len, out error)) return false;
            if (len != 0 && len != result.Length)
            {
                error = $"Field len ({len}) does not match the {result.Length} instructions of field filter";
                return false;
            }
            return true;
        }

        private static bool TryFromBytecode(object value, out SockFilter[] result, out string? error)
        {
            result = Array.Empty<SockFilter>();
            ReadOnlySpan<byte> bytes = value switch
            {
                byte[] b => b,
                ReadOnlyMemory<byte> m => m.Span,
                Memory<byte> m2 => m2.Span,
                _ => Encoding.UTF8.GetBytes((string)value),
            };
            if (bytes.Length == 0 || bytes.Length % SockFilter.NativeSize != 0)
            {
                error = $"Filter program length {bytes.Length} is not a positive multiple of {SockFilter.NativeSize}";
                return false;
            }
            result = new SockFilter[bytes.Length / SockFilter.NativeSize];
            for (int i = 0; i < result.Length; i++) result[i] = SockFilter.Read(bytes.Slice(i * SockFilter.NativeSize, SockFilter.NativeSize));
            return CheckCount(result.Length, out error);
        }

        private static readonly string[] s_fields = { "code", "jt", "jf", "k" };

        private static bool TryFromList(IEnumerable items, out SockFilter[] result, out string? error)
        {
            result = Array.Empty<SockFilter>();
            var all = new List<object?>();
            foreach (var item in items) all.Add(item);
            var program = new List<SockFilter>();
            bool tuples = all.Count > 0 && all[0] is IEnumerable and not string and not IDictionary and not IReadOnlyDictionary<string, object?>;
            bool structs = all.Count > 0 && all[0] is SockFilter or IDictionary or IReadOnlyDictionary<string, object?>;
            if (tuples || structs)
            {
                for (int i = 0; i < all.Count; i++)
                {
                    object? item = all[i];
                    if (item is IEnumerable tuple and not string and not IDictionary and not IReadOnlyDictionary<string, object?>)
                    {
                        var parts = new List<object?>();
                        foreach (var part in tuple) parts.Add(part);
                        if (parts.Count != 4)
                        {
                            error = $"Instruction {i} must be a [code, jt, jf, k] tuple, got {parts.Count} items";
                            return false;
                        }
                        item = new Dictionary<string, object?> { ["code"] = parts[0], ["jt"] = parts[1], ["jf"] = parts[2], ["k"] = parts[3] };
                    }
                    if (!StructCodec<SockFilter>.Instance.TryFromUcode(item, out var insn, out var inner))
                    {
                        error = $"Instruction {i}: {inner}";
                        return false;
                    }
                    program.Add(insn);
                }
            }
            else
            {
                if (all.Count % 4 != 0)
                {
                    error = $"Opcode array length {all.Count} is not a multiple of 4";
                    return false;
                }
                for (int i = 0; i < all.Count; i += 4)
                {
                    var fields = new Dictionary<string, object?>(4);
                    for (int j = 0; j < 4; j++) fields[s_fields[j]] = all[i + j];
                    if (!SockFilter.TryFromDictionary(fields, out var insn, out var inner))
                    {
                        error = $"Instruction {i / 4}: {inner}";
                        return false;
                    }
                    program.Add(insn);
                }
            }
            result = program.ToArray();
            return CheckCount(result.Length, out error);
        }
    }

    /// <summary>
    /// <c>ifname_be32</c>: an interface index as a 32-bit integer in network byte order (IP_UNICAST_IF,
    /// IPV6_UNICAST_IF), given as index or name like <see cref="InterfaceName"/>.
    /// </summary>
    public static readonly ValueCodec<InterfaceId> InterfaceNameBigEndian = new InterfaceNameBigEndianCodec();

    private sealed class InterfaceNameBigEndianCodec : ValueCodec<InterfaceId>
    {
        public override string Description => "__be32 (interface index)";
        public override int ReadBufferSize => 4;
        public override bool TryRead(ReadOnlySpan<byte> source, out InterfaceId value, out string? error)
        {
            value = default;
            if (source.Length != 4)
            {
                error = BadLength(Description, source.Length);
                return false;
            }
            value = new InterfaceId(BinaryPrimitives.ReadInt32BigEndian(source));
            error = null;
            return true;
        }
        public override int GetSize(in InterfaceId value) => 4;
        public override bool TryWrite(in InterfaceId value, Span<byte> destination, out int written, out string? error)
        {
            written = 4;
            if (!SpecFields.TryResolveInterface(value, out int index, out error)) return false;
            return BinaryPrimitives.TryWriteInt32BigEndian(destination, index);
        }
        public override object? ToUcode(in InterfaceId value) => InterfaceName.ToUcode(value);
        public override bool TryFromUcode(object? value, out InterfaceId result, out string? error) =>
            InterfaceName.TryFromUcode(value, out result, out error);
    }
}
