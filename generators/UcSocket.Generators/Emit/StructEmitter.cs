using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>Emits one value struct per C struct: fields as properties, Span-based Read/TryWrite, dictionary conversion.</summary>
internal static class StructEmitter
{
    private const string Fields = "global::UcSocket.Marshalling.SpecFields";
    private const int MaxConstructorParameters = 8;

    public static void Emit(CodeWriter w, StructLayout s, string ns)
    {
        s = QualifyShadowedTypes(s, ns);
        w.Line($"/// <summary>C <c>{CodeWriter.Xml(s.CTypeName)}</c>: {s.Size} bytes, aligned to {s.Align}.{(s.Doc is null ? "" : " " + CodeWriter.Xml(s.Doc))}</summary>");
        w.Open($"public partial record struct {s.TypeName} : global::UcSocket.ISpecStruct<{s.TypeName}>");
        w.Line($"/// <summary>Size of <c>{CodeWriter.Xml(s.CTypeName)}</c> in bytes.</summary>");
        w.Line($"public static int NativeSize => {s.Size};");
        w.Line();
        w.Line("/// <summary>The C type name.</summary>");
        w.Line($"public static string CTypeName => \"{CodeWriter.Escape(s.CTypeName)}\";");
        w.Line();
        w.Line($"private static readonly string[] s_fieldNames = {{ {string.Join(", ", s.Fields.Select(f => "\"" + CodeWriter.Escape(f.Field.Name) + "\""))} }};");
        w.Line();

        foreach (var f in s.Fields)
        {
            var bits = f.Bits > 0 ? $", bits {f.BitOffset}..{f.BitOffset + f.Bits - 1} of the {f.Size}-byte unit at offset {f.Offset}" : $", offset {f.Offset}";
            if (f.Field.Trailing) bits += ", after the C struct";
            w.Line($"/// <summary><c>{f.Field.CName}</c> (<c>{CodeWriter.Xml(f.Field.CType ?? "")}{(f.Count > 0 ? $"[{f.Count}]" : "")}</c>{bits}); ucode field <c>{CodeWriter.Xml(f.Field.Name)}</c>.</summary>");
            w.Line($"public {PropertyType(f)} {f.Field.Property} {{ get; set; }}");
            w.Line();
        }

        EmitArrayTypes(w, s);
        EmitConstructor(w, s);
        EmitRead(w, s);
        EmitWrite(w, s);
        EmitToDictionary(w, s);
        StructPrinter.Emit(w, s);
        EmitFromDictionary(w, s);
        w.Close();
    }

    /// <summary>
    /// Inside the struct a simple name binds to its members first: a nested struct type named like one of them
    /// (a property, an array type, a generated member) is written with its namespace.
    /// </summary>
    private static StructLayout QualifyShadowedTypes(StructLayout s, string ns)
    {
        var members = new System.Collections.Generic.HashSet<string>(Parsing.StructParser.GeneratedStructMembers);
        foreach (var f in s.Fields)
        {
            members.Add(f.Field.Property);
            if (f.Count > 0) members.Add(ArrayTypeName(f));
        }
        if (!s.Fields.Any(f => f.Category == ValueCategory.Struct && members.Contains(f.ClrType))) return s;
        return s with
        {
            Fields = s.Fields.Select(f => f.Category == ValueCategory.Struct && members.Contains(f.ClrType) ? f with { ClrType = $"global::{ns}.{f.ClrType}" } : f).ToEquatableArray(),
        };
    }

    internal static string PropertyType(FieldLayout f)
    {
        if (f.Count > 0) return ArrayTypeName(f);
        if (f.Field.Kind == FieldKind.Sockaddr) return "global::UcSocket.SocketAddress?";
        return f.ClrType;
    }

    /// <summary>Structs with nested socket addresses read them only from the bytes actually present.</summary>
    private static bool HasSockaddr(StructLayout s) => s.Fields.Any(f => f.Field.Kind == FieldKind.Sockaddr);

    private static string ArrayTypeName(FieldLayout f) => f.Field.Property + "Array";

    /// <summary>The element type of an inline array: bytes, hardware addresses and paths are raw bytes whatever the C char's signedness.</summary>
    internal static string ElementType(FieldLayout f) => f.Field.Kind switch
    {
        FieldKind.Bytes or FieldKind.HwAddr or FieldKind.Path => "byte",
        FieldKind.Sockaddr => "global::UcSocket.SocketAddress?",
        _ => f.ClrType,
    };

    private static void EmitArrayTypes(CodeWriter w, StructLayout s)
    {
        foreach (var f in s.Fields.Where(f => f.Count > 0))
        {
            w.Line($"/// <summary>Inline storage for <c>{f.Field.CName}[{f.Count}]</c>.</summary>");
            w.Line($"[global::System.Runtime.CompilerServices.InlineArray({f.Count})]");
            w.Open($"public struct {ArrayTypeName(f)}");
            w.Line($"private {ElementType(f)} _element0;");
            w.Close();
            w.Line();
        }
    }

    private static void EmitConstructor(CodeWriter w, StructLayout s)
    {
        if (s.Fields.Count > MaxConstructorParameters) return;
        var ps = string.Join(", ", s.Fields.Select(f => $"{PropertyType(f)} {f.Field.Property} = default"));
        w.Line("/// <summary>Creates the struct from its field values; omitted fields are zero.</summary>");
        w.Open($"public {s.TypeName}({ps})");
        foreach (var f in s.Fields) w.Line($"this.{f.Field.Property} = {f.Field.Property};");
        w.Close();
        w.Line();
    }

    private static void EmitRead(CodeWriter w, StructLayout s)
    {
        w.Line($"/// <summary>Reads the C layout; a shorter source (an older kernel's struct) reads as if zero-padded.</summary>");
        w.Open($"public static {s.TypeName} Read(global::System.ReadOnlySpan<byte> source)");
        w.Open($"if (source.Length < {s.Size})");
        w.Line($"global::System.Span<byte> padded = stackalloc byte[{s.Size}];");
        w.Line("padded.Clear();");
        w.Line("source.CopyTo(padded);");
        w.Line(HasSockaddr(s) ? "return ReadCore(padded, source.Length);" : "return ReadCore(padded);");
        w.Close();
        w.Line(HasSockaddr(s) ? $"return ReadCore(source, {s.Size});" : "return ReadCore(source);");
        w.Close();
        w.Line();
        if (HasSockaddr(s))
            w.Open($"private static {s.TypeName} ReadCore(global::System.ReadOnlySpan<byte> s, int available)");
        else
            w.Open($"private static {s.TypeName} ReadCore(global::System.ReadOnlySpan<byte> s)");
        w.Line($"var v = new {s.TypeName}();");
        w.Open("unchecked");
        foreach (var f in s.Fields) EmitReadField(w, f);
        w.Close();
        w.Line("return v;");
        w.Close();
        w.Line();
    }

    private static void EmitReadField(CodeWriter w, FieldLayout f)
    {
        var p = f.Field.Property;
        if (f.Field.Kind == FieldKind.Sockaddr && f.Count == 0)
        {
            w.Line($"v.{p} = {Fields}.ReadSockaddr(s.Slice({f.Offset}, {f.Size}), available - {f.Offset});");
            return;
        }
        if (f.Count > 0)
        {
            w.Open("");
            w.Line($"var array = default({ArrayTypeName(f)});");
            if (f.Field.Kind == FieldKind.Sockaddr)
            {
                w.Line($"for (int i = 0; i < {f.Count}; i++) array[i] = {Fields}.ReadSockaddr(s.Slice({f.Offset} + i * {f.ElementSize}, {f.ElementSize}), available - {f.Offset} - i * {f.ElementSize});");
            }
            else if (ElementType(f) == "byte")
            {
                w.Line($"s.Slice({f.Offset}, {f.Count}).CopyTo(((global::System.Span<byte>)array));");
            }
            else
            {
                w.Line($"for (int i = 0; i < {f.Count}; i++) array[i] = {ReadScalar(f, $"s.Slice({f.Offset} + i * {f.ElementSize})")};");
            }
            w.Line($"v.{p} = array;");
            w.Close();
            return;
        }
        if (f.Bits > 0)
        {
            var mask = f.Bits == 64 ? "ulong.MaxValue" : $"0x{((1UL << f.Bits) - 1):X}UL";
            var unit = $"(ulong){ReadScalar(f, $"s.Slice({f.Offset})")}";
            if (f.Signed)
            {
                w.Open("");
                w.Line($"long raw = (long)(({unit} >> {f.BitOffset}) & {mask});");
                if (f.Bits < 64) w.Line($"if ((raw & (1L << {f.Bits - 1})) != 0) raw -= 1L << {f.Bits};");
                w.Line($"v.{p} = ({f.ClrType})raw;");
                w.Close();
            }
            else
            {
                w.Line($"v.{p} = ({f.ClrType})(({unit} >> {f.BitOffset}) & {mask});");
            }
            return;
        }
        w.Line($"v.{p} = {ReadScalar(f, $"s.Slice({f.Offset})")};");
    }

    private static string ReadScalar(FieldLayout f, string span)
    {
        switch (f.Category)
        {
            case ValueCategory.Ipv4: return $"new global::UcSocket.InAddr({span})";
            case ValueCategory.Ipv6: return $"new global::UcSocket.In6Addr({span})";
            case ValueCategory.Struct: return $"{f.ClrType}.Read({span}.Slice(0, {f.ElementSize}))";
        }
        if (f.ElementSize == 1) return f.Signed ? $"(sbyte){span}[0]" : $"{span}[0]";
        if (f.BigEndian) return $"global::System.Buffers.Binary.BinaryPrimitives.Read{BinaryName(f)}BigEndian({span})";
        return $"global::System.Runtime.InteropServices.MemoryMarshal.Read<{f.ClrType}>({span})";
    }

    private static string BinaryName(FieldLayout f) => f.ClrType switch
    {
        "short" => "Int16", "ushort" => "UInt16", "int" => "Int32", "uint" => "UInt32", "long" => "Int64", _ => "UInt64",
    };

    private static void EmitWrite(CodeWriter w, StructLayout s)
    {
        w.Line("/// <summary>Writes the C layout (padding zeroed) into the first <see cref=\"NativeSize\"/> bytes of <paramref name=\"destination\"/>.</summary>");
        w.Open("public bool TryWrite(global::System.Span<byte> destination, out string? error)");
        w.Open($"if (destination.Length < {s.Size})");
        w.Line($"error = \"{CodeWriter.Escape(s.CTypeName)} needs {s.Size} bytes, the buffer has \" + destination.Length;");
        w.Line("return false;");
        w.Close();
        w.Line($"var d = destination.Slice(0, {s.Size});");
        w.Line("d.Clear();");
        w.Open("unchecked");
        foreach (var f in s.Fields) EmitWriteField(w, f);
        w.Close();
        w.Line("error = null;");
        w.Line("return true;");
        w.Close();
        w.Line();
    }

    private static void EmitWriteField(CodeWriter w, FieldLayout f)
    {
        var p = f.Field.Property;
        if (f.Field.Kind == FieldKind.Sockaddr && f.Count == 0)
        {
            w.Line($"if (!{Fields}.TryWriteSockaddr(this.{p}, d.Slice({f.Offset}, {f.Size}), \"{CodeWriter.Escape(f.Field.Name)}\", out error)) return false;");
            return;
        }
        if (f.Count > 0)
        {
            w.Open("");
            w.Line($"var array = this.{p};");
            if (f.Field.Kind == FieldKind.Sockaddr)
                w.Line($"for (int i = 0; i < {f.Count}; i++) {{ if (!{Fields}.TryWriteSockaddr(array[i], d.Slice({f.Offset} + i * {f.ElementSize}, {f.ElementSize}), \"{CodeWriter.Escape(f.Field.Name)}[\" + i + \"]\", out error)) return false; }}");
            else if (ElementType(f) == "byte")
                w.Line($"((global::System.Span<byte>)array).CopyTo(d.Slice({f.Offset}, {f.Count}));");
            else
                w.Line($"for (int i = 0; i < {f.Count}; i++) {{ var e = array[i]; {WriteScalar(f, $"d.Slice({f.Offset} + i * {f.ElementSize})", "e")} }}");
            w.Close();
            return;
        }
        if (f.Bits > 0)
        {
            var mask = f.Bits == 64 ? "ulong.MaxValue" : $"0x{((1UL << f.Bits) - 1):X}UL";
            w.Open("");
            w.Line($"ulong unit = (ulong){ReadScalar(f, $"d.Slice({f.Offset})")};");
            w.Line($"unit = (unit & ~({mask} << {f.BitOffset})) | (((ulong)this.{p} & {mask}) << {f.BitOffset});");
            w.Line($"var value = ({f.ClrType})unit;");
            w.Line(WriteScalar(f, $"d.Slice({f.Offset})", "value"));
            w.Close();
            return;
        }
        if (f.Overlaps)
        {
            // A union member: the bytes belong to an earlier member too, so a zero here must not clear its value.
            w.Open($"if (this.{p} != 0)");
        }
        else
        {
            w.Open("");
        }
        w.Line($"var value = this.{p};");
        w.Line(WriteScalar(f, $"d.Slice({f.Offset})", "value"));
        w.Close();
    }

    private static string WriteScalar(FieldLayout f, string span, string value)
    {
        switch (f.Category)
        {
            case ValueCategory.Ipv4:
            case ValueCategory.Ipv6:
                return $"{value}.CopyTo({span});";
            case ValueCategory.Struct:
                return $"if (!{value}.TryWrite({span}, out error)) return false;";
        }
        if (f.ElementSize == 1) return $"{span}[0] = (byte){value};";
        if (f.BigEndian) return $"global::System.Buffers.Binary.BinaryPrimitives.Write{BinaryName(f)}BigEndian({span}, {value});";
        return $"global::System.Runtime.InteropServices.MemoryMarshal.Write({span}, in {value});";
    }

    private static void EmitToDictionary(CodeWriter w, StructLayout s)
    {
        w.Line("/// <summary>The ucode-style form: a dictionary keyed by ucode field names.</summary>");
        w.Open("public global::System.Collections.Generic.Dictionary<string, object?> ToDictionary()");
        w.Line($"var d = new global::System.Collections.Generic.Dictionary<string, object?>({s.Fields.Count});");
        foreach (var f in s.Fields)
        {
            var p = f.Field.Property;
            string expr;
            switch (f.Field.Kind)
            {
                case FieldKind.Sockaddr when f.Count == 0: expr = $"this.{p}?.ToDictionary()"; break;
                case FieldKind.Ipv4 when f.Count == 0:
                case FieldKind.Ipv6 when f.Count == 0: expr = $"this.{p}.ToString()"; break;
                case FieldKind.Ipv4:
                case FieldKind.Ipv6:
                case FieldKind.Sockaddr:
                    {
                        var lf = f.Field.LengthField is null ? null : s.Fields.First(x => x.Field.CName == f.Field.LengthField);
                        var len = lf is null ? $"{f.Count}" : $"(int)global::System.Math.Min({f.Count}UL, (ulong)this.{lf.Field.Property})";
                        w.Open("");
                        w.Line($"var array = this.{p};");
                        w.Line($"d[\"{CodeWriter.Escape(f.Field.Name)}\"] = {Fields}.FormatAddresses(((global::System.ReadOnlySpan<{ElementType(f)}>)array).Slice(0, {len}));");
                        w.Close();
                        continue;
                    }
                case FieldKind.Struct when f.Count > 0:
                    w.Open("");
                    w.Line($"var array = this.{p};");
                    w.Line($"var items = new global::System.Collections.Generic.Dictionary<string, object?>[{f.Count}];");
                    w.Line($"for (int i = 0; i < {f.Count}; i++) items[i] = array[i].ToDictionary();");
                    w.Line($"d[\"{CodeWriter.Escape(f.Field.Name)}\"] = items;");
                    w.Close();
                    continue;
                case FieldKind.Struct: expr = $"this.{p}.ToDictionary()"; break;
                case FieldKind.HwAddr:
                case FieldKind.Bytes:
                case FieldKind.Path:
                    {
                        var lf = f.Field.LengthField is null ? null : s.Fields.First(x => x.Field.CName == f.Field.LengthField);
                        var len = lf is null ? $"{f.Count}" : $"global::System.Math.Min({f.Count}, (int)this.{lf.Field.Property})";
                        var span = $"((global::System.Span<byte>)array).Slice(0, {len})";
                        var conv = f.Field.Kind switch
                        {
                            FieldKind.HwAddr => $"{Fields}.FormatHardwareAddress({span})",
                            FieldKind.Path => $"{Fields}.FormatPath({span})",
                            _ => $"{span}.ToArray()",
                        };
                        w.Open("");
                        w.Line($"var array = this.{p};");
                        w.Line($"d[\"{CodeWriter.Escape(f.Field.Name)}\"] = {conv};");
                        w.Close();
                        continue;
                    }
                default:
                    if (f.Count > 0)
                    {
                        w.Open("");
                        w.Line($"var array = this.{p};");
                        w.Line($"d[\"{CodeWriter.Escape(f.Field.Name)}\"] = ((global::System.ReadOnlySpan<{f.ClrType}>)array).ToArray();");
                        w.Close();
                        continue;
                    }
                    expr = $"this.{p}";
                    break;
            }
            w.Line($"d[\"{CodeWriter.Escape(f.Field.Name)}\"] = {expr};");
        }
        w.Line("return d;");
        w.Close();
        w.Line();
    }

    private static void EmitFromDictionary(CodeWriter w, StructLayout s)
    {
        w.Line("/// <summary>Builds the struct from its ucode-style form. Missing fields are zero; an unknown key or a value that does not fit is an error naming the field.</summary>");
        w.Open($"public static bool TryFromDictionary(global::System.Collections.Generic.IReadOnlyDictionary<string, object?> values, out {s.TypeName} result, out string? error)");
        w.Line($"result = default;");
        w.Line($"if (!{Fields}.CheckKeys(values, \"{CodeWriter.Escape(s.CTypeName)}\", s_fieldNames, out error)) return false;");
        w.Line($"var v = new {s.TypeName}();");
        foreach (var f in s.Fields)
        {
            var p = f.Field.Property;
            var n = $"\"{CodeWriter.Escape(f.Field.Name)}\"";
            w.Open("");
            switch (f.Field.Kind)
            {
                case FieldKind.Ipv4 or FieldKind.Ipv6 or FieldKind.Sockaddr when f.Count > 0:
                    {
                        w.Line($"var array = default({ArrayTypeName(f)});");
                        w.Line($"if (!{Fields}.TryAddresses(values, {n}, ((global::System.Span<{ElementType(f)}>)array), out int used, out error)) return false;");
                        w.Line($"v.{p} = array;");
                        var lf = f.Field.LengthField is null ? null : s.Fields.First(x => x.Field.CName == f.Field.LengthField);
                        if (lf is not null)
                        {
                            // A count beyond the array would make the kernel read past the value (or refuse it with EINVAL).
                            var ln = CodeWriter.Escape(lf.Field.Name);
                            w.Open($"if (values.ContainsKey(\"{ln}\"))");
                            w.Open($"if ((ulong)v.{lf.Field.Property} > {f.Count}UL)");
                            w.Line($"error = \"Field {ln} (\" + v.{lf.Field.Property} + \") is more than the {f.Count} items field {CodeWriter.Escape(f.Field.Name)} holds\";");
                            w.Line("return false;");
                            w.Close();
                            w.Close();
                            w.Line($"else if (values.ContainsKey({n})) v.{lf.Field.Property} = ({lf.ClrType})used;");
                        }
                        break;
                    }
                case FieldKind.Ipv4:
                    w.Line($"if (!{Fields}.TryIpv4(values, {n}, out var x, out error)) return false;");
                    w.Line($"v.{p} = x;");
                    break;
                case FieldKind.Ipv6:
                    w.Line($"if (!{Fields}.TryIpv6(values, {n}, out var x, out error)) return false;");
                    w.Line($"v.{p} = x;");
                    break;
                case FieldKind.Struct when f.Count > 0:
                    w.Line($"var array = default({ArrayTypeName(f)});");
                    w.Line($"if (!{Fields}.TryStructs<{f.ClrType}>(values, {n}, ((global::System.Span<{f.ClrType}>)array), out error)) return false;");
                    w.Line($"v.{p} = array;");
                    break;
                case FieldKind.Struct:
                    w.Line($"if (!{Fields}.TryStruct<{f.ClrType}>(values, {n}, out var x, out error)) return false;");
                    w.Line($"v.{p} = x;");
                    break;
                case FieldKind.Sockaddr:
                    w.Line($"if (!{Fields}.TrySockaddr(values, {n}, out var x, out error)) return false;");
                    w.Line($"v.{p} = x;");
                    break;
                case FieldKind.HwAddr:
                case FieldKind.Bytes:
                case FieldKind.Path:
                    {
                        var method = f.Field.Kind switch { FieldKind.HwAddr => "TryHardwareAddress", FieldKind.Path => "TryPath", _ => "TryBytes" };
                        w.Line($"var array = default({ArrayTypeName(f)});");
                        w.Line($"if (!{Fields}.{method}(values, {n}, ((global::System.Span<byte>)array), out int used, out error)) return false;");
                        w.Line($"v.{p} = array;");
                        var lf = f.Field.LengthField is null ? null : s.Fields.First(x => x.Field.CName == f.Field.LengthField);
                        if (lf is not null)
                            w.Line($"if (!values.ContainsKey(\"{CodeWriter.Escape(lf.Field.Name)}\") && values.ContainsKey({n})) v.{lf.Field.Property} = ({lf.ClrType})used;");
                        break;
                    }
                default:
                    if (f.Count > 0)
                    {
                        var (min, max) = Range(f);
                        w.Line($"var array = default({ArrayTypeName(f)});");
                        w.Line($"global::System.Span<long> items = stackalloc long[{f.Count}];");
                        w.Line($"if (!{Fields}.TryIntegers(values, {n}, {min}, {max}, items, out error)) return false;");
                        w.Line($"for (int i = 0; i < {f.Count}; i++) array[i] = unchecked(({f.ClrType})items[i]);");
                        w.Line($"v.{p} = array;");
                    }
                    else if (f.ClrType == "ulong" && f.Bits == 0)
                    {
                        w.Line($"if (!{Fields}.TryUnsigned(values, {n}, ulong.MaxValue, out var x, out error)) return false;");
                        w.Line($"v.{p} = x;");
                    }
                    else if (f.Field.Kind == FieldKind.IfIndex)
                    {
                        var (min, max) = Range(f);
                        w.Line($"if (!{Fields}.TryInterfaceIndex(values, {n}, {min}, {max}, out var x, out error)) return false;");
                        w.Line($"v.{p} = unchecked(({f.ClrType})x);");
                    }
                    else
                    {
                        var (min, max) = Range(f);
                        w.Line($"if (!{Fields}.TryInteger(values, {n}, {min}, {max}, out var x, out error)) return false;");
                        w.Line($"v.{p} = unchecked(({f.ClrType})x);");
                    }
                    break;
            }
            w.Close();
        }
        w.Line("result = v;");
        w.Line("error = null;");
        w.Line("return true;");
        w.Close();
    }

    /// <summary>The range a field accepts, as C# long literals (bitfields narrower than their type).</summary>
    private static (string Min, string Max) Range(FieldLayout f)
    {
        int bits = f.Bits > 0 ? f.Bits : f.ElementSize * 8;
        if (f.Signed)
        {
            if (bits >= 64) return ("long.MinValue", "long.MaxValue");
            return (CodeWriter.Invariant($"{-(1L << (bits - 1))}L"), CodeWriter.Invariant($"{(1L << (bits - 1)) - 1}L"));
        }
        if (bits >= 64) return ("0L", "long.MaxValue");
        return ("0L", CodeWriter.Invariant($"{(1L << bits) - 1}L"));
    }
}
