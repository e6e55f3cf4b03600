using System;
using System.Collections.Generic;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using static UcSocket.Tests.Fuzz.AddressChecks;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Property-based tests of the address parser and converter (<see cref="Sockets.SockAddr"/>,
/// <see cref="AddressConversion.TryConvert"/>, <see cref="InAddr"/>, <see cref="In6Addr"/>): nothing throws, errors
/// are EINVAL, ENODEV, ERANGE or EAFNOSUPPORT with a message, a result converts back to itself, nothing out of a
/// field's C range is truncated, and IP text is read and written as glibc's inet_pton and inet_ntop do.
/// No socket is opened.
/// </summary>
public class AddressFuzzTests
{
    [Fact]
    public void AddressStrings() => FuzzRun.Check("address.strings", 5000, AddressText.Any, CheckString, Shrink);

    [Fact]
    public void IpTextAgreesWithGlibc() => FuzzRun.Check("address.inet_pton", 5000,
        Gen.Frequency((3, AddressText.Ipv4), (4, AddressText.Ipv6), (3, Gen.OneOf(AddressText.Ipv4, AddressText.Ipv6).SelectMany(AddressText.Mutate)))
            .Where(t => !t.Contains('\0')),
        CheckAgainstGlibc, Shrink);

    [Fact]
    public void AddressBytesAgreeWithGlibc() => FuzzRun.Check("address.inet_ntop", 5000, AddressBytes, CheckBytes);

    [Fact]
    public void AddressArrays() => FuzzRun.Check("address.arrays", 3000, ArrayItems.SelectMany(items => Gen.Choose(0, 5).Select(kind => (items, kind))),
        t => CheckArray(t.items, t.kind));

    [Fact]
    public void AddressDictionaries() => FuzzRun.Check("address.dictionaries", 5000, AddressFields, CheckDictionary);

    [Fact]
    public void KernelAddressesEncodeBackToTheSameBytes() => FuzzRun.Check("address.sockaddr", 5000, KernelSockaddr, CheckSockaddr);

    private static IEnumerable<string> Shrink(string text)
    {
        for (int i = 0; i < text.Length; i++) yield return text.Remove(i, 1);
    }

    // ---- strings ----

    private static void CheckString(string text)
    {
        var a = Convert(text);
        if (a is null) return;
        bool isPath = text.Contains('/') || text.StartsWith('@') || text.StartsWith('\0');
        if (isPath)
        {
            Expect.That(a.Family == Sockets.AF_UNIX, () => $"{Show(text)} gave family {a.Family}");
            string expected = text[0] == '\0' ? "@" + text[1..] : text;
            Expect.That(a.Path == expected, () => $"{Show(text)} gave path {Show(a.Path)}");
            return;
        }
        Expect.That(a.Family is Sockets.AF_INET or Sockets.AF_INET6, () => $"{Show(text)} gave family {a.Family}");
        // The text form of the result reads back as the same address.
        AssertSame(a, Sockets.SockAddr(a.ToString()), text);
    }

    // ---- IP text against glibc ----

    private static void CheckAgainstGlibc(string text)
    {
        var glibc4 = LibcInet.Pton(LibcInet.AF_INET, text);
        bool ours4 = InAddr.TryParse(text, out var a4);
        Expect.That(ours4 == (glibc4 is not null), () => $"InAddr.TryParse({Show(text)}) is {ours4}, inet_pton(AF_INET) {glibc4 is not null}");
        if (ours4)
        {
            var bytes = new byte[4];
            a4.CopyTo(bytes);
            Expect.That(bytes.SequenceEqual(glibc4!), () => $"{Show(text)}: {Show(bytes)}, inet_pton gives {Show(glibc4)}");
            Expect.That(a4.ToString() == LibcInet.Ntop(LibcInet.AF_INET, bytes), () => $"{Show(text)}: {a4} where inet_ntop gives {LibcInet.Ntop(LibcInet.AF_INET, bytes)}");
        }

        var glibc6 = LibcInet.Pton(LibcInet.AF_INET6, text);
        bool ours6 = In6Addr.TryParse(text, out var a6);
        FuzzStats.Note(glibc4 is not null ? "ipv4" : glibc6 is not null ? "ipv6" : "refused by glibc");
        Expect.That(ours6 == (glibc6 is not null), () => $"In6Addr.TryParse({Show(text)}) is {ours6}, inet_pton(AF_INET6) {glibc6 is not null}");
        if (ours6)
        {
            var bytes = new byte[16];
            a6.CopyTo(bytes);
            Expect.That(bytes.SequenceEqual(glibc6!), () => $"{Show(text)}: {Show(bytes)}, inet_pton gives {Show(glibc6)}");
            CheckIpv6Text(a6, bytes);
        }

        // The module function reads a plain host the same way (a single colon means host:port, so leave those out).
        if (text.Count(c => c == ':') == 1 || text.IndexOfAny(new[] { '%', '/', '@', '[' }) >= 0) return;
        var a = Sockets.SockAddr(text);
        var glibc = glibc4 is not null ? (LibcInet.AF_INET, glibc4) : glibc6 is not null ? (LibcInet.AF_INET6, glibc6) : default;
        Expect.That((a is not null) == (glibc.Item2 is not null), () => $"SockAddr({Show(text)}) is {Show(a)} ({Sockets.Error()}), inet_pton accepts: {glibc.Item2 is not null}");
        if (a is null || glibc.Item2 is null) return;
        Expect.That(a.Address == LibcInet.Ntop(glibc.Item1, glibc.Item2), () => $"SockAddr({Show(text)}) gives {a.Address}, inet_ntop {LibcInet.Ntop(glibc.Item1, glibc.Item2)}");
    }

    /// <summary>In6Addr's text is inet_ntop's, and reads back as the same bytes (ours and glibc's parser).</summary>
    private static void CheckIpv6Text(In6Addr address, byte[] bytes)
    {
        string ours = address.ToString(), glibc = LibcInet.Ntop(LibcInet.AF_INET6, bytes);
        Expect.That(In6Addr.TryParse(ours, out var back) && back == address, () => $"{ours} does not read back as {Show(bytes)}");
        var byGlibc = LibcInet.Pton(LibcInet.AF_INET6, ours);
        Expect.That(byGlibc is not null && byGlibc.SequenceEqual(bytes), () => $"inet_pton does not read {ours} as {Show(bytes)}");
        Expect.That(ours == glibc, () => $"{Show(bytes)} is written {ours}, inet_ntop writes {glibc}");
    }

    // ---- address bytes ----

    /// <summary>4 or 16 bytes, mostly as addresses look: runs of zero words, ::ffff:, well-known prefixes.</summary>
    private static Gen<byte[]> AddressBytes { get; } = Gen.Frequency(
        (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 4)),
        (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16)),
        (4, Gen.ArrayOf(Gen.Frequency((5, Gen.Constant(0)), (1, Gen.Constant(0xffff)), (1, Gen.Constant(1)), (2, Gen.Choose(0, 0xffff)), (1, Gen.Choose(1, 255))), 8)
            .Select(words => words.SelectMany(w => new[] { (byte)(w >> 8), (byte)w }).ToArray())),
        (2, Gen.Zip(Gen.Elements(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff }, new byte[12], new byte[] { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0 },
                new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0 }, new byte[] { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0x5e, 0xfe }),
            Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Constant(1)), (3, Gen.Choose(0, 255))), 4))
            .Select(t => t.Item1.Concat(t.Item2.Select(b => (byte)b)).ToArray())));

    private static void CheckBytes(byte[] bytes)
    {
        int family = bytes.Length == 4 ? LibcInet.AF_INET : LibcInet.AF_INET6;
        string glibc = LibcInet.Ntop(family, bytes);
        if (family == LibcInet.AF_INET)
        {
            var a4 = new InAddr(bytes);
            Expect.That(a4.ToString() == glibc, () => $"{Show(bytes)} is written {a4}, inet_ntop writes {glibc}");
        }
        else CheckIpv6Text(new In6Addr(bytes), bytes);

        var a = Convert(bytes);
        Expect.That(a is not null && a.Family == (family == LibcInet.AF_INET ? Sockets.AF_INET : Sockets.AF_INET6), () => $"SockAddr({Show(bytes)}) is {Show(a)}");
        Expect.That(a!.Address == glibc, () => $"SockAddr({Show(bytes)}) gives {a.Address}, inet_ntop {glibc}");
    }

    // ---- sockaddr bytes as the kernel reports them ----

    private static Gen<byte> AnyByte { get; } = Gen.Choose(0, 255).Select(b => (byte)b);

    private static Gen<byte[]> Field(int length, params byte[][] typical) =>
        Gen.Frequency((3, Gen.ArrayOf(AnyByte, length)), (2, Gen.Elements(typical.Length > 0 ? typical : new[] { new byte[length] })));

    private static byte[] Family(int family) => BitConverter.GetBytes((ushort)family);

    /// <summary>Path bytes: printable text, any bytes (not always UTF-8), sometimes starting with '@'.</summary>
    private static Gen<byte[]> PathBytes(int max, bool allowNul) => Gen.Frequency((7, Gen.Constant(0)), (3, Gen.Constant(1))).SelectMany(high =>
        Gen.Choose(1, max).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (40, Gen.Choose(0x21, 0x7e).Select(b => (byte)b)), (high, Gen.Choose(0x80, 0xff).Select(b => (byte)b)), (2, Gen.Constant((byte)'@')),
            (allowNul ? 1 : 0, Gen.Constant((byte)0))), n)));

    /// <summary>sockaddr bytes of every registered family, with the length and padding the kernel gives.</summary>
    private static Gen<byte[]> KernelSockaddr { get; } = Gen.Frequency(
        (3, Gens.Zip(Field(2), Field(4, new byte[] { 127, 0, 0, 1 }), Gen.Constant(new byte[8]))
            .Select(t => Family(Sockets.AF_INET).Concat(t.Item1).Concat(t.Item2).Concat(t.Item3).ToArray())),
        (3, Gens.Zip(Field(2), Field(4, new byte[4]), Gen.Zip(Field(16, new byte[15].Append((byte)1).ToArray()), Field(4, new byte[4], BitConverter.GetBytes(1), BitConverter.GetBytes(2)))
            .Select(t => t.Item1.Concat(t.Item2).ToArray()))
            .Select(t => Family(Sockets.AF_INET6).Concat(t.Item1).Concat(t.Item2).Concat(t.Item3).ToArray())),
        (1, Gen.Constant(Family(Sockets.AF_UNIX))),
        (3, PathBytes(107, allowNul: false).Select(p => Family(Sockets.AF_UNIX).Concat(p).Append((byte)0).ToArray())),
        (1, PathBytes(108, allowNul: false).Where(p => p.Length == 108).Select(p => Family(Sockets.AF_UNIX).Concat(p).ToArray())),
        (1, Gen.Constant(Family(Sockets.AF_UNIX).Append((byte)0).ToArray())),
        (3, PathBytes(107, allowNul: true).Select(p => Family(Sockets.AF_UNIX).Append((byte)0).Concat(p).ToArray())),
        (2, Gen.Zip(Field(4), Field(4, new byte[4])).Select(t => Family(Sockets.AF_NETLINK).Concat(new byte[2]).Concat(t.Item1).Concat(t.Item2).ToArray())),
        (2, Gens.Zip(Field(4), Field(4, BitConverter.GetBytes(1), BitConverter.GetBytes(2), BitConverter.GetBytes(-1)), Gen.Frequency((5, Gen.Constant((byte)0)), (1, AnyByte)))
            .Select(t => Family(Sockets.AF_VSOCK).Concat(new byte[2]).Concat(t.Item1).Concat(t.Item2).Append(t.Item3).Concat(new byte[3]).ToArray())),
        (2, Gens.Zip(Gen.Zip(Field(2), Field(4, BitConverter.GetBytes(1), BitConverter.GetBytes(2)), (a, b) => a.Concat(b).ToArray()),
                Gen.Zip(Field(2), Field(1), (a, b) => a.Concat(b).ToArray()), Gen.Choose(0, 8).SelectMany(n => Gen.ArrayOf(AnyByte, n)))
            .Select(t => Family(Sockets.AF_PACKET).Concat(t.Item1).Concat(t.Item2).Append((byte)t.Item3.Length).Concat(t.Item3).Concat(new byte[8 - t.Item3.Length]).ToArray())));

    private static void CheckSockaddr(byte[] bytes)
    {
        var raw = new RawSocketAddress();
        Assert.True(raw.TrySet(bytes));
        var decoded = raw.ToSocketAddress();
        Expect.That(decoded is not null && decoded.Family == BitConverter.ToUInt16(bytes), () => $"{Show(bytes)} decodes as {Show(decoded)}");
        FuzzStats.Note(FamilyNames[decoded!.Family]);
        var again = RawSocketAddress.From(decoded);
        if (again is null || !again.ContentEquals(raw))
        {
            if (KnownFindings.Covers(KnownFindings.SockaddrDoesNotRoundTrip(bytes, decoded))) return;
            Expect.That(again is not null, () => $"{Show(bytes)} decodes as {Show(decoded)}, which does not encode: {Sockets.Error()}");
            Expect.That(false, () => $"{Show(bytes)} decodes as {Show(decoded)}, which encodes as {Show(again!.AsSpan().ToArray())}");
        }
    }

    // ---- arrays ----

    /// <summary>An array item and the byte it stands for (null when it stands for no byte: out of range, no integer, a string).</summary>
    private static Gen<(object? Item, int? Byte)> ArrayItem { get; } = Gen.Frequency(
        (40, Gen.Zip(Gen.Choose(0, 255), Gen.Choose(0, 13)).Select(t => UcodeValues.Box(t.Item1, t.Item2))
            .Where(item => item is not string).Select(item => (item, (int?)(int)(IntendedNumber.TryGet(item, out var n) ? n : -1)))
            .Select(t => ((object?)t.item, t.Item2))),
        (1, Gen.Choose(0, 255).Select(i => ((object?)i.ToString(System.Globalization.CultureInfo.InvariantCulture), (int?)null))),
        (1, UcodeValues.BoxedInteger(UcodeValues.Int64.Where(v => v is < 0 or > 255)).Select(o => ((object?)o, (int?)null))),
        (1, UcodeValues.Any(1).Select(o => (o, IntendedNumber.TryGet(o, out var n) && n >= 0 && n <= 255 && o is not string ? (int?)(int)n : null))));

    private static Gen<List<(object? Item, int? Byte)>> ArrayItems { get; } = Gen.Frequency(
        (3, Gen.ListOf(ArrayItem, 4)), (3, Gen.ListOf(ArrayItem, 16)), (1, Gen.Choose(0, 20).SelectMany(n => Gen.ListOf(ArrayItem, n))))
        .Select(l => l.ToList());

    private static void CheckArray(List<(object? Item, int? Byte)> items, int kind)
    {
        object value = kind switch
        {
            0 => items.Select(i => i.Item).ToList(),
            1 => items.Select(i => i.Item).ToArray(),
            2 when items.All(i => i.Byte is not null) => items.Select(i => (byte)i.Byte!.Value).ToArray(),
            3 when items.All(i => i.Item is int) => items.Select(i => (int)i.Item!).ToArray(),
            4 => items.Select(i => i.Item).Where(_ => true), // a lazy sequence
            _ => items.Select(i => i.Item).ToList(),
        };
        var a = Convert(value);
        bool allBytes = items.All(i => i.Byte is not null);
        if (!allBytes)
        {
            // An item that is no byte (out of range, a fraction, a string, a list) is an error, never truncated into one.
            Expect.That(a is null, () => $"SockAddr({Show(value)}) accepted an item that is no byte: {Show(a)}");
            return;
        }
        if (items.Count is not (4 or 16))
        {
            Expect.That(a is null, () => $"SockAddr({Show(value)}) accepted {items.Count} bytes: {Show(a)}");
            return;
        }
        var bytes = items.Select(i => (byte)i.Byte!.Value).ToArray();
        Expect.That(a is not null, () => $"SockAddr({Show(value)}) refused {items.Count} bytes: {Sockets.Error()}");
        int family = items.Count == 4 ? LibcInet.AF_INET : LibcInet.AF_INET6;
        Expect.That(a!.Address == LibcInet.Ntop(family, bytes), () => $"SockAddr({Show(value)}) gives {a.Address}, inet_ntop {LibcInet.Ntop(family, bytes)}");
    }

    // ---- dictionaries ----

    private static readonly string[] AddressKeys =
        { "family", "address", "port", "flowinfo", "interface", "path", "protocol", "hardware_type", "packet_type", "port_id", "groups", "cid" };

    private static Gen<object?> FieldValue(string key)
    {
        var integer = UcodeValues.BoxedInteger(UcodeValues.Int64).Select(o => (object?)o);
        var any = UcodeValues.Any(1);
        Gen<object?> typical = key switch
        {
            "family" => Gen.Zip(Gen.Elements(0, Sockets.AF_UNIX, Sockets.AF_INET, Sockets.AF_INET6, Sockets.AF_PACKET, Sockets.AF_NETLINK, Sockets.AF_VSOCK, 3, 65535, 65536, -1),
                Gen.Choose(0, 13)).Select(t => (object?)UcodeValues.Box(t.Item1, t.Item2)),
            "address" => Gen.Frequency((3, AddressText.Ipv4), (3, AddressText.Ipv6), (1, Gen.Zip(AddressText.Ipv6, AddressText.Scope).Select(t => t.Item1 + "%" + t.Item2)),
                (1, Gen.Elements("00:11:22:33:44:55", "0:1:2", "00-11-22-33-44-55-66-77", "00:11:22:33:44:55:66:77:88", "", "1.2.3.4:80", "[::1]"))).Select(s => (object?)s),
            "port" => Gen.Zip(Gen.Frequency((5, Gen.Choose(0, 65535)), (1, Gen.Choose(65536, 70000)), (1, Gen.Choose(-5, -1))), Gen.Choose(0, 13))
                .Select(t => (object?)UcodeValues.Box(t.Item1, t.Item2)),
            "interface" => Gen.Elements<object?>("lo", "nonexistent0", "1", 1, 0, -1, int.MaxValue, 2147483648L, 4294967295L, new InterfaceId(1), new InterfaceId("lo"), new InterfaceId(-1)),
            "path" => Gen.OneOf(AddressText.Path, AddressText.Abstract).Select(s => (object?)s),
            "packet_type" => InRange(255),
            "protocol" or "hardware_type" => InRange(65535),
            _ => InRange(uint.MaxValue),
        };
        return Gen.Frequency((12, typical), (2, integer), (1, any));
    }

    /// <summary>A number in [0, max], boundaries weighted in, boxed in any way.</summary>
    private static Gen<object?> InRange(long max) =>
        Gen.Zip(Gen.Frequency((1, Gen.Elements(0L, 1L, max, max - 1, max / 2)), (2, Gen.Choose(0, (int)Math.Min(max, int.MaxValue)).Select(i => (long)i))), Gen.Choose(0, 13))
            .Select(t => (object?)UcodeValues.Box(t.Item1, t.Item2));

    private static Gen<List<(string Key, object? Value)>> AddressFields => Gen.Frequency(
        (1, AnyAddressFields),
        (2, Gen.Elements(FamilyNames.Keys.ToArray()).SelectMany(family => FamilyAddressFields(family))));

    /// <summary>The fields of one family (from its spec struct), with the family given or left to be inferred, sometimes with one field too many.</summary>
    private static Gen<List<(string Key, object? Value)>> FamilyAddressFields(int family)
    {
        var own = SpecStructs.FamilyFields(FamilyNames[family]).Where(k => AddressKeys.Contains(k) && k != "family").ToArray();
        var familyValue = Gen.Frequency((3, Gen.Constant<object?>(family)), (1, Gen.Constant<object?>(null)), (1, Gen.Choose(0, 13).Select(k => (object?)UcodeValues.Box(family, k))));
        var fields = Gen.SubListOf(own).SelectMany(keys => Gen.CollectToList(keys.Select(k => FieldValue(k).Select(v => (Key: k, Value: v)))));
        var extra = Gen.Frequency((4, Gen.Constant(new List<(string Key, object? Value)>())),
            (1, Gen.Elements(AddressKeys.Except(own).ToArray()).SelectMany(k => FieldValue(k).Select(v => new List<(string Key, object? Value)> { (k, v) }))));
        return Gens.Zip(familyValue, fields, extra).Select(t =>
        {
            var list = new List<(string Key, object? Value)>();
            if (t.Item1 is not null) list.Add(("family", t.Item1));
            list.AddRange(t.Item2);
            list.AddRange(t.Item3.Where(e => e.Key != "family"));
            return list.GroupBy(e => e.Key).Select(g => g.First()).ToList();
        });
    }

    private static Gen<List<(string Key, object? Value)>> AnyAddressFields { get; } =
        Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(Gen.Frequency((12, Gen.Elements(AddressKeys)), (1, Gen.Elements("addr", "Port", "scope", "", "family ")))
            .SelectMany(k => FieldValue(k).Select(v => (k, v))), n))
        .Select(l => l.GroupBy(e => e.Item1).Select(g => g.First()).ToList());

    private static void CheckDictionary(List<(string Key, object? Value)> fields)
    {
        var value = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (k, v) in fields) value[k] = v;
        var a = Convert(value);
        if (a is null) return;

        Expect.That(fields.All(f => AddressKeys.Contains(f.Key)), () => $"SockAddr({Show(value)}) accepted an unknown field: {Show(a)}");
        Expect.That(FamilyNames.ContainsKey(a.Family), () => $"SockAddr({Show(value)}) gave family {a.Family}");
        var family = SpecStructs.ByCType["struct " + SpecStructs.Families[FamilyNames[a.Family]]];
        foreach (var (key, given) in fields)
        {
            if (key == "family" || given is null) continue;
            var field = family.Field(key);
            if (field is null)
            {
                Expect.That(false, () => $"SockAddr({Show(value)}) dropped {key}, which {FamilyNames[a.Family]} does not have: {Show(a)}");
                continue;
            }
            if (!IntendedNumber.TryGet(given, out var n) || given is string && key is "interface") continue;
            if (field.Range is { } range)
                Expect.That(n >= range.Min && n <= range.Max, () => $"SockAddr({Show(value)}) accepted {key} = {n}, out of [{range.Min}, {range.Max}]: {Show(a)}");
            Int128? decoded = key switch
            {
                "port" => a.Port,
                "flowinfo" => a.FlowInfo,
                "protocol" => a.Protocol,
                "hardware_type" => a.HardwareType,
                "packet_type" => a.PacketType,
                "port_id" => a.PortId,
                "groups" => a.Groups,
                "cid" => a.Cid,
                // sin6_scope_id is a __u32 kept in Index as the same 32 bits; sll_ifindex is an int.
                "interface" => a.Family == Sockets.AF_INET6 ? unchecked((uint)(a.Interface?.Index ?? 0)) : a.Interface?.Index ?? 0,
                _ => null,
            };
            if (decoded is null) continue;
            Expect.That(decoded == n, () => $"SockAddr({Show(value)}): {key} {n} came back as {decoded}");
        }
    }
}
