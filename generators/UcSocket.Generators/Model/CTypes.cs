using System.Collections.Generic;

namespace UcSocket.Generators.Model;

/// <summary>A C scalar type as laid out on LP64 Linux (x86_64 and aarch64 agree on all of these).</summary>
/// <param name="ClrType">The C# type that holds one value.</param>
/// <param name="Min">The smallest value of the C type.</param>
/// <param name="Max">The largest value of the C type, as a ulong (the 64-bit unsigned types reach past long).</param>
public sealed record CScalar(string Name, int Size, int Align, bool Signed, ValueCategory Category, string ClrType, bool BigEndian)
{
    public long Min => !Signed ? 0 : Size >= 8 ? long.MinValue : -(1L << (Size * 8 - 1));

    public ulong Max => Size >= 8 ? (Signed ? long.MaxValue : ulong.MaxValue) : Signed ? (1UL << (Size * 8 - 1)) - 1 : (1UL << (Size * 8)) - 1;

    /// <summary>Whether <paramref name="value"/> is a value of this type.</summary>
    public bool Holds(long value) => value >= Min && (value < 0 || (ulong)value <= Max);
}

internal static class CTypes
{
    private static readonly Dictionary<string, CScalar> Scalars = Build();

    private static Dictionary<string, CScalar> Build()
    {
        var d = new Dictionary<string, CScalar>();
        void Int(string clr, int size, bool signed, bool be, params string[] names)
        {
            foreach (var n in names) d[n] = new CScalar(n, size, size, signed, ValueCategory.Int, clr, be);
        }
        Int("sbyte", 1, true, false, "__s8", "int8_t", "signed char");
        Int("byte", 1, false, false, "__u8", "uint8_t", "unsigned char", "char");
        Int("short", 2, true, false, "__s16", "int16_t", "short");
        Int("ushort", 2, false, false, "__u16", "uint16_t", "unsigned short", "sa_family_t", "__kernel_sa_family_t");
        Int("ushort", 2, false, true, "__be16", "in_port_t");
        Int("int", 4, true, false, "__s32", "int32_t", "int", "pid_t");
        Int("uint", 4, false, false, "__u32", "uint32_t", "unsigned int", "unsigned", "uid_t", "gid_t", "socklen_t");
        Int("uint", 4, false, true, "__be32", "in_addr_t");
        Int("long", 8, true, false, "__s64", "int64_t", "long", "long long", "time_t", "suseconds_t", "__kernel_long_t", "__kernel_time64_t", "ssize_t");
        Int("ulong", 8, false, false, "__u64", "uint64_t", "unsigned long", "unsigned long long", "size_t", "__aligned_u64");
        d["struct in_addr"] = new CScalar("struct in_addr", 4, 4, false, ValueCategory.Ipv4, "global::UcSocket.InAddr", false);
        d["struct in6_addr"] = new CScalar("struct in6_addr", 16, 4, false, ValueCategory.Ipv6, "global::UcSocket.In6Addr", false);
        return d;
    }

    /// <summary>The names of the scalar types, for "did you mean".</summary>
    public static IEnumerable<string> Names => Scalars.Keys;

    public static bool TryGetScalar(string ctype, out CScalar scalar) => Scalars.TryGetValue(Normalize(ctype), out scalar!);

    /// <summary>The type with runs of white space made single spaces.</summary>
    public static string Normalize(string ctype)
    {
        var sb = new System.Text.StringBuilder(ctype.Length);
        bool space = false;
        foreach (char c in ctype)
        {
            if (char.IsWhiteSpace(c)) { space = sb.Length > 0; continue; }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>"struct timeval" -> "timeval"; null when the type is not a struct reference.</summary>
    public static string? StructTag(string ctype)
    {
        var n = Normalize(ctype);
        return n.StartsWith("struct ", System.StringComparison.Ordinal) ? n.Substring(7) : null;
    }
}
