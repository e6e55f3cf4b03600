using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Generators.Tests.Robustness;

/// <summary>One input of the campaign: one or two spec files, and how they were made (for the failure report).</summary>
public sealed record FuzzCase(IReadOnlyList<(string Path, string Text)> Files, string Recipe)
{
    public override string ToString() =>
        Recipe + "\n" + string.Join("\n", Files.Select(f => $"--- {f.Path} ({f.Text.Length} chars)\n{(f.Text.Length > 4000 ? f.Text[..4000] + "\n[...]" : f.Text)}"));
}

/// <summary>
/// Generates spec inputs: specs built from the format's vocabulary (every field, option and payload kind, family
/// fields, the keys of each entry), the README's examples and the repository's spec files, then mutated on the tree
/// (values swapped for hostile ones: keywords, clashing names, line breaks, huge numbers), on the text (brackets,
/// anchors, aliases, document markers, tabs, cuts) and on single characters (controls, surrogates, line separators).
/// </summary>
public static class SpecInputs
{
    private static readonly string[] Hostile =
    {
        "", " ", "class", "int", "var", "this", "ref", "_", "__", "record", "required", "file", "scoped", "1X", "a-b", "Read", "ReadCore",
        "TryWrite", "GetType", "Equals", "ToString", "NativeSize", "SockOpt", "sock_opt", "Sockets", "sockets", "cmsg", "Cmsg", "data", "x_array",
        "XArray", "Data", "\"", "\\", "a\nb", "a\rb", "a\u2028b", "a\u2029b", "a\u0085b", "nul\0", "&amp", "<a>", "*/", "// x", "0x100000000",
        "-1", "-0x8000000000000000", "-9223372036854775808", "99999999999999999999", "65536", "65537", "4294967295", "2147483648", "0", "-5",
        "1.5", "true", "null", "~", "é", "日本", "\ud800", "💥", "struct", "struct nosuch", "struct fz_a", "struct fz_b", "struct sockaddr_fz",
        "AF_FZ", "AF__FZ", "FZ_A", "FZ_WIDE", "SOL_FZ", "UcSocketSpecRegistration_X", "6.5", "6.5\n// x", "struct\nfz_a", "U16", "a.b", "x.y.z",
    };

    private static readonly string[] CTypes =
    {
        "int", "unsigned int", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "short", "long", "char", "unsigned char",
        "signed char", "__be16", "__be32", "in_port_t", "sa_family_t", "struct in_addr", "struct in6_addr", "pid_t", "size_t", "time_t",
    };

    private static readonly string[] FieldKinds = { "int", "ipv4", "ipv6", "ifindex", "hwaddr", "path", "bytes", "sockaddr", "struct" };
    private static readonly string[] OptionKinds = { "bool", "int", "uint", "u64", "uints", "string", "cstring", "ifname", "ifname_be32", "ipv4", "ipv6", "fds", "bpf", "none" };
    private static readonly string[] PayloadKinds = { "int", "uint", "u16", "u64", "uints", "be32", "bytes", "sockaddr", "fds" };
    private static readonly string[] FamilyFields = { "family", "address", "port", "flowinfo", "interface", "path", "protocol", "hardware_type", "packet_type", "port_id", "groups", "cid" };
    private static readonly string[] Constants = { "FZ_A", "FZ_B", "FZ_C", "FZ_D", "FZ_E", "FZ_WIDE", "SOL_FZ", "SOL_FY", "AF_FZ", "AF__FZ", "AF_FY" };
    private static readonly string[] Tags = { "fz_a", "fz_b", "fz_c", "sockaddr_fz", "sockaddr_fy", "sock_opt", "data" };
    private static readonly string[] Members = { "a", "b", "c", "x", "x_array", "len", "data", "flags", "Read", "d.e" };
    private static readonly string[] CleanMembers = { "a", "b", "c", "x", "len", "flags", "more" };

    private static readonly string[] Snippets =
    {
        "{", "}", "[", "]", ":", ": ", "- ", "\n", "\t", "  ", "#", " # c", "&a ", "*a", "&a [1] ", "<<: *a", "---\n", "...\n", "'", "\"", "? ",
        "!!str ", "!x ", "|", ">", "\r\n", "\r", "\u2028", "\u0085", ",", "%YAML 1.1\n", "@", "`", "\\", "\0", "\ufeff", "\ud800", "\udc00",
    };

