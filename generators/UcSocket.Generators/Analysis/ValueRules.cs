using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Analysis;

/// <summary>
/// What the library's ucode-style conversions (src/UcSocket/Marshalling: the value codecs' TryFromUcode, SpecFields,
/// UcodeValue) accept, as sets of runtime types: the analyzer reports a value only when no value of its static type
/// can be one of them. A test compares these sets with the codecs themselves.
/// </summary>
public sealed class Acceptance
{
    /// <summary>Accepts everything (or what the analyzer does not model): never reported.</summary>
    public static readonly Acceptance Anything = new() { All = true };

    public bool All { get; private init; }
    public bool Null { get; init; }
    public bool AnyEnum { get; init; }

    /// <summary>Exact runtime types (sealed classes, value types, arrays).</summary>
    public IReadOnlyList<ITypeSymbol> Types { get; init; } = Array.Empty<ITypeSymbol>();

    /// <summary>Any type implementing one of these interfaces, unless it implements one of <see cref="Excluded"/>.</summary>
    public IReadOnlyList<ITypeSymbol> Interfaces { get; init; } = Array.Empty<ITypeSymbol>();

    /// <summary>Types an interface family leaves out (string is IEnumerable, but a list codec refuses it).</summary>
    public IReadOnlyList<ITypeSymbol> Excluded { get; init; } = Array.Empty<ITypeSymbol>();

    public Acceptance With(Acceptance other) => All || other.All ? Anything : new Acceptance
    {
        Null = Null || other.Null,
        AnyEnum = AnyEnum || other.AnyEnum,
        Types = Types.Concat(other.Types).ToArray(),
        Interfaces = Interfaces.Concat(other.Interfaces).ToArray(),
        Excluded = Excluded.Concat(other.Excluded).ToArray(),
    };

    /// <summary>
    /// Whether some value of static type <paramref name="type"/> (null for the null literal) is accepted. Unknown
    /// static types (object, interfaces, open classes, type parameters, dynamic) can hold anything that derives from
    /// them, so they are accepted unless nothing accepted can be one of them.
    /// </summary>
    public bool CanHold(Compilation compilation, ITypeSymbol? type)
    {
        if (All) return true;
        if (type is null) return Null;
        if (type.TypeKind is TypeKind.Error or TypeKind.Dynamic or TypeKind.TypeParameter or TypeKind.Pointer or TypeKind.FunctionPointer) return true;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) type = nullable.TypeArguments[0];

        foreach (var t in Types)
            if (IsAssignable(compilation, t, type)) return true;
        if (AnyEnum && (type.TypeKind == TypeKind.Enum || compilation.GetSpecialType(SpecialType.System_Enum) is { } e && IsAssignable(compilation, e, type)))
            return true;
        if (Interfaces.Count == 0) return false;

        bool exact = type.IsValueType || type.IsSealed || type.TypeKind == TypeKind.Array;
        bool excluded = Excluded.Any(x => IsAssignable(compilation, type, x));
        if (excluded) return false; // every value of this type is one the family leaves out
        foreach (var i in Interfaces)
        {
            if (IsAssignable(compilation, type, i)) return true;
            if (!exact && type.TypeKind is TypeKind.Interface or TypeKind.Class) return true; // a derived type may implement it
        }
        return false;
    }

    /// <summary>Whether a value of type <paramref name="from"/> is also a <paramref name="to"/> (identity, reference or boxing).</summary>
    private static bool IsAssignable(Compilation compilation, ITypeSymbol from, ITypeSymbol to)
    {
        if (SymbolEqualityComparer.Default.Equals(from, to)) return true;
        var c = ((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)compilation).ClassifyConversion(from, to);
        return c.IsIdentity || (c.IsImplicit && (c.IsReference || c.IsBoxing));
    }
}

/// <summary>The types the library's conversions name, resolved in one compilation.</summary>
public sealed class KnownTypes
{
    private readonly Compilation _compilation;

