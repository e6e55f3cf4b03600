using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using static UcSocket.Sockets;

namespace UcSocket.Tests.Fuzz;

/// <summary>What a property expects the receiving end to get for one generated item; null members are unknown.</summary>
internal sealed record ItemExpectation(int Level, int Type, int? Descriptors, Ucred? Credentials);

/// <summary>One ancillary item as generated: the object handed to SendMsg and what it should amount to.</summary>
internal sealed record GeneratedItem(object? Form, ItemExpectation? Expected)
{
    public override string ToString() => AddressChecks.Show(Form);
}

/// <summary>A whole SendMsg call as generated.</summary>
internal sealed record GeneratedSend(object? Data, object? Ancillary, IReadOnlyList<GeneratedItem>? Items)
{
    public override string ToString() => $"data {AddressChecks.Show(Data)}, ancillary {AddressChecks.Show(Ancillary)}";
}

/// <summary>
/// Generators of SendMsg arguments: data in every form, ancillary data as lists of ControlMessage objects or ucode
/// dictionaries of registered and unregistered types with payloads of the right kind, the wrong kind, or raw bytes,
/// and whole raw control buffers, well-formed and mutated.
/// </summary>
internal static class CmsgValues
{
    private static readonly (int Level, int Type)[] Registered = TypedCmsg.All.Select(t => (t.Type.Level, t.Type.Type)).ToArray();

    public static Gen<(int Level, int Type)> LevelAndType { get; } = Gen.Frequency(
        (8, Gen.Elements(Registered)),
        (2, Gen.Elements((SOL_SOCKET, SCM_RIGHTS), (SOL_SOCKET, SCM_CREDENTIALS))),
        (1, Gen.Choose(0, 100).Select(t => (SOL_SOCKET, t))),
        (1, Gen.Zip(Gen.Choose(-2, 300), Gen.Choose(-2, 100))));

