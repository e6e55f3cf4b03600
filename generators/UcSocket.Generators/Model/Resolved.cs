namespace UcSocket.Generators.Model;

/// <summary>A struct member with its place in memory, as the generator computed it for LP64 Linux.</summary>
/// <param name="Offset">Byte offset of the member, or of the storage unit that holds a bitfield.</param>
/// <param name="Size">Bytes the member occupies (element size times count; the storage unit for a bitfield).</param>
/// <param name="BitOffset">For a bitfield, its first bit within the storage unit, counted from the least significant bit.</param>
/// <param name="ClrType">The C# type of one element.</param>
/// <param name="Scalar">The C scalar type of an integer or address member; null for a struct member.</param>
/// <param name="Overlaps">The member shares bytes with an earlier one (a C union): it is written only when not zero.</param>
public sealed record FieldLayout(
    FieldSpec Field, int Offset, int Size, int ElementSize, int Count, int BitOffset, int Bits,
    bool Signed, ValueCategory Category, string ClrType, bool BigEndian, string? NestedTag, string? NestedTypeName, bool Overlaps = false,
    CScalar? Scalar = null);

/// <summary>A struct with its computed size, alignment and member layout.</summary>
/// <param name="Size">Bytes the value occupies, trailing fields included.</param>
/// <param name="CSize">Size of the C struct itself (without trailing fields); -1 when it equals <paramref name="Size"/>.</param>
/// <param name="ReferenceNamespace">
/// For a struct from a reference spec file: the namespace its type was generated in (by the library that owns
/// the file); null for a struct of the project being compiled, whose type is generated in the project's namespace.
/// </param>
public sealed record StructLayout(
    string Tag, string CTypeName, string TypeName, int Size, int Align, string? Doc, string Path,
    EquatableArray<FieldLayout> Fields, int CSize = -1, string? ReferenceNamespace = null)
{
    /// <summary>Size of the C struct itself, as <c>sizeof</c> gives it.</summary>
    public int NativeCSize => CSize < 0 ? Size : CSize;

    /// <summary>The type as generated code names it: <c>global::{namespace}.{TypeName}</c>.</summary>
    public string QualifiedName(string ns) => $"global::{ReferenceNamespace ?? ns}.{TypeName}";
}

public sealed record ConstantValue(string Name, long Value);

/// <summary>An option or payload kind with the C# type it maps to.</summary>
/// <param name="ReferenceNamespace">The namespace of a struct type from a reference spec file; null for the project's own.</param>
public sealed record ResolvedKind(ValueKindId Kind, string? StructTag, string? TypeName, string? ReferenceNamespace = null)
{
    public override string ToString() => StructTag is null ? ValueKinds.Name(Kind) : "struct " + StructTag;
}

public sealed record ResolvedOption(
    string Name, string Property, string LevelName, int Level, int Option,
    ResolvedKind? Get, ResolvedKind? Set, string? Doc);

public sealed record ResolvedCmsg(
    string LevelName, string Name, int Level, int Type, ResolvedKind Payload, string Property, string? Doc);

public sealed record ResolvedFamily(string Name, int Family, string Property, StructLayout Struct);

/// <summary>
/// What the generator knows across all spec files: constant values, struct layouts, who owns each name, the name
/// each file's sources are emitted under, and the problems found combining the files.
/// </summary>
/// <param name="References">Paths of the reference spec files: they resolve names but emit no code and report nothing.</param>
/// <param name="Incomplete">Paths of files a syntax error cut short: names they would define may be missing.</param>
public sealed record SpecIndex(
    EquatableArray<ConstantValue> Constants,
    EquatableArray<StructLayout> Structs,
    EquatableArray<string> DeclaredStructs,
    EquatableArray<string> Owners,
    EquatableArray<DiagnosticInfo> Diagnostics,
    EquatableArray<string> References = default,
    EquatableArray<EmitName> EmitNames = default,
    EquatableArray<string> Incomplete = default);

/// <summary>The name a file's generated sources are named after (its stem, made unique and safe), and its registration class.</summary>
public sealed record EmitName(string Path, string Name, string RegistrationClass);

/// <summary>One spec file, resolved against the index and ready to emit. Holds no positions.</summary>
public sealed record ResolvedFile(
    string Path,
    string EmitName,
    string RegistrationClass,
    EquatableArray<ConstantSpec> Constants,
    EquatableArray<StructLayout> Structs,
    EquatableArray<ResolvedOption> Options,
    EquatableArray<ResolvedCmsg> Cmsgs,
    EquatableArray<ResolvedFamily> Families);

/// <summary>The resolve step's output: the file to emit, and the problems resolving it.</summary>
public sealed record ResolveResult(ResolvedFile File, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Which of the shared partial classes (<c>Sockets</c>, <c>SockOpt</c>, <c>Cmsg</c>) any spec file adds to.</summary>
public sealed record SpecClasses(bool Constants, bool Options, bool Cmsgs);
