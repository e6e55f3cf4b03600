using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>
/// What a struct's generated code does for one member, one class per kind of member: its storage in the struct's
/// memory (the C layout), its property, its ucode-style dictionary entry, its <c>ToString</c> text, and what a read
/// of a shorter source must undo. <see cref="For"/> picks the class; <see cref="StructEmitter"/> only orders the parts.
/// </summary>
/// <remarks>
/// Storage members are private and named so that no spec name can take them: <c>__{Property}</c> (a property never
/// starts with two underscores), bitfield units <c>__bits{offset}_{width}</c> and the storage type of an address
/// array <c>__sockaddrs_{Property}</c>, like the struct's helpers <c>__readPadded</c> and <c>__tooSmall</c> (a lower-case letter after the underscores, where a property has an upper-case
/// one or another underscore).
/// </remarks>
internal abstract class FieldEmitter
{
    protected const string Fields = "global::UcSocket.Marshalling.SpecFields";
    protected const string Memory = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Binary = "global::System.Buffers.Binary.BinaryPrimitives";
    private const string LittleEndian = "global::System.BitConverter.IsLittleEndian";

    protected FieldEmitter(FieldLayout field, StructLayout owner)
    {
        F = field;
        Owner = owner;
    }

    public FieldLayout F { get; }

    protected StructLayout Owner { get; }

    /// <summary>The C# property (also the name the storage is made from).</summary>
    public string Property => F.Field.Property;

    /// <summary>The ucode field name as the inside of a string literal.</summary>
    protected string Name => CodeWriter.Escape(F.Field.Name);

    /// <summary>The private field that holds the member's bytes.</summary>
    public virtual string StorageName => "__" + Property;

    /// <summary>The type of the storage field; null when the member has none of its own (a bitfield lives in its unit).</summary>
    public virtual string? StorageType => F.ClrType;

    /// <summary>The type of the property and of the constructor argument.</summary>
    public virtual string PropertyType => F.ClrType;

    /// <summary>Whether users see the member (a property, a constructor argument, a dictionary key).</summary>
    public bool IsPublic => !F.Field.Private;

    public static FieldEmitter For(FieldLayout f, StructLayout owner)
    {
        if (f.Bits > 0) return new BitfieldEmitter(f, owner);
        if (f.Count > 0)
        {
            return f.Field.Kind switch
            {
                FieldKind.Bytes or FieldKind.HwAddr or FieldKind.Path => new ByteArrayEmitter(f, owner),
                FieldKind.Ipv4 or FieldKind.Ipv6 => new AddressArrayEmitter(f, owner),
                FieldKind.Sockaddr => new SockaddrArrayEmitter(f, owner),
                FieldKind.Struct => new StructArrayEmitter(f, owner),
                _ => new IntegerArrayEmitter(f, owner),
            };
        }
        return f.Field.Kind switch
        {
            FieldKind.Ipv4 or FieldKind.Ipv6 => new AddressEmitter(f, owner),
            FieldKind.Sockaddr => new SockaddrEmitter(f, owner),
            FieldKind.Struct => new StructEmitterField(f, owner),
            _ => new IntegerEmitter(f, owner),
        };
    }

    /// <summary>Declares the storage field at the member's offset.</summary>
    public void EmitStorage(CodeWriter w)
    {
        if (StorageType is not { } type) return;
        w.Line($"[global::System.Runtime.InteropServices.FieldOffset({F.Offset})]");
        w.Line($"private {type} {StorageName};");
    }

    /// <summary>Nested types the member needs (inline arrays).</summary>
    public virtual void EmitTypes(CodeWriter w)
    {
    }

