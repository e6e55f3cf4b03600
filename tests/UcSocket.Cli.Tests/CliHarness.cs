using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using UcSocket.Cli;
using Xunit;

namespace UcSocket.Cli.Tests;

/// <summary>The outcome of one ucsock run.</summary>
public sealed record CliResult(int ExitCode, byte[] StdoutBytes, string Stderr)
{
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    public JsonDocument Json() => JsonDocument.Parse(StdoutBytes);

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>A stderr that tests can wait on (for "listening on ADDRESS").</summary>
public sealed class WatchedWriter : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
            Monitor.PulseAll(_text);
        }
    }

    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
            Monitor.PulseAll(_text);
        }
    }

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString();
        }
    }

    /// <summary>Waits until the text matches; returns the first group.</summary>
    public string WaitFor(string pattern, TimeSpan timeout)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + timeout;
        lock (_text)
        {
            while (true)
            {
                var m = regex.Match(_text.ToString());
                if (m.Success) return m.Groups.Count > 1 ? m.Groups[1].Value : m.Value;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new TimeoutException($"stderr never matched {pattern}: {_text}");
                Monitor.Wait(_text, left);
            }
        }
    }
}

/// <summary>A ucsock run in progress inside the test process.</summary>
public sealed class RunningCli
{
    private readonly MemoryStream _stdout = new();

    public RunningCli(string[] args, byte[]? stdin)
    {
        var input = stdin is null ? Stream.Null : new MemoryStream(stdin, writable: false);
        Task = System.Threading.Tasks.Task.Factory.StartNew(
            () => Program.Run(args, input, _stdout, Stderr), TaskCreationOptions.LongRunning);
    }

    public WatchedWriter Stderr { get; } = new();

    public Task<int> Task { get; }

    /// <summary>The address printed as "listening on ADDRESS".</summary>
    public string ListeningOn() => Stderr.WaitFor(@"listening on (\S+)\n", Cli.Timeout);

    public CliResult Finish()
    {
        Assert.True(Task.Wait(Cli.Timeout), "ucsock did not finish: " + Stderr.Text);
        return new CliResult(Task.Result, _stdout.ToArray(), Stderr.Text);
    }
}

/// <summary>Runs ucsock in this process (Program.Run) or as a child process (the real exit code).</summary>
public static class Cli
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static CliResult Run(params string[] args) => RunWithInput(null, args);

    public static CliResult RunWithInput(byte[]? stdin, params string[] args) => new RunningCli(args, stdin).Finish();

    public static RunningCli Start(params string[] args) => new(args, null);

    public static RunningCli StartWithInput(byte[] stdin, params string[] args) => new(args, stdin);

    /// <summary>The built ucsock.dll (next to the tool's own output, with its runtimeconfig).</summary>
    public static string DllPath
    {
        get
        {
            string beside = typeof(Program).Assembly.Location;
            if (File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json"))) return beside;
            throw new FileNotFoundException("ucsock.runtimeconfig.json is not beside " + beside);
        }
    }

    /// <summary>Starts ucsock as a child process with stdin, stdout and stderr redirected.</summary>
    public static ChildCli Spawn(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return new ChildCli(Process.Start(psi)!);
    }
}

/// <summary>A ucsock child process.</summary>
public sealed class ChildCli : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _stdout = new();
    private readonly Task _stdoutCopy;

    public ChildCli(Process process)
    {
        _process = process;
        _stdoutCopy = process.StandardOutput.BaseStream.CopyToAsync(_stdout);
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) Stderr.Write(e.Data + "\n");
        };
        _process.BeginErrorReadLine();
    }

    public WatchedWriter Stderr { get; } = new();

    public Stream Stdin => _process.StandardInput.BaseStream;

    public string ListeningOn() => Stderr.WaitFor(@"listening on (\S+)\n", Cli.Timeout);

    /// <summary>Ends the child's stdin (a session waits for it once the peer has closed).</summary>
    public void CloseStdin() => _process.StandardInput.Close();

    public CliResult Finish(byte[]? input = null)
    {
        if (input is not null) Stdin.Write(input);
        _process.StandardInput.Close();
        if (!_process.WaitForExit(Cli.Timeout))
        {
            _process.Kill();
            Assert.Fail("ucsock did not exit: " + Stderr.Text);
        }
        _process.WaitForExit();
        _stdoutCopy.Wait(Cli.Timeout);
        return new CliResult(_process.ExitCode, _stdout.ToArray(), Stderr.Text);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
