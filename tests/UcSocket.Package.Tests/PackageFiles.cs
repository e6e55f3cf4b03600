using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>Reading what a package holds: entries, the debug directory of its dlls, SourceLink in its pdbs, README links.</summary>
internal static class PackageFiles
{
    /// <summary>The kind of custom debug information SourceLink writes into a portable pdb (Portable PDB format spec).</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>A Markdown link, image or not: [text](target).</summary>
    public static readonly Regex MarkdownLink = new(@"\[(?<text>[^\]]*)\]\((?<target>[^)\s]+)\)");

    public static string Text(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public static byte[] Bytes(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in the package");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Asserts that a dll was built deterministically with the build machine's paths mapped away: a Reproducible
    /// debug entry, a pdb path under <c>/_/</c>, and no trace of <paramref name="buildRoot"/> in its bytes.
    /// Returns the id its CodeView entry gives the matching pdb.
    /// </summary>
    public static Guid AssertDeterministicWithoutBuildPaths(byte[] dll, string buildRoot, string name)
    {
        using var pe = new PEReader(new MemoryStream(dll));
        var entries = pe.ReadDebugDirectory();
        Assert.True(entries.Any(e => e.Type == DebugDirectoryEntryType.Reproducible), $"{name} is not deterministic (no Reproducible debug entry)");
        var codeView = pe.ReadCodeViewDebugDirectoryData(entries.Single(e => e.Type == DebugDirectoryEntryType.CodeView));
        Assert.StartsWith("/_/", codeView.Path);
        AssertHasNoPath(dll, buildRoot, name);
        return codeView.Guid;
    }

    /// <summary>Asserts that <paramref name="bytes"/> hold <paramref name="path"/> neither as UTF-8 nor as UTF-16.</summary>
    public static void AssertHasNoPath(byte[] bytes, string path, string name)
    {
        path = path.TrimEnd('/');
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(path)) < 0, $"{name} holds the path {path}");
        Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(path)) < 0, $"{name} holds the path {path} (UTF-16)");
    }

    /// <summary>The id a portable pdb carries (the dll's CodeView entry names it).</summary>
    public static Guid PdbId(byte[] pdb)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        return new BlobContentId(provider.GetMetadataReader().DebugMetadataHeader!.Id).Guid;
    }

    /// <summary>The SourceLink JSON of a portable pdb, or null when it has none.</summary>
    public static string? SourceLink(byte[] pdb)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        var md = provider.GetMetadataReader();
        foreach (var handle in md.GetCustomDebugInformation(EntityHandle.ModuleDefinition))
        {
            var info = md.GetCustomDebugInformation(handle);
            if (md.GetGuid(info.Kind) == SourceLinkKind) return Encoding.UTF8.GetString(md.GetBlobBytes(info.Value));
        }
        return null;
    }

    /// <summary>Link targets that only work inside the repository: neither a URL nor an anchor of the same page.</summary>
    public static string[] RelativeLinks(string markdown) =>
        MarkdownLink.Matches(markdown).Select(m => m.Groups["target"].Value)
            .Where(t => !t.StartsWith("https://", StringComparison.Ordinal) && !t.StartsWith("http://", StringComparison.Ordinal) && !t.StartsWith('#'))
            .ToArray();

    /// <summary>The text with every link reduced to its text: what a reader sees whatever the targets.</summary>
    public static string WithoutLinkTargets(string markdown) => MarkdownLink.Replace(markdown, m => m.Groups["text"].Value);
}
