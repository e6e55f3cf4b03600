using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using UcSocket.Tests.Matrix;
using YamlDotNet.RepresentationModel;

namespace UcSocket.Tests.Fuzz;

/// <summary>A struct field as the spec describes it (spec/README.md, "structs").</summary>
internal sealed record SpecField(string C, string Name, string Type, string? Kind, int? Bits, int? Count, bool Trailing, bool IsUnionMember, string? Length)
{
    /// <summary>
    /// The values the C type holds (a bitfield: its width), or null when the field is no integer. Taken from the
    /// C types themselves (LP64 Linux), not from the generated code.
    /// </summary>
    public (Int128 Min, Int128 Max)? Range
    {
        get
        {
            if (EffectiveKind is not ("int" or "ifindex")) return null;
            if (!CIntegerTypes.TryGetValue(Type, out var t)) return null;
            int bits = Bits ?? t.Bits;
            return t.Signed ? (-(Int128.One << (bits - 1)), (Int128.One << (bits - 1)) - 1) : (0, (Int128.One << bits) - 1);
        }
    }

    /// <summary>How the value is presented: the explicit kind, or the default the type implies (spec/README.md).</summary>
    public string EffectiveKind => Kind ?? Type switch
    {
        _ when Count is not null && CIntegerTypes.TryGetValue(Type, out var t) && t.Bits == 8 => "bytes", // an array of chars is bytes
        "struct in_addr" => "ipv4",
        "struct in6_addr" => "ipv6",
        _ when Type.StartsWith("struct ", StringComparison.Ordinal) => "struct",
        _ => "int",
    };

    /// <summary>Integer C types of the spec with their width and signedness (LP64: long is 64 bits).</summary>
    public static readonly IReadOnlyDictionary<string, (int Bits, bool Signed)> CIntegerTypes = new Dictionary<string, (int, bool)>(StringComparer.Ordinal)
    {
        ["char"] = (8, true), ["signed char"] = (8, true), ["unsigned char"] = (8, false), ["__u8"] = (8, false), ["__s8"] = (8, true),
        ["uint8_t"] = (8, false), ["int8_t"] = (8, true),
        ["short"] = (16, true), ["unsigned short"] = (16, false), ["__u16"] = (16, false), ["__s16"] = (16, true), ["__be16"] = (16, false),
        ["uint16_t"] = (16, false), ["int16_t"] = (16, true), ["sa_family_t"] = (16, false), ["__kernel_sa_family_t"] = (16, false), ["in_port_t"] = (16, false),
        ["int"] = (32, true), ["unsigned int"] = (32, false), ["__u32"] = (32, false), ["__s32"] = (32, true), ["__be32"] = (32, false),
        ["uint32_t"] = (32, false), ["int32_t"] = (32, true), ["pid_t"] = (32, true), ["uid_t"] = (32, false), ["gid_t"] = (32, false),
        ["socklen_t"] = (32, false), ["unsigned"] = (32, false),
        ["long"] = (64, true), ["unsigned long"] = (64, false), ["__u64"] = (64, false), ["__s64"] = (64, true), ["__aligned_u64"] = (64, false),
        ["uint64_t"] = (64, false), ["int64_t"] = (64, true), ["time_t"] = (64, true), ["suseconds_t"] = (64, true), ["size_t"] = (64, false),
        ["ssize_t"] = (64, true), ["__kernel_time_t"] = (64, true), ["__kernel_long_t"] = (64, true), ["long long"] = (64, true),
        ["unsigned long long"] = (64, false), ["__kernel_suseconds_t"] = (64, true), ["__kernel_time64_t"] = (64, true),
    };
}

/// <summary>A struct of the spec: its C type and fields.</summary>
internal sealed record SpecStruct(string Tag, string CType, string File, IReadOnlyList<SpecField> Fields)
{
    public SpecField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);
}

/// <summary>The spec's structs and address families, read straight from the YAML files.</summary>
internal static class SpecStructs
{
    private static readonly Lazy<(Dictionary<string, SpecStruct> Structs, Dictionary<string, string> Families)> s_spec = new(Load);

    /// <summary>Every struct, by C type (<c>struct linger</c>).</summary>
    public static IReadOnlyDictionary<string, SpecStruct> ByCType => s_spec.Value.Structs;

    /// <summary>The struct of each address family, by the family constant's name (<c>AF_INET</c> to <c>sockaddr_in</c>).</summary>
    public static IReadOnlyDictionary<string, string> Families => s_spec.Value.Families;

    /// <summary>The field names of the struct that carries <paramref name="familyName"/>'s addresses.</summary>
    public static IReadOnlySet<string> FamilyFields(string familyName) =>
        ByCType["struct " + Families[familyName]].Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private static (Dictionary<string, SpecStruct>, Dictionary<string, string>) Load()
    {
        var structs = new Dictionary<string, SpecStruct>(StringComparer.Ordinal);
        var families = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(SpecRows.RepoRoot, "spec"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) continue;
            if (root.Children.TryGetValue(new YamlScalarNode("structs"), out var s) && s is YamlMappingNode structMap)
            {
                foreach (var (key, value) in structMap.Children)
                {
                    string tag = ((YamlScalarNode)key).Value!;
                    var body = (YamlMappingNode)value;
                    string ctype = Text(body, "ctype") ?? "struct " + tag;
                    var fields = new List<SpecField>();
                    if (body.Children.TryGetValue(new YamlScalarNode("fields"), out var f) && f is YamlSequenceNode list)
                    {
                        foreach (var item in list.OfType<YamlMappingNode>())
                        {
                            string c = Text(item, "c")!;
                            if (Text(item, "private") == "true") continue; // padding and reserved bytes: no member of the dictionary
                            fields.Add(new SpecField(c, Text(item, "name") ?? c, Text(item, "type")!, Text(item, "kind"), Number(item, "bits"),
                                Number(item, "count"), Text(item, "trailing") == "true", Text(item, "offset") is not null, Text(item, "length")));
                        }
                    }
                    structs[ctype] = new SpecStruct(tag, ctype, Path.GetFileName(file), fields);
                }
            }
            if (root.Children.TryGetValue(new YamlScalarNode("families"), out var fam) && fam is YamlSequenceNode famList)
                foreach (var item in famList.OfType<YamlMappingNode>())
                    families[Text(item, "family")!] = Text(item, "struct")!;
        }
        return (structs, families);
    }

    private static string? Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode s ? s.Value : null;

    private static int? Number(YamlMappingNode node, string key) =>
        Text(node, key) is { } t ? int.Parse(t, CultureInfo.InvariantCulture) : null;
}
