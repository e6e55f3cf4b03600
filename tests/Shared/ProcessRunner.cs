using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;

namespace UcSocket.Testing;

/// <summary>Runs a program to completion with a time limit, capturing its output, in the C locale. Shared by the test projects.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <param name="environment">Variables to set, or with a null value to remove, for the program.</param>
    public static Result Run(string program, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANG"] = "C";
        if (environment is not null)
            foreach (var (key, value) in environment)
            {
                if (value is null) psi.Environment.Remove(key);
                else psi.Environment[key] = value;
            }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start {program}: {ex.Message}", ex);
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                throw new TimeoutException($"{program} did not finish within {timeout.TotalSeconds} s");
            }
            process.WaitForExit();
            return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }
}
