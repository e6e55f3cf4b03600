using System.Collections.Generic;
using System.Linq;

namespace UcSocket.Generators.Model;

/// <summary>How a struct member's value is presented (the field key <c>kind</c> of spec/README.md).</summary>
public enum FieldKind { Int, Ipv4, Ipv6, IfIndex, HwAddr, Path, Bytes, Sockaddr, Struct }

/// <summary>What holds a struct member's bits: an integer, an IPv4 or IPv6 address, or a spec struct.</summary>
public enum ValueCategory { Int, Ipv4, Ipv6, Struct }

/// <summary>The field kinds: their spec names and what each needs of the member's C type. The one table of them.</summary>
public static class FieldKinds
{
    private sealed record Row(FieldKind Kind, string Name, ValueCategory Category, bool ByteArray, bool Address, bool ScalarOnly, string Needs);

    private static readonly Row[] Table =
    {
        new(FieldKind.Int, "int", ValueCategory.Int, false, false, false, "an integer type"),
        new(FieldKind.Ipv4, "ipv4", ValueCategory.Ipv4, false, true, false, "struct in_addr"),
        new(FieldKind.Ipv6, "ipv6", ValueCategory.Ipv6, false, true, false, "struct in6_addr"),
        new(FieldKind.IfIndex, "ifindex", ValueCategory.Int, false, false, true, "a scalar integer type"),
        new(FieldKind.HwAddr, "hwaddr", ValueCategory.Int, true, false, false, "an array (count) of a one-byte type"),
        new(FieldKind.Path, "path", ValueCategory.Int, true, false, false, "an array (count) of a one-byte type"),
        new(FieldKind.Bytes, "bytes", ValueCategory.Int, true, false, false, "an array (count) of a one-byte type"),
        new(FieldKind.Sockaddr, "sockaddr", ValueCategory.Struct, false, true, false, "a struct type (e.g. struct sockaddr_storage)"),
        new(FieldKind.Struct, "struct", ValueCategory.Struct, false, false, false, "a struct type defined in the spec"),
    };

    private static readonly Dictionary<string, Row> ByName = Table.ToDictionary(r => r.Name);

    /// <summary>The spec names of the kinds, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(r => r.Name).ToArray();

    public static bool TryParse(string name, out FieldKind kind)
    {
        kind = default;
        if (!ByName.TryGetValue(name, out var row)) return false;
        kind = row.Kind;
        return true;
    }

    public static string Name(FieldKind kind) => Table[(int)kind].Name;

    /// <summary>The storage category the member's C type must have.</summary>
    public static ValueCategory Category(FieldKind kind) => Table[(int)kind].Category;

    /// <summary>Byte arrays presented as a whole: bytes, hardware addresses, paths.</summary>
    public static bool IsByteArray(FieldKind kind) => Table[(int)kind].ByteArray;

    /// <summary>Addresses: arrays of them are lists in the ucode form and may have a length member.</summary>
    public static bool IsAddress(FieldKind kind) => Table[(int)kind].Address;

    /// <summary>Kinds that do not go with <c>count</c>.</summary>
    public static bool IsScalarOnly(FieldKind kind) => Table[(int)kind].ScalarOnly;

    /// <summary>What the kind needs, for messages: "kind ipv4 needs struct in_addr".</summary>
    public static string Needs(FieldKind kind) => Table[(int)kind].Needs;
}
