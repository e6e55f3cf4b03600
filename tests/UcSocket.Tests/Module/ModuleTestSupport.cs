using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace UcSocket.Tests.Module;

/// <summary>A fact that is skipped when a file the test reads from the system is missing.</summary>
public sealed class FactWhenFileExistsAttribute : FactAttribute
{
    public FactWhenFileExistsAttribute(string path)
    {
        if (!File.Exists(path)) Skip = $"{path} does not exist on this machine";
    }
}

/// <summary>A fact that needs a C compiler (the system's own headers are the reference).</summary>
public sealed class FactWithCompilerAttribute : FactAttribute
{
    public FactWithCompilerAttribute()
    {
        if (ModuleTestSupport.FindCompiler() is null) Skip = "no C compiler (cc) on this machine";
    }
}

internal static class ModuleTestSupport
{
    /// <summary>The addresses /etc/hosts gives a name, read independently of the resolver.</summary>
    public static HashSet<string> HostsAddressesOf(string name)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (address, names) in HostsEntries())
            if (names.Contains(name, StringComparer.OrdinalIgnoreCase)) result.Add(address);
        return result;
    }

    /// <summary>The first name /etc/hosts gives an address (what a reverse lookup through "files" answers).</summary>
    public static string? HostsFirstNameOf(string address) =>
        HostsEntries().Where(e => e.Address == address).Select(e => e.Names[0]).FirstOrDefault();

    private static IEnumerable<(string Address, string[] Names)> HostsEntries()
    {
        foreach (var raw in File.ReadLines("/etc/hosts"))
        {
            var line = raw.Split('#')[0];
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 2) yield return (parts[0], parts[1..]);
        }
    }

    /// <summary>The port /etc/services gives a service for a protocol ("tcp", "udp"), or null.</summary>
    public static int? ServicePort(string service, string protocol)
    {
        foreach (var raw in File.ReadLines("/etc/services"))
        {
            var parts = raw.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            var portProto = parts[1].Split('/');
            if (portProto.Length != 2 || portProto[1] != protocol) continue;
            if (parts[0] == service || parts.Skip(2).Contains(service)) return int.Parse(portProto[0]);
        }
        return null;
    }

    public static string? FindCompiler()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var cc = Path.Combine(dir, "cc");
            if (dir.Length > 0 && File.Exists(cc)) return cc;
        }
        return null;
    }

    /// <summary>Compiles and runs a C program; returns its standard output.</summary>
    public static string CompileAndRun(string source)
    {
        var dir = Directory.CreateTempSubdirectory("ucsocket-module-");
        try
        {
            var c = Path.Combine(dir.FullName, "probe.c");
            var exe = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(c, source);
            Run(FindCompiler()!, $"-o {exe} {c}", out _);
            Run(exe, "", out var output);
            return output;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void Run(string file, string args, out string output)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), $"{file} did not finish");
        output = stdout.Result;
        Assert.True(p.ExitCode == 0, $"{file} {args} failed ({p.ExitCode}): {stderr.Result}");
    }
}