    public KnownTypes(Compilation compilation)
    {
        _compilation = compilation;
        ITypeSymbol? Named(string metadataName) => compilation.GetTypeByMetadataName(metadataName);
        ITypeSymbol S(SpecialType t) => compilation.GetSpecialType(t);
        var bytes = compilation.CreateArrayTypeSymbol(S(SpecialType.System_Byte));
        ITypeSymbol? OfBytes(string metadataName) => compilation.GetTypeByMetadataName(metadataName)?.Construct(S(SpecialType.System_Byte));
        var nint = S(SpecialType.System_IntPtr);
        Integers = new Acceptance
        {
            AnyEnum = true,
            Types = new[]
            {
                S(SpecialType.System_Int64), S(SpecialType.System_Int32), S(SpecialType.System_Int16), S(SpecialType.System_SByte),
                S(SpecialType.System_Byte), S(SpecialType.System_UInt16), S(SpecialType.System_UInt32), S(SpecialType.System_UInt64),
                nint, S(SpecialType.System_UIntPtr), S(SpecialType.System_Boolean), S(SpecialType.System_Double), S(SpecialType.System_Single),
                S(SpecialType.System_Decimal), S(SpecialType.System_String),
            }.Concat(new[] { Named("System.Int128"), Named("System.UInt128"), Named("System.Numerics.BigInteger") }.OfType<ITypeSymbol>()).ToArray(),
        };
        String = S(SpecialType.System_String);
        RawBytes = new Acceptance { Types = new[] { bytes, OfBytes("System.ReadOnlyMemory`1"), OfBytes("System.Memory`1"), OfBytes("System.ArraySegment`1") }.OfType<ITypeSymbol>().ToArray() };
        FieldBytes = new Acceptance { Null = true, Types = new[] { bytes, OfBytes("System.ReadOnlyMemory`1"), S(SpecialType.System_String) }.OfType<ITypeSymbol>().ToArray() };
        var enumerable = S(SpecialType.System_Collections_IEnumerable);
        var dictionary = Named("System.Collections.IDictionary");
        var objectType = compilation.GetSpecialType(SpecialType.System_Object);
        var stringObject = new[] { String, objectType };
        var readOnlyDictionary = Named("System.Collections.Generic.IReadOnlyDictionary`2") is INamedTypeSymbol rod ? rod.Construct(stringObject) : null;
        var genericDictionary = Named("System.Collections.Generic.IDictionary`2") is INamedTypeSymbol gd ? gd.Construct(stringObject) : null;
        Dictionaries = new[] { readOnlyDictionary, genericDictionary, dictionary }.OfType<ITypeSymbol>().ToArray();
        Lists = new Acceptance { Interfaces = new[] { enumerable }, Excluded = new ITypeSymbol?[] { String, dictionary }.OfType<ITypeSymbol>().ToArray() };
        StructLists = new Acceptance { Interfaces = new[] { enumerable }, Excluded = new[] { String }.Concat(Dictionaries).ToArray() };
        InAddr = Named("UcSocket.InAddr");
        In6Addr = Named("UcSocket.In6Addr");
        InterfaceId = Named("UcSocket.InterfaceId");
        FileDescriptors = Named("UcSocket.FileDescriptors");
    }

    /// <summary>What <c>UcodeValue.TryToInt64</c> takes: every CLR integer type (Int128, UInt128 and BigInteger too), bool, floating point, decimal, enums, numeric text.</summary>
    public Acceptance Integers { get; }

    /// <summary>What a control message takes as its raw payload, whatever its type.</summary>
    public Acceptance RawBytes { get; }

    /// <summary>What a bytes or hardware-address field takes (<c>SpecFields.TryBytes</c>).</summary>
    public Acceptance FieldBytes { get; }

    public IReadOnlyList<ITypeSymbol> Dictionaries { get; }

    /// <summary>Any enumerable but text and dictionaries.</summary>
    public Acceptance Lists { get; }

