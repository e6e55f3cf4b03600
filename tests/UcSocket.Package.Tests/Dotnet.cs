using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>Runs the dotnet CLI for the package tests: no build servers left behind, no telemetry, no MSBuild state of the test run.</summary>
internal static class Dotnet
{
    /// <summary>The configuration this test assembly (and so the library next to it) was built in.</summary>
    public static string Configuration => Metadata("Configuration");

    /// <summary>The user's NuGet package folder as of the build: where the feed's packages already are.</summary>
    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>The SDK's runtime identifier (linux-x64, linux-arm64).</summary>
    public static string RuntimeIdentifier => Metadata("RuntimeIdentifier");

    private static string Host => System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Runs <c>dotnet</c> and fails the test, with its output, unless it exits with 0.</summary>
    public static ProcessRunner.Result Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var result = ProcessRunner.Run(Host, args, workingDirectory, timeout, ChildEnvironment());
        Assert.True(result.ExitCode == 0,
            $"dotnet {string.Join(" ", args)} exited with {result.ExitCode} in {workingDirectory}:\n{result.StdOut}\n{result.StdErr}");
        return result;
    }

    /// <summary>Runs <c>dotnet</c> and returns what it did, whatever its exit code.</summary>
    public static ProcessRunner.Result Try(string workingDirectory, TimeSpan timeout, params string[] args) =>
        ProcessRunner.Run(Host, args, workingDirectory, timeout, ChildEnvironment());

    /// <summary>Runs a program built by the tests and fails the test unless it exits with 0.</summary>
    public static ProcessRunner.Result Exec(string program, string workingDirectory, params string[] args)
    {
        var result = ProcessRunner.Run(program, args, workingDirectory, TimeSpan.FromSeconds(60), ChildEnvironment());
        Assert.True(result.ExitCode == 0, $"{program} exited with {result.ExitCode}:\n{result.StdOut}\n{result.StdErr}");
        return result;
    }

    private static Dictionary<string, string?> ChildEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["MSBUILDDISABLENODEREUSE"] = "1",
        };
        // What the test run's own MSBuild left in the environment would steer the child builds.
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            if (e.Key is string key && key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) && !env.ContainsKey(key))
                env[key] = null;
        return env;
    }

    private static string Metadata(string key) =>
        typeof(Dotnet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing");
}
