using System;
using System.IO;
using System.Linq;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>The tests that need the packed library share one pack and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackedLibrary>
{
    public const string Name = "Package";
}

/// <summary>
/// The library packed with <c>dotnet pack --no-build</c> (the build this test run already made) into a
/// temporary folder that serves as a local feed. Deleted with everything else the tests created there.
/// </summary>
public sealed class PackedLibrary : IDisposable
{
    public PackedLibrary()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("ucsocket-package-").FullName;
        Feed = Path.Combine(WorkDirectory, "feed");
        var project = Path.Combine(RepoPaths.Root, "src", "UcSocket", "UcSocket.csproj");
        Dotnet.Run(RepoPaths.Root, TimeSpan.FromMinutes(3),
            "pack", project, "--no-build", "-c", Dotnet.Configuration, "-o", Feed, "--disable-build-servers", "-v", "quiet", "-nologo");

        Package = Directory.GetFiles(Feed, "UcSocket.*.nupkg").Single();
        var name = Path.GetFileNameWithoutExtension(Package);
        Version = name["UcSocket.".Length..];
        Symbols = Path.Combine(Feed, name + ".snupkg");
    }

    /// <summary>A temporary directory of the test run; the feed and the throwaway projects live under it.</summary>
    public string WorkDirectory { get; }

    /// <summary>The folder that holds the packages.</summary>
    public string Feed { get; }

    /// <summary>UcSocket.&lt;version&gt;.nupkg.</summary>
    public string Package { get; }

    /// <summary>UcSocket.&lt;version&gt;.snupkg (may be missing: a test checks it).</summary>
    public string Symbols { get; }

    public string Version { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