    /// <summary>The YAML blocks of spec/README.md and the repository's spec files: real, valid inputs to mutate.</summary>
    private static readonly Lazy<string[]> Corpus = new(() =>
    {
        var spec = Path.Combine(GeneratorHarness.RepoRoot, "spec");
        var readme = File.ReadAllText(Path.Combine(spec, "README.md"));
        var blocks = Regex.Matches(readme, "```yaml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value);
        var files = Directory.GetFiles(spec, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText);
        return blocks.Concat(files).Append(SnapshotTests.EveryKindSpec).ToArray();
    });

    /// <summary>A name from the pool; outside a clean spec, sometimes a hostile one instead.</summary>
    private static Gen<string> Name(string[] pool, bool clean) => clean ? Gen.Elements(pool) : Gen.Frequency((6, Gen.Elements(pool)), (1, Gen.Elements(Hostile)));

    private static Gen<Y> Str(string[] pool, bool clean) => Name(pool, clean).Select(s => (Y)new Y.S(s));

    private static Gen<Y> Number(bool clean) => (clean ? Gen.Choose(0, 300).Select(i => i.ToString()) : Gen.Frequency(
        (6, Gen.Choose(0, 300).Select(i => i.ToString())),
        (1, Gen.Elements("-1", "0x7f", "0x100000000", "-5", "99999999999999999999", "0xffffffffffffffff", "4294967295", "65535", "65536"))))
        .Select(s => (Y)new Y.S(s));

    /// <summary>Optional keys: each included with some probability (in a clean spec, the second one).</summary>
    private static Gen<List<(string, Y)>> Keys(bool clean, params (string Key, Gen<Y> Value, int Percent, int CleanPercent)[] keys) =>
        Gen.CollectToList(keys.Select(k => Gen.Choose(1, 100).SelectMany(roll => roll <= (clean ? k.CleanPercent : k.Percent)
                ? k.Value.Select(v => ((string, Y)?)(k.Key, v)) : Gen.Constant<(string, Y)?>(null))))
            .Select(list => list.Where(x => x is not null).Select(x => x!.Value).ToList());

    /// <summary>Distinct names from a pool (duplicates are likely mistakes a clean spec does not make).</summary>
    private static Gen<string[]> Distinct(string[] pool, int max) =>
        from n in Gen.Choose(0, max) from order in Gen.Shuffle(pool) select order.Take(n).ToArray();

    private static readonly string[] Defined = { "FZ_G1", "FZ_G2", "FZ_G3", "FZ_G4" };

    private static Gen<Y> ConstantGroup(bool clean) =>
        from names in Distinct(Defined, 4)
        from values in Gen.ListOf(Gen.Frequency((5, Number(clean)), (1, Keys(clean, ("value", Number(clean), 90, 100), ("since", Str(new[] { "6.5", "5.10" }, clean), 40, 30),
            ("doc", Str(new[] { "a doc", "x & y <z>" }, clean), 40, 40)).Select(k => (Y)new Y.M(k, Flow: true)))), names.Length)
        from rename in clean ? Gen.Constant(names) : Gen.CollectToArray(names.Select(n => Name(new[] { n }, clean)))
        select (Y)new Y.M(rename.Zip(values).Select(p => (p.First, p.Second)).ToList());

    private static Gen<Y> Field(bool clean, string[] tags) => Keys(clean,
            ("c", Str(clean ? CleanMembers : Members, clean), 97, 100), ("name", Str(FamilyFields.Concat(Members).ToArray(), clean), 50, 0),
            ("property", Str(new[] { "Prop", "X", "Len" }, clean), 15, 0),
            ("type", Str(clean ? CTypes.Concat(tags.Select(t => "struct " + t)).ToArray() : CTypes.Concat(Tags.Select(t => "struct " + t)).ToArray(), clean), 95, 100),
            ("kind", Str(FieldKinds, clean), 25, 0), ("bits", Number(clean), 8, 0), ("count", Str(new[] { "1", "2", "4", "16" }, clean), 25, 20),
            ("length", Str(Members, clean), 10, 0), ("order", Str(new[] { "host", "big" }, clean), 8, 10), ("offset", Number(clean), 6, 0),
            ("trailing", Str(new[] { "true", "false" }, clean), 5, 0), ("since", Str(new[] { "6.5" }, clean), 4, 0))
        .Select(k => (Y)new Y.M(k, Flow: true));

    /// <summary>Structs; in a clean spec each uses only types before it, and its fields have distinct C names.</summary>
    private static Gen<Y> Structs(bool clean) =>
        from tags in clean ? Distinct(new[] { "fz_a", "fz_b", "fz_c" }, 3) : Gen.ListOf(Name(Tags, clean), 4).Select(l => l.ToArray())
        from defs in Gen.CollectToList(tags.Select((tag, i) =>
            from fields in Gen.NonEmptyListOf(Field(clean, tags.Take(i).ToArray()))
            from extra in Keys(clean, ("type", Str(new[] { "FzType", "Other" }, clean), 10, 0), ("ctype", Str(new[] { "struct fz", "union u" }, clean), 8, 10),
                ("packed", Str(new[] { "true", "false" }, clean), 8, 10), ("align", Str(new[] { "4", "8", "3" }, clean), 6, 0),
                ("doc", Str(new[] { "doc", "a <b> & c" }, clean), 20, 30))
            select (tag, (Y)new Y.M(extra.Prepend(("fields", (Y)new Y.L((clean ? fields.GroupBy(f => ((Y.S)((Y.M)f).Pairs[0].Item2).Text).Select(g => g.First()) : fields).Take(6).ToList()))).ToList()))))
        select (Y)new Y.M(defs.Append(("sockaddr_fz", SockaddrFz)).ToList());

    private static Gen<Y> Kind(string[] kinds, bool clean) => (clean
            ? Gen.Frequency((4, Gen.Elements(kinds)), (1, Gen.Constant("struct sockaddr_fz")))
            : Gen.Frequency((3, Gen.Elements(kinds)), (1, Gen.Elements(Tags).Select(t => "struct " + t)), (1, Gen.Elements(Hostile))))
        .Select(s => (Y)new Y.S(s));

    private static readonly string[] OptionNames = { "FZ_A", "FZ_B", "FZ_C", "FZ_D", "FZ_E" };

    private static Gen<Y> Options(bool clean) =>
        from names in clean ? Distinct(OptionNames, 4) : Gen.ListOf(Name(Constants, clean), 4).Select(l => l.ToArray())
        from entries in Gen.CollectToList(names.Select(name => Keys(clean,
                ("level", Str(new[] { "SOL_FZ", "SOL_FY" }, clean), 90, 100), ("value", Number(clean), 15, 0), ("type", Kind(OptionKinds, clean), 80, 100),
                ("get", Kind(OptionKinds, clean), 10, 0), ("set", Kind(OptionKinds, clean), 10, 0), ("access", Str(new[] { "read", "write", "readwrite" }, clean), 20, 20),
                ("property", Str(new[] { "Opt", "SockOpt" }, clean), 10, 0), ("doc", Str(new[] { "doc & <x>" }, clean), 20, 30),
                ("test", Gen.Constant((Y)new Y.M(new[] { ("socket", (Y)new Y.S("tcp4")) }, Flow: true)), 20, 20))
            .Select(k => (Y)new Y.M(k.Prepend(("name", new Y.S(name))).ToList(), Flow: true))))
        select (Y)new Y.L(entries);

    private static readonly string[] CmsgNames = { "CM_A", "CM_B", "CM_C" };

    private static Gen<Y> Cmsgs(bool clean) =>
        from names in clean ? Distinct(CmsgNames, 3) : Gen.ListOf(Name(Constants.Concat(CmsgNames).ToArray(), clean), 3).Select(l => l.ToArray())
        from entries in Gen.CollectToList(names.Select(name => Keys(clean,
                ("level", Str(new[] { "SOL_FZ" }, clean), 90, 100), ("value", Number(clean), 15, 100), ("payload", Kind(PayloadKinds, clean), 90, 100),
                ("property", Str(new[] { "Cm" }, clean), 10, 0), ("doc", Str(new[] { "doc" }, clean), 10, 20))
            .Select(k => (Y)new Y.M(k.Prepend(("type", new Y.S(name))).ToList(), Flow: true))))
        select (Y)new Y.L(entries);

    private static Gen<Y> Families(bool clean) =>
        (clean ? Gen.Elements(new[] { "AF_FZ" }, new[] { "AF_FZ", "AF_FY" }, Array.Empty<string>()) : Gen.ListOf(Name(Constants, clean), 2).Select(l => l.ToArray()))
        .SelectMany(names => Gen.CollectToList(names.Select(name => Keys(clean, ("struct", Str(new[] { "sockaddr_fz" }, clean), 95, 100), ("property", Str(new[] { "Fam", "Fz" }, clean), 10, 0))
            .Select(k => (Y)new Y.M(k.Prepend(("family", new Y.S(name))).ToList(), Flow: true)))))
        .Select(l => (Y)new Y.L(l));

    /// <summary>A sockaddr-like struct for the families to use, valid.</summary>
    private static Y SockaddrFz => new Y.M(new[]
    {
        ("fields", (Y)new Y.L(new Y[]
        {
            new Y.M(new (string, Y)[] { ("c", new Y.S("f")), ("name", new Y.S("family")), ("type", new Y.S("__u16")) }, Flow: true),
            new Y.M(new (string, Y)[] { ("c", new Y.S("p")), ("name", new Y.S("port")), ("type", new Y.S("__be16")) }, Flow: true),
            new Y.M(new (string, Y)[] { ("c", new Y.S("a")), ("name", new Y.S("address")), ("type", new Y.S("struct in_addr")) }, Flow: true),
        })),
    });

    /// <summary>The constants every built spec defines, so that entries can name them.</summary>
    private static Y BaseConstants => new Y.M(Constants.Where(c => c != "FZ_WIDE").Select((c, i) => (c, (Y)new Y.S((240 + i).ToString())))
        .Append(("FZ_WIDE", new Y.S("0x100000000"))).ToList());

    /// <summary>A spec file built from the vocabulary: clean (every name defined, kinds matching types) or with hostile values mixed in.</summary>
    public static Gen<string> Built =>
        from clean in Gen.Frequency((3, Gen.Constant(true)), (2, Gen.Constant(false)))
        from fzGroup in ConstantGroup(clean)
        from sections in Keys(clean, ("level", Str(new[] { "SOL_FZ" }, clean), 15, 15), ("headers", Gen.Constant((Y)new Y.L(new Y[] { new Y.S("x.h") }, Flow: true)), 50, 50),
            ("structs", Structs(clean), 70, 100), ("options", Options(clean), 60, 60), ("cmsgs", Cmsgs(clean), 35, 35), ("families", Families(clean), 25, 25))
        select new Y.M(sections.Prepend(("constants", new Y.M(new[] { ("BASE", BaseConstants), ("FZ", fzGroup) }))).ToList()).ToString();

    private static Gen<string> Seed => Gen.Frequency((3, Built), (2, Gen.Elements(Corpus.Value)));

    /// <summary>Text mutations: snippets inserted, ranges deleted or doubled, lines swapped, the text cut.</summary>
    private static Gen<Func<string, string>> TextMutation => Gen.OneOf(
        from at in Gen.Choose(0, 1 << 20) from snippet in Gen.Elements(Snippets) select (Func<string, string>)(t => t.Insert(at % (t.Length + 1), snippet)),
        from at in Gen.Choose(0, 1 << 20) from n in Gen.Choose(1, 12) select (Func<string, string>)(t => t.Length == 0 ? t : t.Remove(at % t.Length, Math.Min(n, t.Length - at % t.Length))),
        from at in Gen.Choose(0, 1 << 20) from n in Gen.Choose(1, 40) select (Func<string, string>)(t => t.Length == 0 ? t : t.Insert(at % t.Length, t.Substring(at % t.Length, Math.Min(n, t.Length - at % t.Length)))),
        from at in Gen.Choose(0, 1 << 20) select (Func<string, string>)(t => t[..(at % (t.Length + 1))]),
        from at in Gen.Choose(0, 1 << 20) from c in Gen.Choose(0, 0xffff) select (Func<string, string>)(t => t.Length == 0 ? t : t.Remove(at % t.Length, 1).Insert(at % t.Length, ((char)c).ToString())),
        from a in Gen.Choose(0, 1 << 20) from b in Gen.Choose(0, 1 << 20) select (Func<string, string>)(t =>
        {
            var lines = t.Split('\n');
            if (lines.Length < 2) return t;
            (lines[a % lines.Length], lines[b % lines.Length]) = (lines[b % lines.Length], lines[a % lines.Length]);
            return string.Join("\n", lines);
        }),
        from depth in Gen.Choose(20, 60) from open in Gen.Elements("[", "{a: ", "- ") select (Func<string, string>)(t => t + "\nx: " + string.Concat(Enumerable.Repeat(open, depth))));

    /// <summary>A value of the text swapped for a hostile one: after a "key: " the value up to the next comma, brace or line end.</summary>
    private static Gen<Func<string, string>> ValueSwap =>
        from at in Gen.Choose(0, 1 << 20) from value in Gen.Elements(Hostile)
        select (Func<string, string>)(t =>
        {
            var matches = Regex.Matches(t, @"(?<=: )[^,}\n]*");
            if (matches.Count == 0) return t;
            var m = matches[at % matches.Count];
            return t.Remove(m.Index, m.Length).Insert(m.Index, Y.Scalar(value));
        });

    private static Gen<string> Mutated =>
        from pure in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from seed in pure ? Built : Seed
        from swaps in Gen.Frequency((1, Gen.Constant(new List<Func<string, string>>())), (1, Gen.ListOf(ValueSwap, 2).Select(l => l.ToList())))
        from edits in Gen.Frequency((1, Gen.Constant(new List<Func<string, string>>())), (1, Gen.ListOf(TextMutation, 3).Select(l => l.ToList())))
        select pure ? seed : edits.Aggregate(swaps.Aggregate(seed, (t, f) => f(t)), (t, f) => f(t));

    /// <summary>One or two files; the second leans on the first's names.</summary>
    public static Gen<FuzzCase> Cases =>
        from first in Mutated
        from two in Gen.Choose(1, 6)
        from second in Mutated
        select new FuzzCase(two == 1 ? new[] { ("/fuzz/a.yaml", first), ("/fuzz/b.yml", second) } : new[] { ("/fuzz/a.yaml", first) },
            two == 1 ? "two files" : "one file");
}