    /// <summary>The property, documented with the member's C name, type and place.</summary>
    public void EmitProperty(CodeWriter w)
    {
        var place = F.Bits > 0 ? $", bits {F.BitOffset}..{F.BitOffset + F.Bits - 1} of the {F.Size}-byte unit at offset {F.Offset}" : $", offset {F.Offset}";
        if (F.Field.Trailing) place += ", after the C struct";
        if (F.BigEndian && F.Category == ValueCategory.Int) place += ", network byte order in memory";
        w.Line($"/// <summary><c>{F.Field.CName}</c> (<c>{CodeWriter.Xml(F.Field.CType ?? "")}{(F.Count > 0 ? $"[{F.Count}]" : "")}</c>{place}); ucode field <c>{CodeWriter.Xml(F.Field.Name)}</c>.{PropertyRemark}</summary>");
        w.Open($"public {PropertyType} {Property}");
        EmitAccessors(w);
        w.Close();
        w.Line();
    }

    /// <summary>A sentence added to the property's summary.</summary>
    protected virtual string PropertyRemark => "";

    /// <summary>The property's accessors: by default the storage field itself, which holds the C bytes as they are.</summary>
    protected virtual void EmitAccessors(CodeWriter w)
    {
        w.Line($"readonly get => {StorageName};");
        w.Line($"set => {StorageName} = value;");
    }

    /// <summary>The constructor's assignment of its argument.</summary>
    public virtual void EmitConstructorAssignment(CodeWriter w) => w.Line($"this.{Property} = {Property};");

    /// <summary>Adds the member to the dictionary <c>d</c> of <c>ToDictionary</c>.</summary>
    public virtual void EmitToDictionary(CodeWriter w) => w.Line($"d[\"{Name}\"] = this.{Property};");

    /// <summary>Sets the member of <c>v</c> from <c>values</c> in <c>TryFromDictionary</c>; returns false with <c>error</c> set on a bad value.</summary>
    public abstract void EmitFromDictionary(CodeWriter w);

    /// <summary>Appends the member to <c>builder</c> in <c>PrintMembers</c>; <paramref name="label"/> is the escaped <c>Name = </c> text.</summary>
    public virtual void EmitPrint(CodeWriter w, string label) => w.Line($"builder.Append(\"{label}\").Append((object?)this.{Property});");

    /// <summary>
    /// In <c>Read</c> of a source shorter than the struct, after the zero-padded copy into <c>value</c>: undoes what
    /// must not be read from bytes that did not arrive; <c>received</c> is the source's length.
    /// </summary>
    public virtual void EmitShortRead(CodeWriter w)
    {
    }

    // ---- helpers shared by the kinds ----

    /// <summary>The member that holds the used length of this array, if the spec names one.</summary>
    protected FieldLayout? LengthField => F.Field.LengthField is null ? null : Owner.Fields.First(x => x.Field.CName == F.Field.LengthField);

    /// <summary>An expression converting an integer between host and network order (both ways are the same swap).</summary>
    protected static string Swap(string expression, int size) =>
        size == 1 ? expression : $"({LittleEndian} ? {Binary}.ReverseEndianness({expression}) : {expression})";

    /// <summary>The range a field accepts, as C# long literals (bitfields narrower than their type).</summary>
    protected (string Min, string Max) Range()
    {
        int bits = F.Bits > 0 ? F.Bits : F.ElementSize * 8;
        if (F.Signed)
        {
            if (bits >= 64) return ("long.MinValue", "long.MaxValue");
            return (CodeWriter.Invariant($"{-(1L << (bits - 1))}L"), CodeWriter.Invariant($"{(1L << (bits - 1)) - 1}L"));
        }
        if (bits >= 64) return ("0L", "long.MaxValue");
        return ("0L", CodeWriter.Invariant($"{(1L << bits) - 1}L"));
    }

    /// <summary>The bytes of a storage field (or of an element of one) as a span: <c>MemoryMarshal.AsBytes(new Span&lt;T&gt;(ref x))</c>.</summary>
    protected static string BytesOf(string type, string reference, bool writable) => writable
        ? $"{Memory}.AsBytes(new global::System.Span<{type}>(ref {reference}))"
        : $"{Memory}.AsBytes(new global::System.ReadOnlySpan<{type}>(in {reference}))";
}

