using System;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Generators of address text: IPv4 and IPv6 literals built from their grammar with the edge cases each part has
/// (leading zeros, out-of-range parts, too many or too few groups, embedded dotted quads, upper case), with ports,
/// scopes and brackets, UNIX paths and abstract names, garbage, and random edits of all of those.
/// </summary>
internal static class AddressText
{
    public static Gen<string> Octet { get; } = Gen.Frequency(
        (8, Gen.Choose(0, 255).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Elements("00", "01", "000", "010", "0255", "256", "300", "999", "1000", "", "-1", "+1", " 1", "0x1", "1a", "4294967297")),
        (1, Gen.Choose(0, 99999).Select(i => i.ToString(CultureInfo.InvariantCulture))));

    public static Gen<string> Ipv4 { get; } = Gen.Frequency(
        (8, Gen.ArrayOf(Octet, 4).Select(parts => string.Join('.', parts))),
        (1, Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Octet, n)).Select(parts => string.Join('.', parts))),
        (1, Gen.ArrayOf(Octet, 4).Select(parts => string.Join('.', parts) + ".")));

    private static readonly char[] HexDigits = "0123456789abcdefABCDEF".ToCharArray();

    public static Gen<string> Hextet { get; } = Gen.Frequency(
        (10, Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(HexDigits), n)).Select(cs => new string(cs))),
        (3, Gen.Elements("0", "1", "ffff", "FFFF", "fe80", "2001", "db8")),
        (1, Gen.Elements("", "00000", "12345", "g", "-1", " 1", "0x1")));

    /// <summary>IPv6 text: full, compressed, with a dotted-quad tail, and with the grammar's usual mistakes.</summary>
    public static Gen<string> Ipv6 { get; } = Gen.Frequency(
        (3, Gen.ArrayOf(Hextet, 8).Select(g => string.Join(':', g))),
        (5, Gen.Choose(0, 7).SelectMany(left => Gen.Choose(0, 7 - left).SelectMany(right =>
            Gen.Zip(Gen.ArrayOf(Hextet, left), Gen.ArrayOf(Hextet, right))
               .Select(t => string.Join(':', t.Item1) + "::" + string.Join(':', t.Item2))))),
        (3, Gen.Choose(0, 5).SelectMany(left => Gens.Zip(Gen.ArrayOf(Hextet, left), Ipv4, Gen.Elements(true, false))
            .Select(t => t.Item3 ? string.Join(':', t.Item1) + "::" + t.Item2 : string.Join(':', t.Item1.Concat(Enumerable.Repeat("0", 6 - Math.Min(6, t.Item1.Length)))) + ":" + t.Item2))),
        (2, Gen.Elements("::", "::1", "::ffff:1.2.3.4", "::ffff:0:1.2.3.4", "64:ff9b::1.2.3.4", "::1.2.3.4", "::0.0.0.2", "fe80::1", "2001:db8::",
            "1::", "::ffff", "::ffff:0", "0:0:0:0:0:0:0:0", "1:0:0:2:0:0:0:3", "1:0:0:2::3", "1:0:1:0:1:0:1:0", "::ffff:1.2.3.04",
            ":::", "1:::2", "1::2::3", ":1::", "1::2:", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7:8",
            "::1.2.3", "::1.2.3.4.5", "::256.1.1.1", "1.2.3.4::", "::ffff:1.2.3.4:5", "fe80::1:2:3:4:5:6:7", "0000:0000::", "00000::1")),
        (1, Gen.ArrayOf(Hextet, 9).Select(g => string.Join(':', g))));

    public static Gen<string> Scope { get; } = Gen.Elements("lo", "1", "0", "", "eth0", "nonexistent0", "4294967295", "4294967296", "-1", "+1",
        "01", "lo ", "Lo", "99999", "2147483648", "a%b", "%", "1a", "\u0661");

    public static Gen<string> Port { get; } = Gen.Frequency(
        (6, Gen.Choose(0, 65535).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Choose(65536, 200000).Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Elements("", "0", "65535", "65536", "99999", "-1", "+80", " 80", "80 ", "080", "00000000000000000080", "4294967376",
            "99999999999999999999", "0x50", "http", "\u0668\u0660", "8o")));

    public static Gen<string> Path { get; } = Gen.Frequency(
        (3, UcodeValues.Text.Select(t => "/tmp/" + t)),
        (2, UcodeValues.Text.Select(t => t + "/" + t)),
        (2, Gen.Choose(100, 112).Select(n => "/" + new string('p', n - 1))),
        (1, Gen.Choose(30, 40).Select(n => "/" + string.Concat(Enumerable.Repeat("\u00e9", n)))),
        (1, Gen.Elements("/", "./s", "../s", "/tmp/a\0b", "/tmp/\ud800", "/tmp/\udc00x", "//", "a/", "/tmp/\u00ff\u00fe")));

    public static Gen<string> Abstract { get; } = Gen.Frequency(
        (3, UcodeValues.Text.Select(t => "@" + t)),
        (2, UcodeValues.Text.Select(t => "\0" + t)),
        (1, Gen.Choose(100, 112).Select(n => "@" + new string('a', n - 1))),
        (1, Gen.Elements("@", "\0", "@\0", "@\ud800", "\0\udfff")));

    /// <summary>Any address text: well-formed, nearly well-formed, edited, or garbage.</summary>
    public static Gen<string> Any { get; } = Gen.Frequency(
        (6, Gen.Frequency(Shapes())),
        (3, Gen.Frequency(Shapes()).SelectMany(Mutate)),
        (1, UcodeValues.Text));

    private static (int, Gen<string>)[] Shapes() => new (int, Gen<string>)[]
    {
        (4, Ipv4),
        (3, Gen.Zip(Ipv4, Port).Select(t => t.Item1 + ":" + t.Item2)),
        (5, Ipv6),
        (2, Gen.Zip(Ipv6, Scope).Select(t => t.Item1 + "%" + t.Item2)),
        (3, Gen.Zip(Ipv6, Port).Select(t => "[" + t.Item1 + "]:" + t.Item2)),
        (2, Gens.Zip(Ipv6, Scope, Port).Select(t => "[" + t.Item1 + "%" + t.Item2 + "]:" + t.Item3)),
        (1, Gen.Zip(Ipv4, Port).Select(t => "[" + t.Item1 + "]:" + t.Item2)),
        (1, Ipv6.Select(a => "[" + a + "]")),
        (1, Gen.Zip(Ipv6, UcodeValues.Text).Select(t => "[" + t.Item1 + "]" + t.Item2)),
        (1, Gen.Zip(Ipv6, Port).Select(t => t.Item1 + ":" + t.Item2)),
        (1, Gens.Zip(Ipv4, Port, Port).Select(t => t.Item1 + ":" + t.Item2 + ":" + t.Item3)),
        (1, Gen.Elements("localhost", "localhost:80", "example.com", "1", "1.2", "1.2.3", "0x7f.1", "127.1", "[", "]", "[]", "[]:80", ":80", ":", "")),
        (2, Path),
        (2, Abstract),
    };

    /// <summary>One to three random edits: delete, insert, replace a character, or repeat a slice.</summary>
    public static Gen<string> Mutate(string text) =>
        Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Edit, n)).Select(edits => edits.Aggregate(text, (t, e) => e(t)));

    private static Gen<Func<string, string>> Edit { get; } = Gen.Frequency(
        (3, Gen.Choose(0, 1000).Select<int, Func<string, string>>(at => t => t.Length == 0 ? t : t.Remove(at % t.Length, 1))),
        (3, Gen.Zip(Gen.Choose(0, 1000), UcodeValues.Char).Select<(int, char), Func<string, string>>(p => t => t.Insert(p.Item1 % (t.Length + 1), p.Item2.ToString()))),
        (3, Gen.Zip(Gen.Choose(0, 1000), UcodeValues.Char).Select<(int, char), Func<string, string>>(p => t =>
            t.Length == 0 ? t : t.Remove(p.Item1 % t.Length, 1).Insert(p.Item1 % t.Length, p.Item2.ToString()))),
        (1, Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(1, 6)).Select<(int, int), Func<string, string>>(p => t =>
        {
            if (t.Length == 0) return t;
            int start = p.Item1 % t.Length, length = Math.Min(p.Item2, t.Length - start);
            return t.Insert(start, t.Substring(start, length));
        })));
}
