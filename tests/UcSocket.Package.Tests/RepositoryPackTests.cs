using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>
/// Packing as a user or a publisher does: <c>dotnet pack</c> at the repository root, and a pack in a clone whose git
/// remote is set, which puts the repository's address and commit in the metadata, the README's links and the pdbs
/// (SourceLink). Both run in the package collection: packs of the same project must not overlap.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class RepositoryPackTests
{
    private const string Remote = "https://github.com/example/ucsocket.git";
    private const string Web = "https://github.com/example/ucsocket";
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);

    private readonly PackedLibrary _package;

    public RepositoryPackTests(PackedLibrary package) => _package = package;

    [Fact]
    public void PackAtTheRepositoryRootMakesTheLibraryPackageOnly()
    {
        // The solution at the root, from the build this test run made (a build of its own is what the README's
        // command adds); every other project says it is no package.
        var output = Path.Combine(_package.WorkDirectory, "root-pack");
        Dotnet.Run(RepoPaths.Root, PackTimeout, "pack", "--no-build", "-c", Dotnet.Configuration, "-o", output, "--disable-build-servers", "-nologo");
        Assert.Equal(new[] { $"UcSocket.{_package.Version}.nupkg", $"UcSocket.{_package.Version}.snupkg" },
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AClonesRemoteGivesTheRepositoryUrlSourceLinkAndReadmeLinks()
    {
        var clone = CopyOfTheRepository(Path.Combine(_package.WorkDirectory, "clone"));
        Git(clone, "init", "-q");
        Git(clone, "add", "-A");
        Git(clone, "-c", "user.name=UcSocket tests", "-c", "user.email=tests@localhost", "commit", "-q", "-m", "snapshot");
        Git(clone, "remote", "add", "origin", Remote);
        string commit = Git(clone, "rev-parse", "HEAD").Trim();

        var feed = Path.Combine(clone, "feed");
        // NuGetAudit would ask a feed about vulnerabilities: the test's network namespace has none.
        Dotnet.Run(clone, PackTimeout, "pack", Path.Combine("src", "UcSocket", "UcSocket.csproj"), "-c", "Release", "-o", feed,
            "-p:NuGetAudit=false", "--disable-build-servers", "-nologo");

        using var package = ZipFile.OpenRead(Directory.GetFiles(feed, "*.nupkg").Single());
        using var symbols = ZipFile.OpenRead(Directory.GetFiles(feed, "*.snupkg").Single());

        var nuspec = XDocument.Parse(PackageFiles.Text(package, "UcSocket.nuspec")).Root!;
        XNamespace ns = nuspec.Name.Namespace;
        var meta = nuspec.Element(ns + "metadata")!;
        var repository = meta.Element(ns + "repository")!;
        Assert.Equal(Remote, (string?)repository.Attribute("url"));
        Assert.Equal(commit, (string?)repository.Attribute("commit"));
        Assert.Equal(Web, meta.Element(ns + "projectUrl")?.Value);

        // Every link of the repository's README that was relative now points to its file at the packed commit.
        var repoReadme = File.ReadAllText(Path.Combine(clone, "README.md"));
        var readme = PackageFiles.Text(package, "README.md");
        Assert.Empty(PackageFiles.RelativeLinks(readme));
        var relative = PackageFiles.RelativeLinks(repoReadme);
        Assert.NotEmpty(relative);
        foreach (var target in relative)
        {
            Assert.Contains($"({Web}/blob/{commit}/{target})", readme);
            Assert.True(File.Exists(Path.Combine(clone, target)), $"the README links to {target}, which the repository does not have");
        }

        // SourceLink: every pdb sends a debugger to the sources of that commit.
        string sourceLink = $$$"""{"documents":{"/_/*":"https://raw.githubusercontent.com/example/ucsocket/{{{commit}}}/*"}}""";
        foreach (var (dll, pdb) in new[] { ("lib/net10.0/UcSocket.dll", "lib/net10.0/UcSocket.pdb"), ("analyzers/dotnet/cs/UcSocket.Generators.dll", "analyzers/dotnet/cs/UcSocket.Generators.pdb"),
                     ("analyzers/dotnet/cs/UcSocket.CodeFixes.dll", "analyzers/dotnet/cs/UcSocket.CodeFixes.pdb") })
        {
            var pdbBytes = PackageFiles.Bytes(symbols, pdb);
            Assert.Equal(sourceLink, PackageFiles.SourceLink(pdbBytes));
            var id = PackageFiles.AssertDeterministicWithoutBuildPaths(PackageFiles.Bytes(package, dll), clone, dll);
            Assert.Equal(id, PackageFiles.PdbId(pdbBytes));
            PackageFiles.AssertHasNoPath(pdbBytes, clone, pdb);
        }
    }

    /// <summary>The repository's files as this checkout has them (tracked and new, not ignored), without its history.</summary>
    private static string CopyOfTheRepository(string destination)
    {
        var files = Git(RepoPaths.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files)
        {
            var source = Path.Combine(RepoPaths.Root, file);
            if (!File.Exists(source)) continue; // deleted in the work tree
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        return destination;
    }

    private static string Git(string directory, params string[] args)
    {
        var result = ProcessRunner.Run("git", args, directory, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, $"git {string.Join(" ", args)} failed: {result.StdErr}");
        return result.StdOut;
    }
}