/// <summary>An integer member (kinds int and ifindex): stored as its C# type; network-order ones are swapped in the accessors.</summary>
internal class IntegerEmitter : FieldEmitter
{
    public IntegerEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    protected override void EmitAccessors(CodeWriter w)
    {
        if (F.BigEndian)
        {
            w.Line($"readonly get => {Swap(StorageName, F.ElementSize)};");
            w.Line($"set => {StorageName} = {Swap("value", F.ElementSize)};");
            return;
        }
        base.EmitAccessors(w);
    }

    // A union member: its bytes belong to an earlier member too, so a zero (an argument left out) must not clear that
    // one's value, and a value that would change that one's (members given values that disagree) is refused.
    public override void EmitConstructorAssignment(CodeWriter w)
    {
        if (!F.Overlaps)
        {
            w.Line($"this.{Property} = {Property};");
            return;
        }
        var othersGiven = Shared.Any() ? string.Join(" || ", Shared.Select(o => $"{o.Field.Property} != 0")) : "false";
        w.Line($"if ({Property} != 0 && ({othersGiven}) && this.{Property} != {Property}) throw new global::System.ArgumentException({"\"" + CodeWriter.Escape(Disagreement) + "\""}, nameof({Property}));");
        w.Line($"if ({Property} != 0) this.{Property} = {Property};");
    }

    /// <summary>The earlier members this union member shares bytes with.</summary>
    private System.Collections.Generic.IEnumerable<FieldLayout> Shared =>
        Owner.Fields.Where(o => o != F && !o.Overlaps && o.Offset < F.Offset + F.Size && F.Offset < o.Offset + o.Size);

    /// <summary>The error for a union member given a value that disagrees with the member it shares bytes with.</summary>
    private string Disagreement
    {
        get
        {
            var others = Shared.Select(o => o.Field.Name);
            return $"Field {F.Field.Name} shares its bytes with field {string.Join(", ", others)} of {Owner.CTypeName}, given a value they disagree on";
        }
    }

    public override void EmitFromDictionary(CodeWriter w)
    {
        var n = $"\"{Name}\"";
        string value;
        if (F.ClrType == "ulong" && F.Bits == 0)
        {
            w.Line($"if (!{Fields}.TryUnsigned(values, {n}, ulong.MaxValue, out var x, out error)) return false;");
            value = "x";
        }
        else
        {
            var (min, max) = Range();
            var method = F.Field.Kind == FieldKind.IfIndex ? "TryInterfaceIndex" : "TryInteger";
            w.Line($"if (!{Fields}.{method}(values, {n}, {min}, {max}, out var x, out error)) return false;");
            value = $"unchecked(({F.ClrType})x)";
        }
        if (!F.Overlaps)
        {
            w.Line($"v.{Property} = {value};");
            return;
        }
        // Given beside a member it shares bytes with, it must agree with what that one wrote there.
        var othersGiven = Shared.Any() ? string.Join(" || ", Shared.Select(o => $"values.ContainsKey(\"{CodeWriter.Escape(o.Field.Name)}\")")) : "false";
        w.Open($"if (values.ContainsKey({n}) && ({othersGiven}) && v.{Property} != {value})");
        w.Line($"error = {"\"" + CodeWriter.Escape(Disagreement) + "\""};");
        w.Line("return false;");
        w.Close();
        w.Line($"if (x != 0) v.{Property} = {value};");
    }
}

/// <summary>
/// A bitfield: no storage of its own; its storage unit (the C unit type, unsigned, at the unit's offset) is shared
/// with the other bitfields in it, and the accessors shift and mask.
/// </summary>
internal sealed class BitfieldEmitter : IntegerEmitter
{
    public BitfieldEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override string StorageName => UnitName(F);

