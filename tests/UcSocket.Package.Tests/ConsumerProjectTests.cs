using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>
/// A throwaway console project that references the packed library and adds an option spec of its own
/// (<c>ConsumerApp/icmp.yaml</c>: ICMP_FILTER at SOL_RAW, a level the library's spec does not cover): it builds,
/// gets a typed descriptor and struct in its own assembly, and its option works typed and through the ucode-style
/// GetOpt/SetOpt on a raw ICMP socket (root, as the tests run in their network namespace). Restores come from the
/// local feed and from the packages this machine already has (the run is inside a network namespace).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerProjectTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    private readonly PackedLibrary _package;

    public ConsumerProjectTests(PackedLibrary package) => _package = package;

    [Fact]
    public void AProjectWithItsOwnYamlBuildsAndItsOptionsWorkOnARealSocket()
    {
        var dir = CreateProject("build");

        var build = Dotnet.Run(dir, BuildTimeout, "build", "-c", "Release", "--disable-build-servers", "-nologo", "-p:EmitCompilerGeneratedFiles=true");

        Assert.Matches(new Regex(@"^\s*0 Warning\(s\)", RegexOptions.Multiline), build.StdOut);
        // Only the project's own spec was generated: the library's spec came as reference files.
        var generated = Directory.GetFiles(Path.Combine(dir, "obj"), "*.g.cs", SearchOption.AllDirectories)
            .Where(p => p.Contains("UcSocket.Generators.SpecGenerator", StringComparison.Ordinal))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "SpecClasses.g.cs", "icmp.Constants.g.cs", "icmp.Options.g.cs", "icmp.Registration.g.cs", "icmp.Structs.g.cs" }, generated);

        var run = Dotnet.Run(dir, BuildTimeout, Path.Combine(dir, "bin", "Release", "net10.0", "ConsumerApp.dll"));
        AssertResults(run.StdOut);
    }

    [Fact]
    public void ThePackagesAnalyzerChecksTheProjectsUcodeStyleCalls()
    {
        // Program.cs with its analyzer check on: the bad-input calls lose their pragma and three more calls come in.
        // The library's options come from the spec the package hands over, ICMP_FILTER from the project's icmp.yaml.
        var dir = CreateProject("analyzer");
        var build = Dotnet.Try(dir, BuildTimeout, "build", "-c", "Release", "--disable-build-servers", "-nologo", "-p:UcSocketAnalyzerCheck=true");

        Assert.NotEqual(0, build.ExitCode);
        var source = File.ReadAllLines(Path.Combine(dir, "Program.cs"));
        int Line(string text) => Array.FindIndex(source, l => l.Contains(text, StringComparison.Ordinal)) + 1;
        var expected = new[]
        {
            ("UCS105", Line("[\"data\"] = \"all\""), "Field 'data' of struct icmp_filter takes __u32 (0 to 4294967295): the string \"all\" does not fit"),
            ("UCS105", Line("[\"data\"] = 1L << 32"), "Field 'data' of struct icmp_filter takes __u32 (0 to 4294967295): the value 4294967296 does not fit"),
            ("UCS104", Line("[\"mask\"] = 0"), "struct icmp_filter has no field 'mask' (fields: data)"),
            ("UCS101", Line("TCP_NODELAY, true"), "(SOL_SOCKET, TCP_NODELAY) is not a socket option the spec defines; TCP_NODELAY is an option of level IPPROTO_TCP, and (SOL_SOCKET, 1) is SO_DEBUG"),
            ("UCS102", Line("SO_TYPE, 1"), "SO_TYPE is read-only: SetOpt always fails at run time"),
            ("UCS103", Line("ICMP_FILTER, \"all\")"), "ICMP_FILTER takes struct icmp_filter (a dictionary of its fields, or IcmpFilter): the string \"all\" does not convert to it"),
        };
        var reported = Regex.Matches(build.StdOut, @"Program\.cs\((\d+),\d+\): (?:error|warning) (UCS\d+): (.*?) \[")
            .Select(m => (m.Groups[2].Value, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Value))
            .Distinct().OrderBy(d => d.Item2).ToArray();
        Assert.True(expected.OrderBy(d => d.Item2).SequenceEqual(reported), $"expected:\n{string.Join("\n", expected)}\nreported:\n{string.Join("\n", reported)}\n{build.StdOut}");
    }

    [Fact]
    public void ATrimmedPublishHasNoTrimWarningsAndStillWorks()
    {
        var dir = CreateProject("trimmed");
        var output = Path.Combine(dir, "publish");

        var publish = Dotnet.Run(dir, BuildTimeout, "publish", "-c", "Release", "-r", Dotnet.RuntimeIdentifier, "--self-contained",
            "-p:PublishTrimmed=true", "-p:TrimmerSingleWarn=false", "-o", output, "--disable-build-servers", "-nologo");

        // The trimmer's warnings are IL2xxx (and IL3xxx for AOT); publish prints no summary, so look for any warning.
        Assert.DoesNotMatch(new Regex(@"\bwarning\b", RegexOptions.IgnoreCase), publish.StdOut + publish.StdErr);
        Assert.Contains("Optimizing assemblies for size", publish.StdOut); // the trimmer did run
        var run = Dotnet.Exec(Path.Combine(output, "ConsumerApp"), dir);
        AssertResults(run.StdOut);
    }

    /// <summary>
    /// What ConsumerApp/Program.cs prints, checked against the kernel (raw(7), linux/icmp.h): the mask holds bit
    /// 1 &lt;&lt; type per ICMP type to drop (ICMP_ECHOREPLY 0, ICMP_ECHO 8). With both bits set an echo request to
    /// 127.0.0.1 brings nothing to the socket; with only ICMP_ECHO set the socket receives the reply to the second
    /// request and not the dropped reply to the first.
    /// </summary>
    private static void AssertResults(string stdout)
    {
        var results = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(": ", 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        var expected = new Dictionary<string, string>
        {
            // Found by (SOL_RAW, 1): registered when the project's assembly loaded.
            ["registered"] = "ICMP_FILTER",
            ["typed.set"] = "True",
            ["typed.get"] = "257",
            ["filtered.ping"] = "none",
            ["ucode.set"] = "True",
            ["ucode.get"] = "data=256",
            ["open.ping"] = "type=0 seq=2 id=ours",
            ["bad.set"] = "null",
            ["bad.error"] = "Unable to convert field data to integer (string \"all\"): Invalid argument",
            ["bad.code"] = "22",
            ["bad.range"] = "Value 4294967296 of field data is out of range [0, 4294967295]: Invalid argument",
            ["bad.key"] = "Unknown field 'mask' for struct icmp_filter (fields: data): Invalid argument",
            ["after.get"] = "256",
        };
        foreach (var (name, value) in expected)
        {
            Assert.True(results.TryGetValue(name, out var actual), $"the program printed no '{name}':\n{stdout}");
            Assert.True(value == actual, $"{name}: expected '{value}', got '{actual}'");
        }
    }

    /// <summary>A project directory with the sources of ConsumerApp/, a project file and a nuget.config for the local feed.</summary>
    private string CreateProject(string name)
    {
        var dir = Path.Combine(_package.WorkDirectory, name);
        Directory.CreateDirectory(dir);
        var sources = Path.Combine(RepoPaths.Root, "tests", "UcSocket.Package.Tests", "ConsumerApp");
        foreach (var file in new[] { "Program.cs", "icmp.yaml" })
            File.Copy(Path.Combine(sources, file), Path.Combine(dir, file));

        File.WriteAllText(Path.Combine(dir, "ConsumerApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <!-- The test runs in a network namespace without a network: no feed to ask for vulnerability data. -->
                <NuGetAudit>false</NuGetAudit>
                <!-- Set by the analyzer test: Program.cs then holds calls the package's analyzer must report. -->
                <DefineConstants Condition="'$(UcSocketAnalyzerCheck)' == 'true'">$(DefineConstants);UCSOCKET_ANALYZER_CHECK</DefineConstants>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="UcSocket" Version="{_package.Version}" />
                <AdditionalFiles Include="icmp.yaml" />
              </ItemGroup>
            </Project>
            """);
        // The local feed next to the machine's own sources. The packages come into a folder of this test run (no
        // stale UcSocket of the same version from the user's cache); what the feed already gave this machine is
        // found in the user's folder, which serves as a fallback, so nothing needs the network.
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(dir, "packages")}" />
              </config>
              <packageSources>
                <add key="ucsocket-local" value="{_package.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="user-packages" value="{Dotnet.NuGetPackageRoot}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        return dir;
    }
}
