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
        "be32" => ("uint", Codecs + ".BigEndianUInt32"),
        "string" or "bytes" => ("byte[]", Codecs + ".Bytes"),
        "cstring" => ("string", Codecs + ".CString"),
        "ifname" => ("global::UcSocket.InterfaceId", Codecs + ".InterfaceName"),
        "ipv4" => ("global::UcSocket.InAddr", Codecs + ".Ipv4"),
        "ipv6" => ("global::UcSocket.In6Addr", Codecs + ".Ipv6"),
        "none" => ("global::UcSocket.NoValue", Codecs + ".None"),
        "sockaddr" => ("global::UcSocket.SocketAddress", Codecs + ".SocketAddress"),
        "fds" => ("global::UcSocket.FileDescriptors", Codecs + ".FileDescriptors"),
        "uint64" => ("ulong", Codecs + ".UInt64"),
        "uintlist" => ("uint[]", Codecs + ".UInt32List"),
        _ => ($"global::{ns}.{kind.TypeName}", $"global::UcSocket.Marshalling.StructCodec<global::{ns}.{kind.TypeName}>.Instance"),
    };
}