    public override string? StorageType => null;

    /// <summary>The storage unit's field: one per offset and width, declared by the struct.</summary>
    public static string UnitName(FieldLayout f) => $"__bits{f.Offset}_{f.Size * 8}";

    public static string UnitType(FieldLayout f) => f.Size switch { 1 => "byte", 2 => "ushort", 4 => "uint", _ => "ulong" };

    protected override void EmitAccessors(CodeWriter w)
    {
        var mask = F.Bits == 64 ? "ulong.MaxValue" : CodeWriter.Invariant($"0x{((1UL << F.Bits) - 1):X}UL");
        var unit = F.BigEndian ? Swap(StorageName, F.Size) : StorageName;
        string Shift(string expression, string op) => F.BitOffset == 0 ? expression : $"({expression} {op} {F.BitOffset})";
        var field = $"({Shift($"(ulong){unit}", ">>")} & {mask})";
        w.Line(F.Signed
            ? $"readonly get => unchecked(({F.ClrType})((long)({field} << {64 - F.Bits}) >> {64 - F.Bits}));"
            : $"readonly get => unchecked(({F.ClrType}){field});");
        w.Open("set");
        w.Line($"ulong unit = unchecked(((ulong){unit} & ~{Shift(mask, "<<")}) | {Shift($"((ulong)value & {mask})", "<<")});");
        var stored = $"unchecked(({UnitType(F)})unit)";
        w.Line($"{StorageName} = {(F.BigEndian ? Swap(stored, F.Size) : stored)};");
        w.Close();
    }
}

/// <summary>An <c>in_addr</c> or <c>in6_addr</c> member: stored as <c>InAddr</c>/<c>In6Addr</c> (both are the C bytes); text in the ucode form.</summary>
internal sealed class AddressEmitter : FieldEmitter
{
    public AddressEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override void EmitToDictionary(CodeWriter w) => w.Line($"d[\"{Name}\"] = this.{Property}.ToString();");

    public override void EmitFromDictionary(CodeWriter w)
    {
        w.Line($"if (!{Fields}.{(F.Category == ValueCategory.Ipv4 ? "TryIpv4" : "TryIpv6")}(values, \"{Name}\", out var x, out error)) return false;");
        w.Line($"v.{Property} = x;");
    }
}

/// <summary>A nested spec struct: stored as that struct (it is the C bytes too); a nested dictionary in the ucode form.</summary>
internal sealed class StructEmitterField : FieldEmitter
{
    public StructEmitterField(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override void EmitToDictionary(CodeWriter w) => w.Line($"d[\"{Name}\"] = this.{Property}.ToDictionary();");

    public override void EmitFromDictionary(CodeWriter w)
    {
        w.Line($"if (!{Fields}.TryStruct<{F.ClrType}>(values, \"{Name}\", out var x, out error)) return false;");
        w.Line($"v.{Property} = x;");
    }
}

/// <summary>
/// A nested socket address (kind sockaddr): stored as the C bytes of its struct; the property decodes them through
/// the family codecs (null for no address or an unknown family) and encodes on set.
/// </summary>
internal sealed class SockaddrEmitter : FieldEmitter
{
    public SockaddrEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override string PropertyType => "global::UcSocket.SocketAddress?";

    protected override string PropertyRemark => " Setting an address its family codec cannot encode throws <see cref=\"global::System.ArgumentException\"/> naming the field.";

    protected override void EmitAccessors(CodeWriter w)
    {
        w.Line($"readonly get => {Fields}.ReadSockaddr({BytesOf(F.ClrType, StorageName, false)}, {F.Size});");
        w.Line($"set => {Fields}.WriteSockaddr(value, {BytesOf(F.ClrType, StorageName, true)}, \"{Name}\");");
    }

    public override void EmitToDictionary(CodeWriter w) => w.Line($"d[\"{Name}\"] = this.{Property}?.ToDictionary();");

