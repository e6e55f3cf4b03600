namespace UcSocket.Generators.Model;

/// <summary>Where a spec node sits in its file (0-based character offsets, 1-based lines and columns as YAML reports them).</summary>
public sealed record SourcePos(int StartOffset, int EndOffset, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static readonly SourcePos None = new(0, 0, 1, 1, 1, 1);
}

/// <summary>A diagnostic kept as plain data so that the model stays equatable; turned into a Roslyn diagnostic only when reported.</summary>
public sealed record DiagnosticInfo(string Id, string Message, string Path, SourcePos Pos);

/// <summary>One named integer constant, e.g. <c>SO_LINGER: 13</c>.</summary>
/// <param name="Since">Kernel version that introduced it, set only for entries the build machine's headers lack.</param>
public sealed record ConstantSpec(string Name, string Group, long Value, string? Since, string? Doc, SourcePos Pos);

/// <summary>A member of a C struct as written in the spec.</summary>
/// <param name="CName">The C member name (what <c>offsetof</c> takes).</param>
/// <param name="Name">The ucode-style field name used in dictionaries.</param>
/// <param name="Property">The C# property name.</param>
/// <param name="CType">The C type of the member (or of one element for arrays); null when the spec forgot it.</param>
/// <param name="Kind">How the value is presented: int, ipv4, ipv6, ifindex, hwaddr, path, bytes, sockaddr, struct.</param>
/// <param name="Bits">Bitfield width, 0 for an ordinary member.</param>
/// <param name="Count">Array length, 0 for a scalar.</param>
/// <param name="LengthField">For hwaddr arrays: the member that holds the used length.</param>
/// <param name="ByteOrder">"host" or "big".</param>
/// <param name="Since">Kernel version that added the member, set only for members the build machine's headers lack.</param>
/// <param name="Offset">An explicit byte offset (members of a C union), or -1 to follow the previous member.</param>
/// <param name="Trailing">Not a member of the C struct: stored right after it (e.g. the offender address after sock_extended_err).</param>
public sealed record FieldSpec(
    string CName, string Name, string Property, string? CType, string Kind, int Bits, int Count,
    string? LengthField, string ByteOrder, SourcePos Pos, string? Since = null, int Offset = -1, bool Trailing = false);

/// <summary>A C struct: <c>struct linger { int l_onoff; int l_linger; }</c>.</summary>
/// <param name="Align">A minimum alignment the members do not show (a union with a pointer, <c>__attribute__((aligned))</c>); 0 for none.</param>
public sealed record StructSpec(
    string Tag, string CTypeName, string TypeName, bool Packed, string? Doc, EquatableArray<FieldSpec> Fields, SourcePos Pos, int Align = 0);

/// <summary>A value kind for an option get or set: bool, int, uint, string, cstring, ifname, ipv4, ipv6, none, or a struct tag.</summary>
public sealed record ValueKind(string Kind, string? StructTag)
{
    public override string ToString() => StructTag is null ? Kind : "struct " + StructTag;
}

/// <summary>A socket option. Get or Set is null where the option cannot be read or written.</summary>
public sealed record OptionSpec(
    string Level, string Name, ValueKind? Get, ValueKind? Set, string Property, string? Doc, SourcePos Pos);

/// <summary>A control-message type and its payload kind (int, uint, be32, u16, bytes, sockaddr, fds, or a struct tag).</summary>
public sealed record CmsgSpec(string Level, string Type, ValueKind Payload, string Property, string? Doc, SourcePos Pos);

/// <summary>An address family and the sockaddr struct that carries it.</summary>
public sealed record FamilySpec(string Family, string StructTag, string Property, SourcePos Pos);

/// <summary>Everything one spec file says, plus what went wrong reading it.</summary>
public sealed record SpecFile(
    string Path,
    string Stem,
    EquatableArray<string> Headers,
    EquatableArray<ConstantSpec> Constants,
    EquatableArray<StructSpec> Structs,
    EquatableArray<OptionSpec> Options,
    EquatableArray<CmsgSpec> Cmsgs,
    EquatableArray<FamilySpec> Families,
    EquatableArray<DiagnosticInfo> Diagnostics);
