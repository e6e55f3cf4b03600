using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>Maps option and payload kinds to the C# value type and the runtime codec that marshals it.</summary>
internal static class Kinds
{
    private const string Codecs = "global::UcSocket.Marshalling.ValueCodecs";

    public static (string ClrType, string Codec) For(ResolvedKind kind, string ns) => kind.Kind switch
    {
        "bool" => ("bool", Codecs + ".Bool"),
        "int" => ("int", Codecs + ".Int32"),
        "uint" => ("uint", Codecs + ".UInt32"),
        "u64" => ("ulong", Codecs + ".UInt64"),
        "uints" => ("uint[]", Codecs + ".UInt32Array"),
        "bpf" => ("global::UcSocket.SockFilter[]", Codecs + ".BpfProgram"),
        "be32" => ("uint", Codecs + ".BigEndianUInt32"),
        "u16" => ("ushort", Codecs + ".UInt16"),
        "string" or "bytes" => ("byte[]", Codecs + ".Bytes"),
        "cstring" => ("string", Codecs + ".CString"),
        "ifname" => ("global::UcSocket.InterfaceId", Codecs + ".InterfaceName"),
        "ifname_be32" => ("global::UcSocket.InterfaceId", Codecs + ".InterfaceNameBigEndian"),
        "ipv4" => ("global::UcSocket.InAddr", Codecs + ".Ipv4"),
        "ipv6" => ("global::UcSocket.In6Addr", Codecs + ".Ipv6"),
        "none" => ("global::UcSocket.NoValue", Codecs + ".None"),
        "sockaddr" => ("global::UcSocket.SocketAddress", Codecs + ".SocketAddress"),
        "fds" => ("global::UcSocket.FileDescriptors", Codecs + ".FileDescriptors"),
        _ => Struct($"global::{kind.ReferenceNamespace ?? ns}.{kind.TypeName}"),
    };

    private static (string, string) Struct(string type) => (type, $"global::UcSocket.Marshalling.StructCodec<{type}>.Instance");
}
