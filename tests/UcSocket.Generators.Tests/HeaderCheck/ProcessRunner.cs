using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>Runs a program to completion with a time limit, capturing its output, in the C locale.</summary>
internal static class ProcessRunner
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Result Run(string program, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
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

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"could not start {program}: {ex.Message} (the header check needs a C compiler as 'cc')", ex);
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
