using System;
using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>
/// Emits an address-family codec: SocketAddress &lt;-&gt; sockaddr bytes, through the family's generated struct.
/// Struct fields map to SocketAddress properties by their ucode names (family, address, port, flowinfo,
/// interface, path, protocol, hardware_type, packet_type, and the 32-bit port_id, groups and cid of the families
/// ucode lacks); error texts are ucode's.
/// </summary>
internal static class FamilyEmitter
{
    private const string Fields = "global::UcSocket.Marshalling.SpecFields";

    /// <summary>The SocketAddress fields (ucode names) a family struct carries: family, address, port, ... as FamilyFields knows them.</summary>
    private static System.Collections.Generic.IEnumerable<string> AddressFields(StructLayout s) =>
        s.Fields.Select(x => x.Field.Name).Where(n => n is "family" or "address" or "path" or "interface" || Array.IndexOf(FamilyFields.Integers, n) >= 0);

    /// <summary>
    /// The shortest whole address: up to a path (sun_path is as long as the name) or a hardware address with a length
    /// member (sll_addr is as long as sll_halen says), else the whole struct.
    /// </summary>
    private static int MinSize(StructLayout s)
    {
        foreach (var fl in s.Fields)
        {
            if (fl.Field.Kind == FieldKind.Path) return fl.Offset;
            if (fl.Field.Kind == FieldKind.HwAddr && fl.Field.LengthField is not null) return fl.Offset;
        }
        return s.NativeCSize;
    }

