using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>
/// Every C# block of README.md is a complete program: each goes, as it is, into the Program.cs of a project made by
/// <c>dotnet new console</c>, gets the package the way the README says (<c>dotnet add package</c>), plus the xml and
/// yaml blocks of its own README section (project-file lines and the YAML file they name); then it must build without
/// a warning and run, printing what its comments say.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ReadmeSnippetTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>What each section's program prints, line by line (patterns): the comments in the blocks say the same.</summary>
    private static readonly Dictionary<string, string[]> ExpectedOutput = new(StringComparer.Ordinal)
    {
        ["Quick start"] = [@"hello from 127\.0\.0\.1:\d+", "linger 5 s, ucode style 5 s", @"received 1 descriptor\(s\)"],
        ["Options of your own, in YAML"] = ["256"],
        ["Async"] = ["echoed ping"],
    };

    private readonly PackedLibrary _package;

    public ReadmeSnippetTests(PackedLibrary package) => _package = package;

    private static IEnumerable<string> CSharpSectionTitles() =>
        Readme.Sections().Where(s => s.Blocks.Any(b => b.Language == "csharp")).Select(s => s.Title);

    public static TheoryData<string> CSharpSections() => new(CSharpSectionTitles());

    [Fact]
    public void EverySectionWithCSharpHasItsOutputHere() =>
        Assert.Equal(ExpectedOutput.Keys.Order(StringComparer.Ordinal), CSharpSectionTitles().Order(StringComparer.Ordinal));

    [Fact]
    public void TheReadmesPackageVersionIsThePackagesVersion() => Assert.Equal(_package.Version, Readme.PackageVersion());

    [Theory]
    [MemberData(nameof(CSharpSections))]
    public void TheBlockBuildsAndRunsAsPastedIntoANewConsoleProject(string title)
    {
        var section = Readme.Sections().Single(s => s.Title == title);
        var program = Assert.Single(section.Blocks, b => b.Language == "csharp").Text;
        var dir = Path.Combine(_package.WorkDirectory, "readme-" + Regex.Replace(title, "[^A-Za-z]+", "-").Trim('-').ToLowerInvariant());
        Directory.CreateDirectory(dir);
        WriteEnvironment(dir);
        var project = Path.Combine(dir, "MyApp");

        Dotnet.Run(dir, Timeout, "new", "console", "-o", project, "-n", "MyApp");
        Dotnet.Run(project, Timeout, "add", "package", "UcSocket", "--version", Readme.PackageVersion());
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);

        // The section's project-file lines go inside <Project>; the YAML goes into the file they name.
        var csproj = Path.Combine(project, "MyApp.csproj");
        var xml = string.Concat(section.Blocks.Where(b => b.Language == "xml").Select(b => b.Text));
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</Project>", xml + "</Project>", StringComparison.Ordinal));
        var yaml = section.Blocks.Where(b => b.Language == "yaml").ToList();
        if (yaml.Count > 0)
        {
            var file = Assert.Single(Regex.Matches(xml, "<AdditionalFiles Include=\"([^\"]+)\"")).Groups[1].Value;
            File.WriteAllText(Path.Combine(project, file), Assert.Single(yaml).Text);
        }

        var build = Dotnet.Run(project, Timeout, "build", "-c", "Release", "--disable-build-servers", "-nologo");
        Assert.Matches(new Regex(@"^\s*0 Warning\(s\)", RegexOptions.Multiline), build.StdOut);

        var run = Dotnet.Run(project, Timeout, Path.Combine(project, "bin", "Release", "net10.0", "MyApp.dll"));
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = ExpectedOutput[title];
        Assert.True(lines.Length == expected.Length, $"expected {expected.Length} lines, got:\n{run.StdOut}");
        for (int i = 0; i < expected.Length; i++) Assert.Matches("^" + expected[i] + "$", lines[i]);
    }

    /// <summary>
    /// What the machine around the project gives (not the README's files): a nuget.config naming the local feed (with
    /// this machine's package folder as a fallback, since the test's network namespace reaches no feed), and no
    /// vulnerability audit, which would ask a feed.
    /// </summary>
    private void WriteEnvironment(string dir)
    {
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
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), """
            <Project>
              <PropertyGroup>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
            </Project>
            """);
    }

    /// <summary>README.md split into its "## " sections and their fenced blocks.</summary>
    private static class Readme
    {
        public sealed record Block(string Language, string Text);

        public sealed record Section(string Title, IReadOnlyList<Block> Blocks);

        private static string Text => File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

        public static IReadOnlyList<Section> Sections()
        {
            var sections = new List<Section>();
            string? title = null;
            var blocks = new List<Block>();
            string? language = null;
            var block = new List<string>();
            foreach (var line in Text.Split('\n'))
            {
                if (language is not null)
                {
                    if (line.StartsWith("```", StringComparison.Ordinal))
                    {
                        blocks.Add(new Block(language, string.Join("\n", block) + "\n"));
                        language = null;
                        block.Clear();
                    }
                    else block.Add(line);
                }
                else if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    language = line[3..].Trim();
                }
                else if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    if (title is not null) sections.Add(new Section(title, blocks));
                    title = line[3..].Trim();
                    blocks = [];
                }
            }
            if (title is not null) sections.Add(new Section(title, blocks));
            return sections;
        }

        /// <summary>The version the README's <c>dotnet add package</c> line asks for.</summary>
        public static string PackageVersion() =>
            Regex.Match(Text, @"dotnet add package UcSocket --version (\S+)").Groups[1].Value;
    }
}