    public override void EmitFromDictionary(CodeWriter w)
    {
        w.Line($"if (!{Fields}.TrySockaddr(values, \"{Name}\", out var x, out error)) return false;");
        w.Line($"if (!{Fields}.TryWriteSockaddr(x, {BytesOf(F.ClrType, "v." + StorageName, true)}, \"{Name}\", out error)) return false;");
    }

    // Only bytes that arrived make an address: one cut short reads as none.
    public override void EmitShortRead(CodeWriter w) =>
        w.Line($"{Fields}.ClearPartialSockaddr({BytesOf(F.ClrType, "value." + StorageName, true)}, received - {F.Offset});");
}

/// <summary>The arrays (<c>count</c>): stored as the public inline-array type <c>{Property}Array</c> unless a kind needs another.</summary>
internal abstract class ArrayEmitter : FieldEmitter
{
    protected ArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public string ArrayType => Property + "Array";

    /// <summary>The element type of the public inline array: bytes, hardware addresses and paths are raw bytes whatever the C char's signedness.</summary>
    public virtual string ElementType => F.ClrType;

    public override string? StorageType => ArrayType;

    public override string PropertyType => ArrayType;

    /// <summary>The used length: the length member's value (at most the array's), else the whole array.</summary>
    protected string Used(string cast = "") => LengthField is { } lf
        ? $"{cast}global::System.Math.Min({F.Count}UL, (ulong)this.{lf.Field.Property})"
        : $"{F.Count}";

    public override void EmitTypes(CodeWriter w)
    {
        if (IsPublic) w.Line($"/// <summary>Inline storage for <c>{F.Field.CName}[{F.Count}]</c>.</summary>");
        w.Line($"[global::System.Runtime.CompilerServices.InlineArray({F.Count})]");
        w.Open($"{(IsPublic ? "public" : "private")} struct {ArrayType}");
        w.Line($"private {ElementType} _element0;");
        w.Close();
        w.Line();
    }

    public override void EmitPrint(CodeWriter w, string label)
    {
        w.Line($"var array = this.{Property};");
        w.Line($"var items = ((global::System.ReadOnlySpan<{ElementType}>)array).Slice(0, {Used("(int)")});");
        w.Line($"builder.Append(\"{label}[\");");
        w.Line("for (int i = 0; i < items.Length; i++) builder.Append(i == 0 ? \"\" : \", \").Append((object?)items[i]);");
        w.Line("builder.Append(']');");
    }
}

/// <summary>An array of integers; network-order elements are swapped one by one in the accessors.</summary>
internal sealed class IntegerArrayEmitter : ArrayEmitter
{
    public IntegerArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    protected override void EmitAccessors(CodeWriter w)
    {
        if (!F.BigEndian || F.ElementSize == 1)
        {
            base.EmitAccessors(w);
            return;
        }
        w.Open("readonly get");
        w.Line($"var array = {StorageName};");
        w.Line($"for (int i = 0; i < {F.Count}; i++) array[i] = {Swap("array[i]", F.ElementSize)};");
        w.Line("return array;");
        w.Close();
        w.Open("set");
        w.Line($"for (int i = 0; i < {F.Count}; i++) {StorageName}[i] = {Swap("value[i]", F.ElementSize)};");
        w.Close();
    }

    public override void EmitToDictionary(CodeWriter w)
    {
        w.Line($"var array = this.{Property};");
        w.Line($"d[\"{Name}\"] = ((global::System.ReadOnlySpan<{F.ClrType}>)array).ToArray();");
    }

