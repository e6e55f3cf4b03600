using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket;
using static UcSocket.Sockets;

namespace ConsumerApp;

/// <summary>
/// Uses the options of timeouts.yaml the typed way and the ucode way on a real socket, and prints one
/// "name: value" line per result for the package tests to check.
/// </summary>
internal static class Program
{
    private static int Main()
    {
        // Registered when this assembly loaded, before anything here touched the generated classes.
        Print("registered", string.Join(" ", new[] { Sockets.SO_RCVTIMEO_NEW, Sockets.SO_SNDTIMEO_NEW }
            .Select(o => SpecRegistry.TryGetOption(SOL_SOCKET, o, out var d) ? d.Name : "none")));

        using var s = Create(AF_INET, SOCK_STREAM);
        if (s is null)
        {
            Console.Error.WriteLine(Error());
            return 1;
        }

        // Typed, with the project's own struct; read back, and through the library's SO_RCVTIMEO.
        Print("typed.set", s.SetOpt(SockOpt.SoRcvtimeoNew, new SockTimeval(Sec: 2, Usec: 500000)));
        Print("typed.get", s.GetOpt(SockOpt.SoRcvtimeoNew) is { } t ? $"{t.Sec} {t.Usec}" : s.Error());
        Print("library.rcvtimeo", s.GetOpt(UcSocket.SockOpt.SoRcvtimeo) is { } r ? $"{r.Seconds} {r.Microseconds}" : s.Error());

        // The ucode way, by level and option number, with the library's struct timeval.
        Print("ucode.set", s.SetOpt(SOL_SOCKET, Sockets.SO_SNDTIMEO_NEW, new Dictionary<string, object?> { ["sec"] = 1, ["usec"] = 200000 }));
        Print("ucode.get", s.GetOpt(SOL_SOCKET, Sockets.SO_SNDTIMEO_NEW) is Dictionary<string, object?> d
            ? string.Join(" ", d.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))
            : s.Error());
        Print("library.sndtimeo", s.GetOpt(UcSocket.SockOpt.SoSndtimeo) is { } w ? $"{w.Seconds} {w.Microseconds}" : s.Error());

        // Bad input: an error naming the field, the kernel's value untouched.
        Print("bad.set", s.SetOpt(SOL_SOCKET, Sockets.SO_SNDTIMEO_NEW, new Dictionary<string, object?> { ["sec"] = 3, ["usec"] = "soon" }));
        Print("bad.error", s.Error());
        Print("bad.code", s.Error(numeric: true));
        Print("bad.key", s.SetOpt(SOL_SOCKET, Sockets.SO_RCVTIMEO_NEW, new Dictionary<string, object?> { ["seconds"] = 3 }) is null ? s.Error() : "accepted");
        Print("after.sndtimeo", s.GetOpt(UcSocket.SockOpt.SoSndtimeo) is { } a ? $"{a.Seconds} {a.Microseconds}" : s.Error());
        return 0;
    }

    private static void Print(string name, object? value) => Console.WriteLine($"{name}: {value?.ToString() ?? "null"}");
}
