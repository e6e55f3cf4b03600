namespace UcSocket.Generators.Model;

/// <summary>A struct member with its place in memory, as the generator computed it for LP64 Linux.</summary>
/// <param name="Offset">Byte offset of the member, or of the storage unit that holds a bitfield.</param>
/// <param name="Size">Bytes the member occupies (element size times count; the storage unit for a bitfield).</param>
/// <param name="BitOffset">For a bitfield, its first bit within the storage unit, counted from the least significant bit.</param>
/// <param name="Category">int, ipv4, ipv6 or struct.</param>
/// <param name="ClrType">The C# type of one element.</param>
/// <param name="Overlaps">The member shares bytes with an earlier one (a C union): it is written only when not zero.</param>
public sealed record FieldLayout(
    FieldSpec Field, int Offset, int Size, int ElementSize, int Count, int BitOffset, int Bits,
    bool Signed, string Category, string ClrType, bool BigEndian, string? NestedTag, string? NestedTypeName, bool Overlaps = false);

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
public sealed record ResolvedKind(string Kind, string? StructTag, string? TypeName, string? ReferenceNamespace = null);

public sealed record ResolvedOption(
    string Name, string Property, string LevelName, long Level, long Option,
    ResolvedKind? Get, ResolvedKind? Set, string? Doc);

public sealed record ResolvedCmsg(
    string LevelName, string Name, long Level, long Type, ResolvedKind Payload, string Property, string? Doc);

public sealed record ResolvedFamily(string Name, long Family, string Property, StructLayout Struct);

/// <summary>What the generator knows across all spec files: constant values, struct layouts, and who owns each name.</summary>
/// <param name="References">Paths of the reference spec files: they resolve names but emit no code and report nothing.</param>
public sealed record SpecIndex(
    EquatableArray<ConstantValue> Constants,
    EquatableArray<StructLayout> Structs,
    EquatableArray<string> DeclaredStructs,
    EquatableArray<string> Owners,
    EquatableArray<DiagnosticInfo> Diagnostics,
    EquatableArray<string> References = default);

/// <summary>One spec file, resolved against the index and ready to emit.</summary>
public sealed record ResolvedFile(
    string Path,
    string Stem,
    EquatableArray<ConstantSpec> Constants,
    EquatableArray<StructLayout> Structs,
    EquatableArray<ResolvedOption> Options,
    EquatableArray<ResolvedCmsg> Cmsgs,
    EquatableArray<ResolvedFamily> Families,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Which of the shared partial classes (<c>Sockets</c>, <c>SockOpt</c>, <c>Cmsg</c>) any spec file adds to.</summary>
public sealed record SpecClasses(bool Constants, bool Options, bool Cmsgs);