    public override void EmitFromDictionary(CodeWriter w)
    {
        var (min, max) = Range();
        w.Line($"var array = default({ArrayType});");
        w.Line($"global::System.Span<long> items = stackalloc long[{F.Count}];");
        w.Line($"if (!{Fields}.TryIntegers(values, \"{Name}\", {min}, {max}, items, out error)) return false;");
        w.Line($"for (int i = 0; i < {F.Count}; i++) array[i] = unchecked(({F.ClrType})items[i]);");
        w.Line($"v.{Property} = array;");
    }
}

/// <summary>Bytes, hardware addresses and paths: byte arrays, given and shown whole (as text for the last two).</summary>
internal sealed class ByteArrayEmitter : ArrayEmitter
{
    public ByteArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override string ElementType => "byte";

    private string UsedBytes => LengthField is { } lf ? $"global::System.Math.Min({F.Count}, (int)this.{lf.Field.Property})" : $"{F.Count}";

    public override void EmitToDictionary(CodeWriter w)
    {
        var span = $"((global::System.Span<byte>)array).Slice(0, {UsedBytes})";
        var value = F.Field.Kind switch
        {
            FieldKind.HwAddr => $"{Fields}.FormatHardwareAddress({span})",
            FieldKind.Path => $"{Fields}.FormatPath({span})",
            _ => $"{span}.ToArray()",
        };
        w.Line($"var array = this.{Property};");
        w.Line($"d[\"{Name}\"] = {value};");
    }

    public override void EmitFromDictionary(CodeWriter w)
    {
        var method = F.Field.Kind switch { FieldKind.HwAddr => "TryHardwareAddress", FieldKind.Path => "TryPath", _ => "TryBytes" };
        var n = $"\"{Name}\"";
        w.Line($"var array = default({ArrayType});");
        w.Line($"if (!{Fields}.{method}(values, {n}, ((global::System.Span<byte>)array), out int used, out error)) return false;");
        w.Line($"v.{Property} = array;");
        if (LengthField is { } lf)
            w.Line($"if (!values.ContainsKey(\"{CodeWriter.Escape(lf.Field.Name)}\") && values.ContainsKey({n})) v.{lf.Field.Property} = ({lf.ClrType})used;");
    }

    public override void EmitPrint(CodeWriter w, string label)
    {
        if (F.Field.Kind is not (FieldKind.HwAddr or FieldKind.Path))
        {
            base.EmitPrint(w, label);
            return;
        }
        w.Line($"var array = this.{Property};");
        w.Line($"var items = ((global::System.ReadOnlySpan<byte>)array).Slice(0, {Used("(int)")});");
        w.Line(F.Field.Kind == FieldKind.HwAddr
            ? $"builder.Append(\"{label}\").Append({Fields}.FormatHardwareAddress(items));"
            : $"builder.Append(\"{label}\\\"\").Append({Fields}.FormatPath(items)).Append('\"');");
    }
}

/// <summary>
/// Arrays of addresses (IPv4, IPv6, or socket addresses): lists in the ucode form, with an optional member holding
/// the item count (set from the list when the dictionary leaves it out, and checked against the array's length).
/// </summary>
internal class AddressArrayEmitter : ArrayEmitter
{
    public AddressArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override void EmitToDictionary(CodeWriter w)
    {
        w.Line($"var array = this.{Property};");
        w.Line($"d[\"{Name}\"] = {Fields}.FormatAddresses(((global::System.ReadOnlySpan<{ElementType}>)array).Slice(0, {Used("(int)")}));");
    }

    public override void EmitFromDictionary(CodeWriter w)
    {
        w.Line($"var array = default({ArrayType});");
        w.Line($"if (!{Fields}.TryAddresses(values, \"{Name}\", ((global::System.Span<{ElementType}>)array), out int used, out error)) return false;");
        EmitStore(w);
        if (LengthField is { } lf)
        {
            // A count beyond the array would make the kernel read past the value (or refuse it with EINVAL).
            var ln = CodeWriter.Escape(lf.Field.Name);
            w.Open($"if (values.ContainsKey(\"{ln}\"))");
            w.Open($"if ((ulong)v.{lf.Field.Property} > {F.Count}UL)");
            w.Line($"error = \"Field {ln} (\" + v.{lf.Field.Property} + \") is more than the {F.Count} items field {Name} holds\";");
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Line($"else if (values.ContainsKey(\"{Name}\")) v.{lf.Field.Property} = ({lf.ClrType})used;");
        }
    }

