namespace UcSocket.Generators.Model;

/// <summary>
/// The fields of a sockaddr struct that an address-family codec maps to <c>SocketAddress</c>, by their ucode names,
/// and what each must be for the generated codec to convert it.
/// </summary>
public static class FamilyFields
{
    /// <summary>Fields copied to an <c>int?</c> of SocketAddress (port, protocol, hardware_type, packet_type) or a <c>uint?</c> (the rest).</summary>
    public static readonly string[] Integers = { "port", "protocol", "hardware_type", "packet_type", "flowinfo", "port_id", "groups", "cid" };

    /// <summary>Why <paramref name="s"/> cannot carry family <paramref name="family"/>, or null if it can.</summary>
    public static string? Problem(StructLayout s, int family)
    {
        bool hasFamily = false;
        foreach (var f in s.Fields)
        {
            var k = f.Field.Kind;
            bool scalarInt = f.Category == ValueCategory.Int && f.Count == 0 && f.Scalar is not null;
            string? need = f.Field.Name switch
            {
                "family" => scalarInt && f.Bits == 0 && f.Scalar!.Holds(family) ? null
                    : scalarInt && f.Bits == 0 ? $"the family value {family} does not fit its field 'family' ({f.Scalar!.Name})"
                    : "the field 'family' must be a scalar integer",
                "address" => k is FieldKind.Ipv4 or FieldKind.Ipv6 && f.Count == 0 || k == FieldKind.HwAddr ? null
                    : "the field 'address' must be an in_addr, an in6_addr or a hwaddr array",
                "path" => k == FieldKind.Path ? null : "the field 'path' must be of kind path",
                "interface" => k == FieldKind.IfIndex ? null : "the field 'interface' must be of kind ifindex",
                _ when System.Array.IndexOf(Integers, f.Field.Name) >= 0 =>
                    scalarInt && f.Bits == 0 && k == FieldKind.Int && f.ElementSize <= 4 ? null : $"the field '{f.Field.Name}' must be a scalar integer of at most 4 bytes",
                _ => null,
            };
            if (need is not null) return $"struct {s.Tag} cannot carry the address: {need}";
            hasFamily |= f.Field.Name == "family";
        }
        return hasFamily ? null : $"struct {s.Tag} needs a field named 'family'";
    }
}