    public static void Emit(CodeWriter w, ResolvedFamily f, string ns)
    {
        var s = f.Struct;
        var t = s.QualifiedName(ns);
        w.Line($"/// <summary>Codec for <c>{f.Name}</c> addresses (<c>{CodeWriter.Xml(s.CTypeName)}</c>).</summary>");
        w.Open($"internal sealed class {f.Property}Family : global::UcSocket.Marshalling.AddressFamilyCodec");
        w.Line($"public {f.Property}Family() : base(\"{f.Name}\", {f.Family}, {s.Size}, {MinSize(s)}, new[] {{ {string.Join(", ", AddressFields(s).Select(n => $"\"{n}\""))} }}) {{ }}");
        w.Line();

        w.Open("public override bool TryDecode(global::System.ReadOnlySpan<byte> raw, out global::UcSocket.SocketAddress address)");
        w.Line($"var s = {t}.Read(raw);");
        w.Line($"var a = new global::UcSocket.SocketAddress({f.Family});");
        foreach (var fl in s.Fields)
        {
            var p = fl.Field.Property;
            switch (fl.Field.Name)
            {
                case "family":
                    break;
                case "address" when fl.Field.Kind is FieldKind.Ipv4 or FieldKind.Ipv6:
                    w.Line($"a.Address = s.{p}.ToString();");
                    break;
                case "address" when fl.Field.Kind == FieldKind.HwAddr:
                    {
                        // Without a length member the whole array is the address.
                        var lf = s.Fields.FirstOrDefault(x => x.Field.CName == fl.Field.LengthField);
                        var used = lf is null ? $"{fl.Count}" : $"global::System.Math.Min({fl.Count}, (int)s.{lf.Field.Property})";
                        w.Open("");
                        w.Line($"var array = s.{p};");
                        w.Line($"a.Address = {Fields}.FormatHardwareAddress(((global::System.Span<byte>)array).Slice(0, {used}));");
                        w.Close();
                        break;
                    }
                case "path" when fl.Field.Kind == FieldKind.Path:
                    w.Line($"a.Path = {Fields}.DecodeSockaddrPath(raw.Length > {fl.Offset} ? raw.Slice({fl.Offset}, global::System.Math.Min(raw.Length - {fl.Offset}, {fl.Count})) : default);");
                    break;
                case "interface" when fl.Field.Kind == FieldKind.IfIndex:
                    w.Line($"if (s.{p} != 0) a.Interface = new global::UcSocket.InterfaceId((int)s.{p});");
                    break;
                case "port":
                case "protocol":
                case "hardware_type":
                case "packet_type":
                    w.Line($"a.{Naming.Pascal(fl.Field.Name)} = (int)s.{p};");
                    break;
                case "flowinfo":
                    w.Line($"a.FlowInfo = (uint)s.{p};");
                    break;
                case "port_id":
                case "groups":
                case "cid":
                    w.Line($"a.{WordProperty(fl.Field.Name)} = (uint)s.{p};");
                    break;
            }
        }
        w.Line("address = a;");
        w.Line("return true;");
        w.Close();
        w.Line();

        w.Open("public override bool TryEncode(global::UcSocket.SocketAddress a, global::System.Span<byte> destination, out int length, out string? error)");
        w.Line("length = 0;");
        w.Line($"var s = new {t}();");
        string lengthExpr = $"{s.Size}";
        if (s.Fields.Any(x => x.Field.Name == "port_id") && !s.Fields.Any(x => x.Field.Name == "port"))
            w.Line($"if (a.Port is not null) {{ error = \"Invalid port number ({f.Name} addresses take port_id)\"; return false; }}");
        foreach (var fl in s.Fields)
        {
            var p = fl.Field.Property;
            switch (fl.Field.Name)
            {
                case "family":
                    w.Line($"s.{p} = ({fl.ClrType}){f.Family};");
                    break;
                case "address" when fl.Field.Kind is FieldKind.Ipv4 or FieldKind.Ipv6:
                    {
                        var (type, msg) = fl.Field.Kind == FieldKind.Ipv4 ? ("InAddr", "Invalid IP address") : ("In6Addr", "Invalid IPv6 address");
                        w.Open($"if (a.Address is {{ }} text)");
                        w.Line($"if (!global::UcSocket.{type}.TryParse(text, out var ip)) {{ error = \"{msg}\"; return false; }}");
                        w.Line($"s.{p} = ip;");
                        w.Close();
                        break;
                    }
                case "address" when fl.Field.Kind == FieldKind.HwAddr:
                    {
                        var lf = s.Fields.FirstOrDefault(x => x.Field.CName == fl.Field.LengthField);
                        w.Open($"if (a.Address is {{ }} text)");
                        w.Line($"var array = default({t}.{p}Array);");
                        w.Line($"if (!{Fields}.TryParseHardwareAddress(text, (global::System.Span<byte>)array, out int used)) {{ error = \"Invalid hardware address\"; return false; }}");
                        w.Line($"s.{p} = array;");
                        if (lf is not null) w.Line($"s.{lf.Field.Property} = ({lf.ClrType})used;");
                        w.Close();
                        break;
                    }
                case "path" when fl.Field.Kind == FieldKind.Path:
                    w.Line("int pathLength;");
                    w.Open("");
                    w.Line($"var array = default({t}.{p}Array);");
                    w.Line($"if (!{Fields}.TryEncodeSockaddrPath(a.Path, (global::System.Span<byte>)array, out pathLength)) {{ error = \"Invalid path value\"; return false; }}");
                    w.Line($"s.{p} = array;");
                    w.Close();
                    lengthExpr = $"{fl.Offset} + pathLength";
                    break;
                case "interface" when fl.Field.Kind == FieldKind.IfIndex:
                    w.Open("if (a.Interface is { } ifc)");
                    w.Line($"if (!{Fields}.TryResolveInterface(ifc, out int index, out error)) return false;");
                    w.Line($"s.{p} = unchecked(({fl.ClrType})index);");
                    w.Close();
                    break;
                case "port":
                case "protocol":
                case "hardware_type":
                case "packet_type":
                case "flowinfo":
                    {
                        var prop = fl.Field.Name == "flowinfo" ? "FlowInfo" : Naming.Pascal(fl.Field.Name);
                        var msg = fl.Field.Name switch
                        {
                            "port" => "Invalid port number",
                            "protocol" => "Invalid protocol number",
                            "hardware_type" => "Invalid hardware type",
                            "packet_type" => "Invalid packet type",
                            _ => "Invalid flow information",
                        };
                        var max = CodeWriter.Invariant($"{fl.Scalar!.Max}L"); // at most 4 bytes (checked when resolving): fits a long
                        w.Open($"if (a.{prop} is {{ }} v{p})");
                        w.Line($"if (v{p} < 0 || (long)v{p} > {max}) {{ error = \"{msg}\"; return false; }}");
                        w.Line($"s.{p} = unchecked(({fl.ClrType})v{p});");
                        w.Close();
                        break;
                    }
                case "port_id":
                case "groups":
                case "cid":
                    {
                        var prop = WordProperty(fl.Field.Name);
                        var msg = fl.Field.Name switch { "port_id" => "Invalid port ID", "groups" => "Invalid multicast group mask", _ => "Invalid context ID" };
                        w.Open($"if (a.{prop} is {{ }} v{p})");
                        if (fl.Scalar!.Max < uint.MaxValue)
                            w.Line($"if (v{p} > {fl.Scalar.Max}u) {{ error = \"{msg}\"; return false; }}");
                        w.Line($"s.{p} = unchecked(({fl.ClrType})v{p});");
                        w.Close();
                        break;
                    }
            }
        }
        w.Line("if (!s.TryWrite(destination, out error)) return false;");
        w.Line($"length = {lengthExpr};");
        w.Line("return true;");
        w.Close();
        w.Close();
    }

    private static string WordProperty(string name) => name switch { "port_id" => "PortId", "groups" => "Groups", _ => "Cid" };
}