    /// <summary>Stores the parsed <c>array</c> into <c>v</c>.</summary>
    protected virtual void EmitStore(CodeWriter w) => w.Line($"v.{Property} = array;");
}

/// <summary>
/// An array of socket addresses: the public <c>{Property}Array</c> holds <c>SocketAddress?</c> items, so the storage
/// is an inline array of the C struct (<c>__sockaddrs_{Property}</c>); the accessors decode and encode each item.
/// </summary>
internal sealed class SockaddrArrayEmitter : AddressArrayEmitter
{
    public SockaddrArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override string ElementType => "global::UcSocket.SocketAddress?";

    public override string? StorageType => "__sockaddrs_" + Property;

    protected override string PropertyRemark => " Setting an item its family codec cannot encode throws <see cref=\"global::System.ArgumentException\"/> naming the field.";

    private string Item(string storage, string index, bool writable) =>
        $"{Memory}.AsBytes(((global::System.{(writable ? "Span" : "ReadOnlySpan")}<{F.ClrType}>){storage}).Slice({index}, 1))";

    public override void EmitTypes(CodeWriter w)
    {
        base.EmitTypes(w);
        w.Line($"[global::System.Runtime.CompilerServices.InlineArray({F.Count})]");
        w.Open($"private struct {StorageType}");
        w.Line($"private {F.ClrType} _element0;");
        w.Close();
        w.Line();
    }

    protected override void EmitAccessors(CodeWriter w)
    {
        w.Open("readonly get");
        w.Line($"var array = default({ArrayType});");
        w.Line($"for (int i = 0; i < {F.Count}; i++) array[i] = {Fields}.ReadSockaddr({Item(StorageName, "i", false)}, {F.ElementSize});");
        w.Line("return array;");
        w.Close();
        w.Open("set");
        w.Line($"for (int i = 0; i < {F.Count}; i++) {Fields}.WriteSockaddr(value[i], {Item(StorageName, "i", true)}, \"{Name}[\" + i + \"]\");");
        w.Close();
    }

    protected override void EmitStore(CodeWriter w)
    {
        w.Line($"for (int i = 0; i < {F.Count}; i++)");
        w.Line($"    if (!{Fields}.TryWriteSockaddr(array[i], {Item("v." + StorageName, "i", true)}, \"{Name}[\" + i + \"]\", out error)) return false;");
    }

    public override void EmitShortRead(CodeWriter w) =>
        w.Line($"for (int i = 0; i < {F.Count}; i++) {Fields}.ClearPartialSockaddr({Item("value." + StorageName, "i", true)}, received - {F.Offset} - i * {F.ElementSize});");
}

/// <summary>An array of spec structs: a list of dictionaries in the ucode form.</summary>
internal sealed class StructArrayEmitter : ArrayEmitter
{
    public StructArrayEmitter(FieldLayout field, StructLayout owner) : base(field, owner)
    {
    }

    public override void EmitToDictionary(CodeWriter w)
    {
        w.Line($"var array = this.{Property};");
        w.Line($"var items = new global::System.Collections.Generic.Dictionary<string, object?>[{F.Count}];");
        w.Line($"for (int i = 0; i < {F.Count}; i++) items[i] = array[i].ToDictionary();");
        w.Line($"d[\"{Name}\"] = items;");
    }

    public override void EmitFromDictionary(CodeWriter w)
    {
        w.Line($"var array = default({ArrayType});");
        w.Line($"if (!{Fields}.TryStructs<{F.ClrType}>(values, \"{Name}\", ((global::System.Span<{F.ClrType}>)array), out error)) return false;");
        w.Line($"v.{Property} = array;");
    }
}