    /// <summary>Any enumerable but text and dictionaries of any kind (<c>SpecFields.TryStructs</c>).</summary>
    public Acceptance StructLists { get; }

    public ITypeSymbol String { get; }
    public ITypeSymbol? InAddr { get; }
    public ITypeSymbol? In6Addr { get; }
    public ITypeSymbol? InterfaceId { get; }
    public ITypeSymbol? FileDescriptors { get; }

    private Acceptance Exactly(params ITypeSymbol?[] types) => new() { Types = types.OfType<ITypeSymbol>().ToArray() };

    /// <summary>The generated C# type of a spec struct, when the compilation has it.</summary>
    public INamedTypeSymbol? StructType(SpecTables tables, StructLayout layout) =>
        _compilation.GetTypeByMetadataName(tables.NamespaceOf(layout) + "." + layout.TypeName);

    /// <summary>What an option value or cmsg payload of <paramref name="kind"/> accepts (the codecs' TryFromUcode).</summary>
    public Acceptance ForKind(ResolvedKind kind, SpecTables tables)
    {
        switch (kind.Kind)
        {
            case ValueKindId.Bool:
            case ValueKindId.Int:
            case ValueKindId.UInt:
            case ValueKindId.U16:
            case ValueKindId.U64:
            case ValueKindId.Be32:
                return Integers;
            case ValueKindId.IfName:
            case ValueKindId.IfNameBe32:
                return Integers.With(Exactly(InterfaceId));
            case ValueKindId.Ipv4:
                return Exactly(InAddr, String);
            case ValueKindId.Ipv6:
                return Exactly(In6Addr, String);
            case ValueKindId.UInts:
                return Lists;
            case ValueKindId.Fds:
                return Exactly(FileDescriptors).With(new Acceptance { Interfaces = Lists.Interfaces, Excluded = new[] { String } });
            case ValueKindId.Struct:
                var type = kind.StructTag is { } tag && tables.TryGetStruct(tag, out var layout) ? StructType(tables, layout) : null;
                if (type is null) return Acceptance.Anything;
                return new Acceptance { Types = new ITypeSymbol[] { type }, Interfaces = Dictionaries };
            default:
                // Bytes and text take anything ucode has a text form for; bpf, sockaddr and none are not modelled.
                return Acceptance.Anything;
        }
    }

    /// <summary>What a struct field accepts (<c>SpecFields.Try*</c>): null is always zero.</summary>
    public Acceptance ForField(FieldLayout field, SpecTables tables)
    {
        Acceptance result;
        var f = field.Field;
        if (f.Count > 0)
        {
            result = f.Kind switch
            {
                FieldKind.HwAddr => FieldBytes,
                FieldKind.Bytes => FieldBytes,
                FieldKind.Path => Exactly(String),
                FieldKind.Struct => StructLists,
                _ => Lists,
            };
        }
        else
        {
            result = f.Kind switch
            {
                FieldKind.Int => Integers,
                FieldKind.IfIndex => Integers.With(Exactly(InterfaceId)),
                FieldKind.Ipv4 => Exactly(InAddr, String),
                FieldKind.Ipv6 => Exactly(In6Addr, String),
                FieldKind.Struct when field.NestedTag is { } tag && tables.TryGetStruct(tag, out var nested) && StructType(tables, nested) is { } t =>
                    new Acceptance { Types = new ITypeSymbol[] { t }, Interfaces = Dictionaries },
                _ => Acceptance.Anything,
            };
        }
        return result.All ? result : result.With(new Acceptance { Null = true });
    }
}

