using System.Collections.Generic;
using System.Linq;

namespace UcSocket.Generators.Model;

/// <summary>The value kinds of options and cmsg payloads (spec/README.md), and <see cref="Struct"/> for <c>struct X</c>.</summary>
public enum ValueKindId { Bool, Int, UInt, U16, U64, UInts, Be32, String, Bytes, CString, IfName, IfNameBe32, Ipv4, Ipv6, Sockaddr, Fds, Bpf, None, Struct }

/// <summary>
/// The one table of option and payload kinds: the spec name, where it may be used, the C# type the typed API uses,
/// and the library's codec that marshals it.
/// </summary>
public static class ValueKinds
{
    private const string Codecs = "global::UcSocket.Marshalling.ValueCodecs.";

    private sealed record Row(ValueKindId Kind, string Name, bool Option, bool Payload, string ClrType, string Codec);

    private static readonly Row[] Table =
    {
        new(ValueKindId.Bool, "bool", true, false, "bool", Codecs + "Bool"),
        new(ValueKindId.Int, "int", true, true, "int", Codecs + "Int32"),
        new(ValueKindId.UInt, "uint", true, true, "uint", Codecs + "UInt32"),
        new(ValueKindId.U16, "u16", false, true, "ushort", Codecs + "UInt16"),
        new(ValueKindId.U64, "u64", true, true, "ulong", Codecs + "UInt64"),
        new(ValueKindId.UInts, "uints", true, true, "uint[]", Codecs + "UInt32Array"),
        new(ValueKindId.Be32, "be32", false, true, "uint", Codecs + "BigEndianUInt32"),
        new(ValueKindId.String, "string", true, false, "byte[]", Codecs + "Bytes"),
        new(ValueKindId.Bytes, "bytes", false, true, "byte[]", Codecs + "Bytes"),
        new(ValueKindId.CString, "cstring", true, false, "string", Codecs + "CString"),
        new(ValueKindId.IfName, "ifname", true, false, "global::UcSocket.InterfaceId", Codecs + "InterfaceName"),
        new(ValueKindId.IfNameBe32, "ifname_be32", true, false, "global::UcSocket.InterfaceId", Codecs + "InterfaceNameBigEndian"),
        new(ValueKindId.Ipv4, "ipv4", true, false, "global::UcSocket.InAddr", Codecs + "Ipv4"),
        new(ValueKindId.Ipv6, "ipv6", true, false, "global::UcSocket.In6Addr", Codecs + "Ipv6"),
        new(ValueKindId.Sockaddr, "sockaddr", false, true, "global::UcSocket.SocketAddress", Codecs + "SocketAddress"),
        new(ValueKindId.Fds, "fds", true, true, "global::UcSocket.FileDescriptors", Codecs + "FileDescriptors"),
        new(ValueKindId.Bpf, "bpf", true, false, "global::UcSocket.SockFilter[]", Codecs + "BpfProgram"),
        new(ValueKindId.None, "none", true, false, "global::UcSocket.NoValue", Codecs + "None"),
        new(ValueKindId.Struct, "struct", true, true, "", ""),
    };

    private static readonly Dictionary<string, Row> ByName = Table.Where(r => r.Kind != ValueKindId.Struct).ToDictionary(r => r.Name);

    /// <summary>The spec names of the kinds an option (<paramref name="option"/>) or a cmsg payload may use.</summary>
    public static IReadOnlyList<string> Names(bool option) =>
        Table.Where(r => r.Kind != ValueKindId.Struct && (option ? r.Option : r.Payload)).Select(r => r.Name).ToArray();

    public static bool TryParse(string name, bool option, out ValueKindId kind)
    {
        kind = default;
        if (!ByName.TryGetValue(name, out var row) || !(option ? row.Option : row.Payload)) return false;
        kind = row.Kind;
        return true;
    }

    public static string Name(ValueKindId kind) => Table[(int)kind].Name;

    /// <summary>The C# type and codec of a kind; a struct's are built from its qualified type name.</summary>
    public static (string ClrType, string Codec) Clr(ValueKindId kind, string? structType) =>
        kind == ValueKindId.Struct
            ? (structType!, $"global::UcSocket.Marshalling.StructCodec<{structType}>.Instance")
            : (Table[(int)kind].ClrType, Table[(int)kind].Codec);
}