    /// <summary>Descriptors to pass in the forms SendMsg takes: a FileDescriptors, a list of handles, sockets and numbers, numbers.</summary>
    public static Gen<(object? Data, int? Count)> Descriptors(CmsgRig rig)
    {
        var handle = Gen.Elements(rig.Pipes);
        var item = Gen.Frequency(
            (4, handle.Select(h => (object?)h)),
            (1, Gen.Constant<object?>(rig.A)),
            (1, Gen.Elements(rig.Pipes).Select(h => (object?)(int)h.DangerousGetHandle())),
            (1, rig.Guard.HarmlessNumber.Select(n => (object?)n)));
        return Gen.Frequency(
            (4, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(handle, n)).Select(hs => ((object?)new FileDescriptors(hs), (int?)hs.Length))),
            (3, Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(item, n)).Select(items => ((object?)items.ToList(), (int?)items.Count))),
            (1, Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(rig.Guard.HarmlessNumber, n)).Select(ns => ((object?)ns, (int?)ns.Length))),
            (1, UcodeValues.Any(1).Select(v => (v, (int?)null))));
    }

    /// <summary>Credentials: this process's (which the kernel takes), others, partial dictionaries, or any value.</summary>
    public static Gen<(object? Data, Ucred? Intended)> Credentials(CmsgRig rig)
    {
        var own = rig.Own;
        var spec = SpecStructs.ByCType["struct ucred"];
        return Gen.Frequency(
            (3, Gen.Constant(((object?)new Dictionary<string, object?> { ["pid"] = own.Pid, ["uid"] = own.Uid, ["gid"] = own.Gid }, (Ucred?)own))),
            (1, Gen.Constant(((object?)own, (Ucred?)own))),
            (1, Gen.Constant(((object?)MemoryMarshal.AsBytes(new[] { own }.AsSpan()).ToArray(), (Ucred?)own))),
            (2, StructValues.Dictionary(spec, 0).Select(d => ((object?)d, Intended(d)))),
            (1, UcodeValues.Any(1).Select(v => (v, (Ucred?)null))));
    }

    private static Ucred? Intended(Dictionary<string, object?> d)
    {
        Int128 Field(string name) => d.TryGetValue(name, out var v) && v is not null ? (IntendedNumber.TryGet(v, out var n) ? n : Int128.MinValue) : 0;
        var (pid, uid, gid) = (Field("pid"), Field("uid"), Field("gid"));
        if (d.Keys.Any(k => k is not ("pid" or "uid" or "gid"))) return null;
        if (pid < int.MinValue || pid > int.MaxValue || uid < 0 || uid > uint.MaxValue || gid < 0 || gid > uint.MaxValue) return null;
        return new Ucred((int)pid, (uint)uid, (uint)gid);
    }

    /// <summary>A payload for a registered type: its ucode form, its typed form, raw bytes, or anything.</summary>
    public static Gen<object?> Payload(TypedCmsg type)
    {
        Gen<object?> typical;
        if (SpecStructs.ByCType.TryGetValue(type.Type.Description, out var spec))
        {
            var ops = SpecStructCatalog.ByCType(spec.CType);
            typical = Gen.Frequency(
                (3, StructValues.Dictionary(spec, 1).Select(d => (object?)d)),
                (1, UcodeValues.Bytes(ops.NativeSize + 4).Select(b => (object?)ops.Read(b))));
        }
        else if (type.PayloadType == typeof(byte[])) typical = UcodeValues.Bytes(40).Select(b => (object?)b);
        else typical = UcodeValues.BoxedInteger(UcodeValues.Int64).Select(v => (object?)v);
        return Gen.Frequency((6, typical), (1, UcodeValues.Bytes(24).Select(b => (object?)b)), (1, UcodeValues.Any(1)));
    }

    /// <summary>One item of the ancillary list, as a ControlMessage, a ucode dictionary, or something that is neither.</summary>
    public static Gen<GeneratedItem> Item(CmsgRig rig) => LevelAndType.SelectMany(lt =>
    {
        Gen<(object? Data, ItemExpectation? Expected)> payload;
        if (lt == (SOL_SOCKET, SCM_RIGHTS))
            payload = Descriptors(rig).Select(d => (d.Data, d.Count is int n ? new ItemExpectation(lt.Level, lt.Type, n, null) : null));
        else if (lt == (SOL_SOCKET, SCM_CREDENTIALS))
            payload = Credentials(rig).Select(c => (c.Data, c.Intended is { } u ? new ItemExpectation(lt.Level, lt.Type, null, u) : null));
        else if (TypedCmsg.Find(lt.Level, lt.Type) is { } known)
            payload = Payload(known).Select(p => (p, (ItemExpectation?)new ItemExpectation(lt.Level, lt.Type, null, null)));
        else
            payload = Gen.Frequency((3, UcodeValues.Bytes(24).Select(b => (object?)b)), (1, UcodeValues.Any(1)))
                .Select(p => (p, (ItemExpectation?)new ItemExpectation(lt.Level, lt.Type, null, null)));
        return payload.SelectMany(p => Gen.Frequency(
            (4, Gen.Constant(new GeneratedItem(new ControlMessage(lt.Level, lt.Type, p.Data), p.Expected))),
            (3, Gen.Constant(new GeneratedItem(new Dictionary<string, object?> { ["level"] = lt.Level, ["type"] = lt.Type, ["data"] = p.Data }, p.Expected))),
            (1, Gen.Choose(0, 4).Select(kind => new GeneratedItem(kind switch
            {
                0 => new Dictionary<string, object?> { ["level"] = lt.Level, ["data"] = p.Data },
                1 => new Dictionary<string, object?> { ["level"] = lt.Level, ["type"] = lt.Type, ["data"] = p.Data, ["len"] = 4 },
                2 => new Dictionary<string, object?> { ["level"] = lt.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), ["type"] = (long)lt.Type, ["data"] = p.Data },
                3 => new Dictionary<string, object?> { ["level"] = (long)lt.Level + (1L << 32), ["type"] = lt.Type, ["data"] = p.Data },
                _ => new Hashtable { ["level"] = lt.Level, ["type"] = lt.Type, ["data"] = p.Data },
            }, kind == 2 ? p.Expected : null))),
            (1, UcodeValues.Any(1).Select(v => new GeneratedItem(v, null)))));
    });

    /// <summary>A control buffer laid out by hand as cmsg(3) says (LP64), from (level, type, payload) triples.</summary>
    public static byte[] Layout(IEnumerable<(int Level, int Type, byte[] Payload)> messages)
    {
        var buffer = new List<byte>();
        foreach (var (level, type, payload) in messages)
        {
            buffer.AddRange(BitConverter.GetBytes((ulong)(16 + payload.Length)));
            buffer.AddRange(BitConverter.GetBytes(level));
            buffer.AddRange(BitConverter.GetBytes(type));
            buffer.AddRange(payload);
            buffer.AddRange(new byte[(8 - payload.Length % 8) % 8]);
        }
        return buffer.ToArray();
    }

    /// <summary>A raw control buffer: well-formed, then perhaps mutated (bytes changed, cut, lengths out of bounds).</summary>
    public static Gen<byte[]> RawControl(CmsgRig rig)
    {
        var message = Gen.Frequency(
            (2, Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(rig.Pipes).Select(h => (int)h.DangerousGetHandle()), n))
                .Select(fds => (SOL_SOCKET, SCM_RIGHTS, MemoryMarshal.AsBytes(fds.AsSpan()).ToArray()))),
            (1, Gen.Constant((SOL_SOCKET, SCM_CREDENTIALS, MemoryMarshal.AsBytes(new[] { rig.Own }.AsSpan()).ToArray()))),
            (2, Gen.Zip(LevelAndType, UcodeValues.Bytes(24)).Select(t => (t.Item1.Level, t.Item1.Type, t.Item2))));
        var wellFormed = Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(message, n)).Select(Layout);
        var edit = Gen.Frequency(
            (2, Gen.Zip(Gen.Choose(0, 1000), Gen.Choose(0, 255)).Select<(int, int), Func<byte[], byte[]>>(e => b =>
            {
                if (b.Length == 0) return b;
                var c = (byte[])b.Clone();
                c[e.Item1 % c.Length] = (byte)e.Item2;
                return c;
            })),
            (1, Gen.Choose(0, 1000).Select<int, Func<byte[], byte[]>>(at => b => b.Length == 0 ? b : b[..(at % b.Length)])),
            (1, Gen.Elements(0UL, 15UL, 17UL, 1000UL, ulong.MaxValue, 1UL << 32).Select<ulong, Func<byte[], byte[]>>(len => b =>
            {
                if (b.Length < 8) return b;
                var c = (byte[])b.Clone();
                BitConverter.GetBytes(len).CopyTo(c, 0);
                return c;
            })));
        return Gen.Frequency(
            (3, wellFormed),
            (3, wellFormed.SelectMany(b => Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(edit, n)).Select(edits => edits.Aggregate(b, (x, e) => e(x))))),
            (1, UcodeValues.Bytes(64)));
    }

    /// <summary>The data argument: nothing, text, bytes, a list of buffers, or a value of another kind.</summary>
    public static Gen<object?> Data { get; } = Gen.Frequency(
        (2, Gen.Constant<object?>(null)),
        (3, UcodeValues.Text.Select(s => (object?)s)),
        (3, UcodeValues.Bytes(64).Select(b => (object?)b)),
        (1, Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Gen.Frequency((2, UcodeValues.Text.Select(s => (object?)s)), (2, UcodeValues.Bytes(16).Select(b => (object?)b)),
            (1, Gen.Constant<object?>(null))), n)).Select(l => (object?)l.ToList())),
        (1, UcodeValues.Any(1)));

    /// <summary>The bytes a data argument stands for, or null when the property does not work it out (numbers, objects).</summary>
    public static byte[]? ExpectedData(object? data) => data switch
    {
        null => Array.Empty<byte>(),
        string s => Encoding.UTF8.GetBytes(s),
        byte[] b => b,
        List<object?> items when items.All(i => i is null or string or byte[]) => items.SelectMany(i => ExpectedData(i)!).ToArray(),
        _ => null,
    };

    /// <summary>A whole SendMsg call.</summary>
    public static Gen<GeneratedSend> Send(CmsgRig rig)
    {
        var items = Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Item(rig), n)).Select(l => l.ToList());
        var ancillary = Gen.Frequency(
            (1, Gen.Constant<(object?, IReadOnlyList<GeneratedItem>?)>((null, Array.Empty<GeneratedItem>()))),
            (6, items.Select(l => ((object?)l.Select(i => i.Form).ToList(), (IReadOnlyList<GeneratedItem>?)l))),
            (1, items.Select(l => ((object?)l.Select(i => i.Form).ToArray(), (IReadOnlyList<GeneratedItem>?)l))),
            (1, Item(rig).Where(i => i.Form is ControlMessage).Select(i => ((object?)i.Form, (IReadOnlyList<GeneratedItem>?)new[] { i }))),
            (2, RawControl(rig).Select(b => ((object?)b, (IReadOnlyList<GeneratedItem>?)null))),
            (1, UcodeValues.Any(1).Select(v => (v, (IReadOnlyList<GeneratedItem>?)null))));
        return Gen.Zip(Data, ancillary).Select(t => new GeneratedSend(t.Item1, t.Item2.Item1, t.Item2.Item2));
    }
}