/// <summary>Constant values checked as the library converts them at run time (UcodeValue.TryToInt64 and friends).</summary>
public static class ConstantRules
{
    /// <summary>UcodeValue.TryToInt64 for a constant: integers, bool, integral floating point, numeric text.</summary>
    public static bool TryToInt64(object? value, out long result)
    {
        result = 0;
        switch (value)
        {
            case long l: result = l; return true;
            case int i: result = i; return true;
            case short s: result = s; return true;
            case sbyte sb: result = sb; return true;
            case byte b: result = b; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            case bool bo: result = bo ? 1 : 0; return true;
            case double d when Math.Floor(d) == d && d >= long.MinValue && d < 9.2233720368547758E18: result = (long)d; return true;
            case float f when Math.Floor(f) == f && f >= long.MinValue && f < 9.2233720368547758E18f: result = (long)f; return true;
            case decimal m when decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue: result = (long)m; return true;
            case string str: return TryParseInteger(str, out result);
            default: return false;
        }
    }

    /// <summary>UcodeValue.TryToUInt64 for a constant.</summary>
    public static bool TryToUInt64(object? value, out ulong result)
    {
        result = 0;
        if (value is ulong ul)
        {
            result = ul;
            return true;
        }
        if (value is string s && s.Trim().StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(s.Trim().Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result);
        if (value is string s2 && ulong.TryParse(s2.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out result)) return true;
        if (!TryToInt64(value, out long l) || l < 0) return false;
        result = (ulong)l;
        return true;
    }

    private static bool TryParseInteger(string text, out long result)
    {
        var t = text.Trim();
        bool negative = t.StartsWith("-", StringComparison.Ordinal);
        if (negative) t = t.Substring(1);
        bool ok;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(t.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) && u <= long.MaxValue;
            result = (long)u;
        }
        else
        {
            ok = long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out result);
        }
        if (negative) result = -result;
        return ok;
    }

    /// <summary>InAddr.TryParse: four decimal parts, no leading zeros, each at most 255.</summary>
    public static bool IsIpv4(string text)
    {
        int part = 0, digits = 0, value = 0;
        foreach (char c in text)
        {
            if (c >= '0' && c <= '9')
            {
                if (digits > 0 && value == 0) return false;
                value = value * 10 + (c - '0');
                if (value > 255) return false;
                digits++;
            }
            else if (c == '.')
            {
                if (digits == 0 || part == 3) return false;
                part++;
                digits = value = 0;
            }
            else return false;
        }
        return digits > 0 && part == 3;
    }

    /// <summary>
    /// Whether a constant converts to an option value or payload of <paramref name="kind"/>; null when the analyzer
    /// does not model the kind's constants.
    /// </summary>
    public static bool? FitsKind(ValueKindId kind, object? value)
    {
        switch (kind)
        {
            case ValueKindId.Bool: return TryToInt64(value, out _);
            case ValueKindId.Int: return TryToInt64(value, out var i) && i >= int.MinValue && i <= int.MaxValue;
            case ValueKindId.UInt:
            case ValueKindId.Be32: return TryToInt64(value, out var u) && u >= 0 && u <= uint.MaxValue;
            case ValueKindId.U16: return TryToInt64(value, out var s) && s >= 0 && s <= ushort.MaxValue;
            case ValueKindId.U64: return TryToUInt64(value, out _);
            case ValueKindId.IfName:
            case ValueKindId.IfNameBe32: return InterfaceFits(value, int.MinValue, int.MaxValue);
            case ValueKindId.Ipv4: return value is string text && IsIpv4(text);
            default: return null;
        }
    }

    /// <summary>An interface given as a name (any text that is no integer) or as an index within the range.</summary>
    private static bool InterfaceFits(object? value, long min, long max) =>
        value is string text && !TryToInt64(text, out _) || TryToInt64(value, out var l) && l >= min && l <= max;

    /// <summary>The range a scalar integer field accepts (bitfields narrower than their type), as StructEmitter.Range computes it.</summary>
    public static (long Min, long Max, bool Unsigned64) Range(FieldLayout f)
    {
        int bits = f.Bits > 0 ? f.Bits : f.ElementSize * 8;
        if (f.Signed) return bits >= 64 ? (long.MinValue, long.MaxValue, false) : (-(1L << (bits - 1)), (1L << (bits - 1)) - 1, false);
        if (bits >= 64) return (0, long.MaxValue, f.Bits == 0);
        return (0, (1L << bits) - 1, false);
    }

    /// <summary>Whether a constant converts to a struct field; null when the analyzer does not model the field's constants.</summary>
    public static bool? FitsField(FieldLayout f, object? value)
    {
        if (value is null) return true; // null is zero
        if (f.Field.Count > 0) return null;
        switch (f.Field.Kind)
        {
            case FieldKind.Int:
                var (min, max, unsigned64) = Range(f);
                if (unsigned64) return TryToUInt64(value, out _);
                return TryToInt64(value, out var l) && l >= min && l <= max;
            case FieldKind.IfIndex:
                var (imin, imax, _) = Range(f);
                return InterfaceFits(value, imin, imax);
            case FieldKind.Ipv4:
                return value is string text && IsIpv4(text);
            default:
                return null;
        }
    }

    /// <summary>What a kind takes, for messages.</summary>
    public static string DescribeKind(ResolvedKind kind, SpecTables tables) => kind.Kind switch
    {
        ValueKindId.Bool => "a bool (or an integer)",
        ValueKindId.Int => "an int",
        ValueKindId.UInt => "an unsigned int",
        ValueKindId.U16 => "a 16-bit unsigned integer",
        ValueKindId.U64 => "a 64-bit unsigned integer",
        ValueKindId.Be32 => "an unsigned 32-bit integer",
        ValueKindId.IfName or ValueKindId.IfNameBe32 => "an interface index or name",
        ValueKindId.Ipv4 => "an IPv4 address (text or InAddr)",
        ValueKindId.Ipv6 => "an IPv6 address (text or In6Addr)",
        ValueKindId.UInts => "an array of unsigned integers",
        ValueKindId.Fds => "file descriptors (FileDescriptors or a list of handles or numbers)",
        ValueKindId.Struct => $"struct {kind.StructTag} (a dictionary of its fields, or {kind.TypeName})",
        _ => ValueKinds.Name(kind.Kind),
    };

    /// <summary>What a field takes, for messages.</summary>
    public static string DescribeField(FieldLayout f)
    {
        if (f.Field.Count > 0) return f.Field.Kind switch
        {
            FieldKind.Path => "a path (text)",
            FieldKind.HwAddr or FieldKind.Bytes => "bytes or text",
            _ => "a list",
        };
        switch (f.Field.Kind)
        {
            case FieldKind.Int:
                var (min, max, unsigned64) = Range(f);
                var ctype = f.Field.CType ?? "integer";
                var bits = f.Bits > 0 ? $" of {f.Bits} bits" : "";
                return unsigned64 ? $"{ctype}{bits} (0 to {ulong.MaxValue.ToString(CultureInfo.InvariantCulture)})"
                    : $"{ctype}{bits} ({min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})";
            case FieldKind.IfIndex: return "an interface index or name";
            case FieldKind.Ipv4: return "an IPv4 address (text or InAddr)";
            case FieldKind.Ipv6: return "an IPv6 address (text or In6Addr)";
            case FieldKind.Struct: return $"{f.Field.CType} (a dictionary of its fields)";
            default: return FieldKinds.Name(f.Field.Kind);
        }
    }

    /// <summary>A value for messages: the constant as written, else its type.</summary>
    public static string DescribeValue(ITypeSymbol? type, Optional<object?> constant)
    {
        if (constant.HasValue)
        {
            return constant.Value switch
            {
                null => "null",
                string s => $"the string \"{(s.Length > 40 ? s.Substring(0, 40) + "..." : s)}\"",
                char c => $"the char '{c}'",
                bool b => b ? "true" : "false",
                IFormattable f => "the value " + f.ToString(null, CultureInfo.InvariantCulture),
                var v => "the value " + v,
            };
        }
        return type is null ? "null" : $"a value of type {type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}";
    }
}
