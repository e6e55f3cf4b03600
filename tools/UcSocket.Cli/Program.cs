using System;
using System.IO;
using System.Reflection;

namespace UcSocket.Cli;

/// <summary>
/// ucsock: a netcat-like command-line tool on the UcSocket library. <see cref="Run(string[], Stream, Stream, TextWriter)"/>
/// is the whole program with its standard streams passed in, so it can also run inside another process.
/// </summary>
public static class Program
{
    /// <summary>The process entry point: runs <see cref="Run(string[], Stream, Stream, TextWriter)"/> on the console streams.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The exit code: 0 success, 1 failure, 2 usage error, 3 timeout.</returns>
    public static int Main(string[] args)
    {
        Cleanup.InstallSignalHandlers();
        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        return Run(args, stdin, stdout, Console.Error, waitForStdin: Console.IsInputRedirected);
    }

    /// <summary>Runs ucsock with the given arguments and standard streams.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdin">Data to send (connect and listen).</param>
    /// <param name="stdout">Data received, JSON reports, the demo's transcript.</param>
    /// <param name="stderr">Messages: errors, "listening on ADDRESS", -v reports.</param>
    /// <returns>The exit code: 0 success, 1 failure, 2 usage error, 3 timeout.</returns>
    public static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr) =>
        Run(args, stdin, stdout, stderr, waitForStdin: true);

    /// <summary>Runs ucsock with no standard input.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <param name="stdout">Data received, JSON reports, the demo's transcript.</param>
    /// <param name="stderr">Messages.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, Stream stdout, TextWriter stderr) => Run(args, Stream.Null, stdout, stderr);

    private static int Run(string[] args, Stream stdin, Stream stdout, TextWriter stderr, bool waitForStdin)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var settings = CommandLine.Parse(args);
            settings.WaitForStdin = waitForStdin;
            switch (settings.Command)
            {
                case Command.Help:
                    Write(stdout, CommandLine.Usage);
                    return ExitCodes.Ok;
                case Command.Version:
                    Write(stdout, "ucsock " + Version + "\n");
                    return ExitCodes.Ok;
                case Command.Options:
                    Write(stdout, OptionValues.Describe());
                    return ExitCodes.Ok;
                case Command.Demo:
                    return Demo.Run(stdout, stderr);
                case Command.Socket:
                    return new Session(settings, stdin, stdout, stderr).RunSocket();
                case Command.Connect:
                    return new Session(settings, stdin, stdout, stderr).RunConnect();
                case Command.Listen:
                    return new Session(settings, stdin, stdout, stderr).RunListen();
                default:
                    throw new UsageException("unknown command");
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine("ucsock: " + e.Message);
            stderr.WriteLine("Try 'ucsock --help' for more information.");
            return ExitCodes.Usage;
        }
        catch (CliException e)
        {
            stderr.WriteLine("ucsock: " + e.Message);
            return e.ExitCode;
        }
        catch (IOException e)
        {
            stderr.WriteLine("ucsock: " + e.Message);
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"ucsock: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    private static void Write(Stream stdout, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        stdout.Write(bytes);
        stdout.Flush();
    }
}
