using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using Xunit;

namespace UcSocket.Tests.Matrix;

/// <summary>
/// One test per socket option in the spec, driven by the entry's <c>test:</c> row, so that no option can be added
/// untested. A row names the socket to use and either a value to set (read back and compared, or compared with
/// <c>get:</c>), a value <c>get:</c> must return on a read-only option, or the exact <c>errno</c> the kernel gives
/// here, with the <c>reason</c>. Tokens: <c>$pid</c>, <c>$uid</c>, <c>$gid</c>, <c>$lo</c> (the loopback index), <c>$bpf</c> (an eBPF program);
/// <c>any</c> accepts any successful read.
/// </summary>
public class OptionMatrixTests
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        var rows = SpecRows.Options;
        // A name used at two levels (MCAST_JOIN_GROUP at IPPROTO_IP and IPPROTO_IPV6) is told apart by its level.
        foreach (var row in rows) data.Add(rows.Count(r => r.Name == row.Name) > 1 ? row.Level + "/" + row.Name : row.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Option(string name)
    {
        var row = SpecRows.Option(name);
        Assert.True(row.Test is not null, $"{name} ({row.Where}) has no test row: every option needs one");
        Assert.True(SpecRegistry.TryGetOption(TestSocket.C(row.Level), TestSocket.C(row.Name), out var option), $"{name} is not registered");
        Assert.True(row["socket"] is string, $"{name} ({row.Where}): the test row needs 'socket' (one of {string.Join(", ", TestSocket.Kinds)})");

        using var t = TestSocket.Create((string)row["socket"]!);
        var s = t.Subject;

        if (row["prepare"] is IEnumerable prepare)
            foreach (var step in prepare.Cast<IList<object?>>())
                Assert.True(s.SetOpt(TestSocket.C((string)step[0]!), TestSocket.C((string)step[1]!), Tokens.Resolve(step[2])) == true,
                    $"{name}: preparing {step[1]}: {s.Error()}");

        if (row.Has("errno"))
        {
            Assert.True(row["reason"] is string { Length: > 0 }, $"{name} ({row.Where}): an errno row needs a 'reason'");
            int expected = ErrnoNames.Value((string)row["errno"]!);
            bool onSet = row.Has("set");
            object? result = onSet ? s.SetOpt(option.Level, option.Option, Tokens.Resolve(row["set"])) : s.GetOpt(option.Level, option.Option);
            Assert.True(result is null, $"{name}: expected {row["errno"]} ({row["reason"]}) but the {(onSet ? "set" : "get")} succeeded");
            Assert.True(expected.Equals(s.Error(true)), $"{name}: expected {row["errno"]} ({expected}), got {s.Error()}");
            return;
        }

        if (row.Has("set"))
        {
            Assert.True(option.CanSet, $"{name} is read-only but its test row sets it");
            var value = Tokens.Resolve(row["set"]);
            Assert.True(s.SetOpt(option.Level, option.Option, value) == true, $"{name}: set {Show(value)}: {s.Error()}");
            if (!option.CanGet) return;
        }
        else
        {
            Assert.True(row.Has("get"), $"{name} ({row.Where}): the test row needs 'set', 'get' or 'errno'");
        }

        Assert.True(option.CanGet, $"{name} is write-only but its test row reads it");
        var actual = s.GetOpt(option.Level, option.Option);
        Assert.True(actual is not null || s.Error() is null, $"{name}: get: {s.Error()}");
        var expectedValue = Tokens.Resolve(row.Has("get") ? row["get"] : row["set"]);
        Values.AssertMatch(expectedValue, actual, name);
    }

    private static string Show(object? v) => v switch
    {
        null => "null",
        IDictionary<string, object?> d => "{" + string.Join(", ", d.Select(e => e.Key + ": " + Show(e.Value))) + "}",
        _ => System.Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>Replaces the tokens of test rows with this process's values; <c>$bpf</c> is a loaded eBPF socket filter that accepts everything.</summary>
internal static class Tokens
{
    [DllImport("libc")] private static extern uint getuid();
    [DllImport("libc")] private static extern uint getgid();
    [DllImport("libc", CharSet = CharSet.Ansi)] private static extern uint if_nametoindex(string name);

    public static object? Resolve(object? value) => value switch
    {
        "$pid" => (long)Environment.ProcessId,
        "$uid" => (long)getuid(),
        "$gid" => (long)getgid(),
        "$lo" => (long)if_nametoindex("lo"),
        "$bpf" => (long)SolSocket.BpfPrograms.AcceptAll,
        IDictionary<string, object?> d => d.ToDictionary(e => e.Key, e => Resolve(e.Value)),
        IList<object?> l => l.Select(Resolve).ToList(),
        _ => value,
    };
}

/// <summary>Compares a test row's expected value with what the ucode-style API returned.</summary>
internal static class Values
{
    public static void AssertMatch(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case "any":
                Assert.True(actual is not null, $"{path}: expected a value, got null");
                return;
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual}");
                return;
            case bool b:
                Assert.True(actual is bool ab && ab == b, $"{path}: expected {b}, got {Describe(actual)}");
                return;
            case long l:
                Assert.True(TryNumber(actual, out var n) && n == l, $"{path}: expected {l}, got {Describe(actual)}");
                return;
            case string s:
                string? text = actual switch
                {
                    string a => a,
                    byte[] bytes => Encoding.UTF8.GetString(bytes),
                    _ => actual?.ToString(),
                };
                Assert.True(text == s, $"{path}: expected \"{s}\", got {Describe(actual)}");
                return;
            case IDictionary<string, object?> d:
                Assert.True(actual is IDictionary<string, object?>, $"{path}: expected a dictionary, got {Describe(actual)}");
                var ad = (IDictionary<string, object?>)actual!;
                foreach (var (key, value) in d)
                {
                    Assert.True(ad.ContainsKey(key), $"{path}: no field '{key}' in [{string.Join(", ", ad.Keys)}]");
                    AssertMatch(value, ad[key], path + "." + key);
                }
                return;
            case IList<object?> list:
                Assert.True(actual is IEnumerable and not string, $"{path}: expected a list, got {Describe(actual)}");
                var items = ((IEnumerable)actual!).Cast<object?>().ToList();
                Assert.True(items.Count == list.Count, $"{path}: expected {list.Count} items, got {items.Count}");
                for (int i = 0; i < list.Count; i++) AssertMatch(list[i], items[i], $"{path}[{i}]");
                return;
            default:
                throw new ArgumentException($"{path}: unsupported expected value {expected}");
        }
    }

    private static bool TryNumber(object? value, out decimal n)
    {
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                n = System.Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                return true;
            case InterfaceId id when id.Name is null:
                n = id.Index;
                return true;
            default:
                n = 0;
                return false;
        }
    }

    private static string Describe(object? v) => v is null ? "null" : $"{v.GetType().Name} {v}";
}
