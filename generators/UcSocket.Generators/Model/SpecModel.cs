namespace UcSocket.Generators.Model;

// The parsed spec. Entries name their YAML nodes by id (a path of child indexes, see Parsing.YamlNode.Id), never by
// offset or line: a comment or whitespace edit leaves these records equal, so nothing downstream of parsing runs
// again. Positions live only in ParsedSpec.Positions, which reaches the diagnostics and no emitter.

/// <summary>A span of a file: character offsets [Start, End) and 0-based lines and columns, as the compiler counts them.</summary>
public sealed record SourcePos(int StartOffset, int EndOffset, int StartLine, int StartColumn, int EndLine, int EndColumn);

/// <summary>Where a node of a file is.</summary>
public sealed record NodePosition(string Node, SourcePos Pos);

/// <summary>
/// A diagnostic as plain data: its id, the file and node it is about, and the message arguments. The position is
/// looked up only when it is reported. <paramref name="RelatedNode"/> names a second place (the first definition
/// of a duplicate): it becomes the diagnostic's additional location, and <see cref="RelatedPlaceholder"/> in an
/// argument is replaced with its <c>file:line</c>.
/// </summary>
public sealed record DiagnosticInfo(
    string Id, string Path, string Node, EquatableArray<string> Args, string? RelatedPath = null, string? RelatedNode = null)
{
    public const string RelatedPlaceholder = "\u0001related\u0001";
}

/// <summary>One named integer constant, e.g. <c>SO_LINGER: 13</c>.</summary>
/// <param name="Since">Kernel version that introduced it, set only for entries the build machine's headers lack.</param>
public sealed record ConstantSpec(string Name, string Group, long Value, string? Since, string? Doc, string Node);

/// <summary>A member of a C struct as written in the spec.</summary>
/// <param name="CName">The C member name (what <c>offsetof</c> takes).</param>
/// <param name="Name">The ucode-style field name used in dictionaries.</param>
/// <param name="Property">The C# property name.</param>
/// <param name="CType">The C type of the member (or of one element for arrays); null when the spec forgot it.</param>
/// <param name="Bits">Bitfield width, 0 for an ordinary member.</param>
/// <param name="Count">Array length, 0 for a scalar.</param>
/// <param name="LengthField">For byte and address arrays: the member that holds the used length or item count.</param>
/// <param name="BigEndian">Network byte order asked for with <c>order: big</c>.</param>
/// <param name="Since">Kernel version that added the member, set only for members the build machine's headers lack.</param>
/// <param name="Offset">An explicit byte offset (members of a C union), or -1 to follow the previous member.</param>
/// <param name="Trailing">Not a member of the C struct: stored right after it (e.g. the offender address after sock_extended_err).</param>
/// <param name="Node">The field's entry; <paramref name="PropertyNode"/> and <paramref name="TypeNode"/> the values diagnostics point at.</param>
public sealed record FieldSpec(
    string CName, string Name, string Property, string? CType, FieldKind Kind, int Bits, int Count,
    string? LengthField, bool BigEndian, string? Since, int Offset, bool Trailing,
    string Node, string PropertyNode, string TypeNode, string NameNode);

/// <summary>A C struct: <c>struct linger { int l_onoff; int l_linger; }</c>.</summary>
/// <param name="Align">A minimum alignment the members do not show (a union with a pointer, <c>__attribute__((aligned))</c>); 0 for none.</param>
/// <param name="Node">The struct's key; <paramref name="TypeNode"/> where its C# name comes from.</param>
/// <param name="Broken">The definition has errors (reported): the tag is known, so uses of it report nothing more, but it has no layout.</param>
public sealed record StructSpec(
    string Tag, string CTypeName, string TypeName, bool Packed, string? Doc, EquatableArray<FieldSpec> Fields, int Align,
    string Node, string TypeNode, bool Broken = false);

/// <summary>A value kind for an option get or set, or a cmsg payload: a kind of <see cref="ValueKinds"/>, or a struct tag.</summary>
public sealed record ValueKind(ValueKindId Kind, string? StructTag)
{
    public override string ToString() => StructTag is null ? ValueKinds.Name(Kind) : "struct " + StructTag;
}

/// <summary>A socket option. Get or Set is null where the option cannot be read or written.</summary>
public sealed record OptionSpec(
    string Level, string Name, ValueKind? Get, ValueKind? Set, string Property, string? Doc,
    string Node, string LevelNode, string NameNode, string? GetNode, string? SetNode, string PropertyNode);

/// <summary>A control-message type and its payload kind.</summary>
public sealed record CmsgSpec(
    string Level, string Type, ValueKind Payload, string Property, string? Doc,
    string Node, string LevelNode, string TypeNode, string PayloadNode, string PropertyNode);

/// <summary>An address family and the sockaddr struct that carries it.</summary>
public sealed record FamilySpec(string Family, string StructTag, string Property, string Node, string FamilyNode, string StructNode, string PropertyNode);

/// <summary>Everything one spec file says, without positions.</summary>
/// <param name="Incomplete">A syntax error cut the file short: names it would have defined may be missing.</param>
public sealed record SpecFile(
    string Path,
    string Stem,
    EquatableArray<string> Headers,
    EquatableArray<ConstantSpec> Constants,
    EquatableArray<StructSpec> Structs,
    EquatableArray<OptionSpec> Options,
    EquatableArray<CmsgSpec> Cmsgs,
    EquatableArray<FamilySpec> Families,
    bool Incomplete = false)
{
    public bool DefinesNothing => Constants.Count + Structs.Count + Options.Count + Cmsgs.Count + Families.Count == 0;
}

/// <summary>What parsing one file gives: its content, where its nodes are, and what was wrong with it.</summary>
public sealed record ParsedSpec(SpecFile File, EquatableArray<NodePosition> Positions, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public string Path => File.Path;
}
