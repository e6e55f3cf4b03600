using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>
/// Emits one value struct per C struct, laid out as the C struct (explicit layout, the members' storage at their
/// offsets): properties over the storage, Read/TryWrite as one copy, value equality over the bytes, dictionary
/// conversion. What each member needs is its <see cref="FieldEmitter"/>'s business.
/// </summary>
internal static class StructEmitter
{
    private const string FieldsClass = "global::UcSocket.Marshalling.SpecFields";
    private const string Memory = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const int MaxConstructorParameters = 8;

    public static void Emit(CodeWriter w, StructLayout s, string ns)
    {
        s = QualifyShadowedTypes(s, ns);
        var fields = s.Fields.Select(f => FieldEmitter.For(f, s)).ToList();
        var visible = fields.Where(f => f.IsPublic).ToList();
        var t = s.TypeName;
        w.Line($"/// <summary>C <c>{CodeWriter.Xml(s.CTypeName)}</c>: {s.Size} bytes, aligned to {s.Align}.{(s.Doc is null ? "" : " " + CodeWriter.Xml(s.Doc))}</summary>");
        w.Line("/// <remarks>The value's memory is the C struct: its private fields sit at the members' offsets, so reading and writing it is one copy.</remarks>");
        w.Line($"[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Explicit, Size = {s.Size}{(s.Align == 1 ? ", Pack = 1" : "")})]");
        w.Open($"public partial record struct {t} : global::UcSocket.ISpecStruct<{t}>");
        w.Line($"/// <summary>Size of <c>{CodeWriter.Xml(s.CTypeName)}</c> in bytes.</summary>");
        w.Line($"public static int NativeSize => {s.Size};");
        w.Line();
        w.Line("/// <summary>The C type name.</summary>");
        w.Line($"public static string CTypeName => \"{CodeWriter.Escape(s.CTypeName)}\";");
        w.Line();
        w.Line($"private static readonly string[] s_fieldNames = {{ {string.Join(", ", visible.Select(f => "\"" + CodeWriter.Escape(f.F.Field.Name) + "\""))} }};");
        w.Line();

        EmitStorage(w, s, fields);
        foreach (var f in visible) f.EmitProperty(w);
        foreach (var f in fields) f.EmitTypes(w);
        EmitConstructor(w, s, visible);
        EmitRead(w, s, fields);
        EmitWrite(w, s);
        EmitEquality(w, s);
        EmitToDictionary(w, s, visible);
        StructPrinter.Emit(w, visible);
        EmitFromDictionary(w, s, visible);
        w.Close();
    }

    /// <summary>The private fields at the members' offsets: one per member, one per bitfield storage unit.</summary>
    private static void EmitStorage(CodeWriter w, StructLayout s, List<FieldEmitter> fields)
    {
        var units = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in fields)
        {
            if (f is BitfieldEmitter)
            {
                if (!units.Add(f.StorageName)) continue;
                w.Line($"[global::System.Runtime.InteropServices.FieldOffset({f.F.Offset})]");
                w.Line($"private {BitfieldEmitter.UnitType(f.F)} {f.StorageName};");
                continue;
            }
            f.EmitStorage(w);
        }
        w.Line();
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

    private static string ArrayTypeName(FieldLayout f) => f.Field.Property + "Array";

    private static void EmitConstructor(CodeWriter w, StructLayout s, List<FieldEmitter> fields)
    {
        if (fields.Count > MaxConstructorParameters) return;
        var ps = string.Join(", ", fields.Select(f => $"{f.PropertyType} {f.Property} = default"));
        w.Line("/// <summary>Creates the struct from its field values; omitted fields are zero.</summary>");
        w.Open($"public {s.TypeName}({ps})");
        // Zeroes the padding and the private members too: the value's bytes are what TryWrite hands to the kernel.
        w.Line("this = default;");
        foreach (var f in fields) f.EmitConstructorAssignment(w);
        w.Close();
        w.Line();
    }

    private const string Inline = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]";

    // Read and TryWrite are a length check and one copy, inlined at the caller; the rare paths (a shorter source, a
    // buffer too small) are methods of their own, named with two underscores as the storage is, so no member clashes.
    private static void EmitRead(CodeWriter w, StructLayout s, List<FieldEmitter> fields)
    {
        var t = s.TypeName;
        w.Line("/// <summary>Reads the C layout (one copy); a shorter source (an older kernel's struct) reads as if zero-padded.</summary>");
        w.Line(Inline);
        w.Line($"public static {t} Read(global::System.ReadOnlySpan<byte> source) => source.Length >= {s.Size} ? {Memory}.Read<{t}>(source) : __readPadded(source);");
        w.Line();
        w.Open($"private static {t} __readPadded(global::System.ReadOnlySpan<byte> source)");
        w.Line($"var value = default({t});");
        w.Line($"source.CopyTo({Memory}.AsBytes(new global::System.Span<{t}>(ref value)));");
        if (fields.Any(f => f is SockaddrEmitter or SockaddrArrayEmitter))
        {
            w.Line("int received = source.Length;");
            foreach (var f in fields) f.EmitShortRead(w);
        }
        w.Line("return value;");
        w.Close();
        w.Line();
    }

    private static void EmitWrite(CodeWriter w, StructLayout s)
    {
        w.Line("/// <summary>Writes the C layout (one copy of the value's memory) into the first <see cref=\"NativeSize\"/> bytes of <paramref name=\"destination\"/>.</summary>");
        w.Line(Inline);
        w.Open("public readonly bool TryWrite(global::System.Span<byte> destination, out string? error)");
        w.Line($"if (destination.Length < {s.Size}) return __tooSmall(destination.Length, out error);");
        w.Line($"{Memory}.Write(destination, in this);");
        w.Line("error = null;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Open("private static bool __tooSmall(int length, out string? error)");
        w.Line($"error = \"{CodeWriter.Escape(s.CTypeName)} needs {s.Size} bytes, the buffer has \" + length;");
        w.Line("return false;");
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Value equality over the C bytes. The compiler's would compare the storage fields one by one, and the runtime
    /// refuses to compare inline arrays (the storage of every array member) that way.
    /// </summary>
    private static void EmitEquality(CodeWriter w, StructLayout s)
    {
        var t = s.TypeName;
        var self = $"{Memory}.AsBytes(new global::System.ReadOnlySpan<{t}>(in this))";
        w.Line("/// <summary>True when both values hold the same C bytes.</summary>");
        w.Line($"public readonly bool Equals({t} other) => global::System.MemoryExtensions.SequenceEqual({self}, {Memory}.AsBytes(new global::System.ReadOnlySpan<{t}>(in other)));");
        w.Line();
        w.Line("/// <summary>A hash of the C bytes.</summary>");
        w.Open("public override readonly int GetHashCode()");
        w.Line("var hash = new global::System.HashCode();");
        w.Line($"hash.AddBytes({self});");
        w.Line("return hash.ToHashCode();");
        w.Close();
        w.Line();
    }

    private static void EmitToDictionary(CodeWriter w, StructLayout s, List<FieldEmitter> fields)
    {
        w.Line("/// <summary>The ucode-style form: a dictionary keyed by ucode field names.</summary>");
        w.Open("public readonly global::System.Collections.Generic.Dictionary<string, object?> ToDictionary()");
        w.Line($"var d = new global::System.Collections.Generic.Dictionary<string, object?>({fields.Count});");
        foreach (var f in fields)
        {
            if (f is ArrayEmitter) w.Open("");
            f.EmitToDictionary(w);
            if (f is ArrayEmitter) w.Close();
        }
        w.Line("return d;");
        w.Close();
        w.Line();
    }

    private static void EmitFromDictionary(CodeWriter w, StructLayout s, List<FieldEmitter> fields)
    {
        w.Line("/// <summary>Builds the struct from its ucode-style form. Missing fields are zero; an unknown key or a value that does not fit is an error naming the field.</summary>");
        w.Open($"public static bool TryFromDictionary(global::System.Collections.Generic.IReadOnlyDictionary<string, object?> values, out {s.TypeName} result, out string? error)");
        w.Line("result = default;");
        w.Line($"if (!{FieldsClass}.CheckKeys(values, \"{CodeWriter.Escape(s.CTypeName)}\", s_fieldNames, out error)) return false;");
        w.Line($"var v = default({s.TypeName});");
        foreach (var f in fields)
        {
            w.Open("");
            f.EmitFromDictionary(w);
            w.Close();
        }
        w.Line("result = v;");
        w.Line("error = null;");
        w.Line("return true;");
        w.Close();
    }
}
