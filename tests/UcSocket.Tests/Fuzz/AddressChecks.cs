using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using UcSocket.Tests.Matrix;
using Xunit;

namespace UcSocket.Tests.Fuzz;

/// <summary>The checks every converted address must pass, whatever form it was given in.</summary>
internal static class AddressChecks
{
    public static readonly int EINVAL = ErrnoNames.Value("EINVAL"), ENODEV = ErrnoNames.Value("ENODEV"),
        ERANGE = ErrnoNames.Value("ERANGE"), EAFNOSUPPORT = ErrnoNames.Value("EAFNOSUPPORT");

    /// <summary>The family constants by number, from the library's constants.</summary>
    public static readonly IReadOnlyDictionary<int, string> FamilyNames = new Dictionary<int, string>
    {
        [Sockets.AF_UNIX] = "AF_UNIX", [Sockets.AF_INET] = "AF_INET", [Sockets.AF_INET6] = "AF_INET6",
        [Sockets.AF_PACKET] = "AF_PACKET", [Sockets.AF_NETLINK] = "AF_NETLINK", [Sockets.AF_VSOCK] = "AF_VSOCK",
    };

    /// <summary>An error of the address functions: one of the four codes they may give, with a message saying what failed.</summary>
    public static void AssertCleanError(int code, string? message, object? input)
    {
        Expect.That(code == EINVAL || code == ENODEV || code == ERANGE || code == EAFNOSUPPORT,
            () => $"unexpected error code {code} ({message}) for {Show(input)}");
        Expect.That(!string.IsNullOrWhiteSpace(message), () => $"error {code} without a message for {Show(input)}");
        Expect.That(!message!.StartsWith(':'), () => $"error without context: \"{message}\" for {Show(input)}");
    }

    /// <summary>
    /// Converts <paramref name="value"/> with <see cref="AddressConversion.TryConvert"/> and <see cref="Sockets.SockAddr"/>
    /// (neither may throw), checks their errors, and checks that a successful result converts back to itself from
    /// its dictionary form and as a <see cref="SocketAddress"/>. Returns the result, or null when it did not convert.
    /// </summary>
    public static SocketAddress? Convert(object? value)
    {
        bool converted = AddressConversion.TryConvert(value, out var direct, out var error);
        if (converted) Assert.NotNull(direct);
        else AssertCleanError(error.Code, error.Message, value);

        var a = Sockets.SockAddr(value);
        if (a is null)
        {
            var code = Assert.IsType<int>(Sockets.Error(true));
            AssertCleanError(code, Sockets.Error(), value);
            if (!converted) Assert.Equal(error.Code, code);
            FuzzStats.Note("refused");
            return null;
        }
        Expect.That(converted, () => $"SockAddr accepted what TryConvert refused: {Show(value)}");
        Assert.Null(Sockets.Error());
        FuzzStats.Note(FamilyNames.TryGetValue(a.Family, out var name) ? name : "family" + a.Family);

        var fromDictionary = Sockets.SockAddr(a.ToDictionary());
        Expect.That(fromDictionary is not null, () => $"{Show(value)} gave {Show(a)}, whose dictionary does not convert back: {Sockets.Error()}");
        AssertSame(a, fromDictionary, value);
        AssertSame(a, Sockets.SockAddr(a), value);
        return a;
    }

    public static void AssertSame(SocketAddress expected, SocketAddress? actual, object? input) =>
        Expect.That(actual is not null && Show(expected) == Show(actual),
            () => $"{Show(input)}: converting {Show(expected)} again gives {(actual is null ? Sockets.Error() : Show(actual))}");

    /// <summary>Text for messages: strings quoted with every non-ASCII or control character escaped, dictionaries and lists spelt out.</summary>
    public static string Show(object? value) => Show(value, 0);

    private static string Show(object? value, int depth) => depth > 4 ? "..." : value switch
    {
        null => "null",
        string s => "\"" + string.Concat(s.Select(c => c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}")) + "\"",
        SocketAddress a => Show(a.ToDictionary()),
        InterfaceId i => i.Name is null ? $"InterfaceId({i.Index})" : $"InterfaceId({Show(i.Name, depth + 1)})",
        byte[] b => "byte[" + string.Join(",", b) + "]",
        System.Collections.IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => Show(k, depth + 1) + ": " + Show(d[k], depth + 1))) + "}",
        IEnumerable<KeyValuePair<string, object?>> d => "{" + string.Join(", ", d.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => Show(e.Key, depth + 1) + ": " + Show(e.Value, depth + 1))) + "}",
        System.Collections.IEnumerable l => value.GetType().Name + "[" + string.Join(", ", l.Cast<object?>().Take(40).Select(v => Show(v, depth + 1))) + "]",
        IFormattable f => value.GetType().Name + " " + f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.GetType().Name + " " + value,
    };
}
