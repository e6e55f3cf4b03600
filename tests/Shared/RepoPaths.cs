using System;
using System.IO;

namespace UcSocket.Testing;

/// <summary>Where the repository is, seen from a test assembly. Shared by the test projects.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root: the first directory above the test binaries that holds UcSocket.Gen.sln.</summary>
    public static string Root => s_root.Value;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "UcSocket.Gen.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"UcSocket.Gen.sln not found above {AppContext.BaseDirectory}");
    }
}
