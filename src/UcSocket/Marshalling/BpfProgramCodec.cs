using System.Diagnostics.CodeAnalysis;
using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace UcSocket.Marshalling;

/// <summary><c>bpf</c>: a classic BPF program as <c>struct sock_fprog</c> (see <see cref="ValueCodecs.BpfProgram"/>).</summary>
internal sealed unsafe class BpfProgramCodec : ValueCodec<SockFilter[]>
{
    // struct sock_fprog on LP64: unsigned short len, padding, then the struct sock_filter pointer at offset 8.
    private const int HeaderSize = 16;
    private const int PointerOffset = 8;
    private static readonly string[] s_programKeys = { "len", "filter" };

    public override string Description => "struct sock_fprog";
    public override int ReadBufferSize => HeaderSize;
    public override bool TryRead(ReadOnlySpan<byte> source, out SockFilter[] value, [NotNullWhen(false)] out string? error)
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
    public override bool TryFromUcode(object? value, out SockFilter[] result, [NotNullWhen(false)] out string? error)
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
        if (!((BpfProgramCodec)ValueCodecs.BpfProgram).TryFromUcode(filter, out result, out error))
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
            _ => SpecFields.EncodeBytes((string)value) ?? Array.Empty<byte>(),
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
