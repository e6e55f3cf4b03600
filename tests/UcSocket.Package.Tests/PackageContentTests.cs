using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using UcSocket.Testing;
using Xunit;

namespace UcSocket.Package.Tests;

/// <summary>What the package holds: the library with its docs, the generator and YamlDotNet as analyzers, the spec, the props, metadata.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageContentTests
{
    private readonly PackedLibrary _package;

    public PackageContentTests(PackedLibrary package) => _package = package;

    [Fact]
    public void TheLibraryTheAnalyzersTheReadmeAndThePropsAreInside()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        foreach (var path in new[]
                 {
                     "lib/net10.0/UcSocket.dll", "lib/net10.0/UcSocket.xml",
                     "analyzers/dotnet/cs/UcSocket.Generators.dll", "analyzers/dotnet/cs/YamlDotNet.dll", "analyzers/dotnet/cs/UcSocket.CodeFixes.dll",
                     "README.md", "THIRD-PARTY-NOTICES.txt", "build/UcSocket.props", "buildTransitive/UcSocket.props",
                 })
            Assert.Contains(path, entries);
        // Nothing else rides along as analyzers or library assemblies, and no pdb: those are in the symbols package.
        Assert.Equal(new[] { "analyzers/dotnet/cs/UcSocket.CodeFixes.dll", "analyzers/dotnet/cs/UcSocket.Generators.dll", "analyzers/dotnet/cs/YamlDotNet.dll", "lib/net10.0/UcSocket.dll", "lib/net10.0/UcSocket.xml" },
            entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) || e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal));
    }

    [Fact]
    public void TheReadmeHasNoLinkThatOnlyWorksInsideTheRepository()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var repoReadme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var packed = Read(zip, "README.md");

        Assert.NotEmpty(PackageFiles.RelativeLinks(repoReadme)); // the check below has something to check
        Assert.Empty(PackageFiles.RelativeLinks(packed));
        // This clone has no remote, so relative links were reduced to their text; nothing else changed.
        Assert.Equal(PackageFiles.WithoutLinkTargets(repoReadme).TrimEnd(), PackageFiles.WithoutLinkTargets(packed).TrimEnd());
        Assert.Contains("[ucode](https://github.com/jow-/ucode)", packed);
    }

    [Fact]
    public void TheThirdPartyNoticesCarryYamlDotNetsLicence()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var notices = Read(zip, "THIRD-PARTY-NOTICES.txt");
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "THIRD-PARTY-NOTICES.txt")), notices);

        // The version the library ships (its PackageReference) is the one the notice names.
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "UcSocket", "UcSocket.csproj"));
        var version = project.Descendants("PackageReference").Single(e => (string?)e.Attribute("Include") == "YamlDotNet").Attribute("Version")!.Value;
        Assert.Contains($"YamlDotNet {version} ", notices);
        // YamlDotNet's LICENSE.txt: its copyright line and the MIT terms.
        Assert.Contains("Antoine Aubry and contributors", notices);
        Assert.Contains("Permission is hereby granted, free of charge, to any person obtaining a copy", notices);
        Assert.Contains("The above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.", notices);
    }

    [Fact]
    public void TheShippedAssembliesAreDeterministicAndHoldNoPathOfThisMachine()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        foreach (var dll in new[] { "lib/net10.0/UcSocket.dll", "analyzers/dotnet/cs/UcSocket.Generators.dll", "analyzers/dotnet/cs/UcSocket.CodeFixes.dll" })
            PackageFiles.AssertDeterministicWithoutBuildPaths(Bytes(zip, dll), RepoPaths.Root, dll);
    }

    [Fact]
    public void TheSpecIsShippedAsReferenceFilesByTheProps()
    {
        using var zip = ZipFile.OpenRead(_package.Package);

        var specDir = Path.Combine(RepoPaths.Root, "spec");
        var repoSpec = Directory.GetFiles(specDir, "*.yaml", SearchOption.AllDirectories)
            .Select(p => "buildTransitive/spec/" + Path.GetRelativePath(specDir, p).Replace('\\', '/')).Order(StringComparer.Ordinal);
        var packed = zip.Entries.Select(e => e.FullName).Where(e => e.StartsWith("buildTransitive/spec/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(repoSpec, packed);
        foreach (var entry in packed)
            Assert.Equal(File.ReadAllText(Path.Combine(specDir, entry["buildTransitive/spec/".Length..])), Read(zip, entry));

        // Both props are the same file; the one under build/ finds the spec under buildTransitive/.
        var props = Read(zip, "buildTransitive/UcSocket.props");
        Assert.Equal(props, Read(zip, "build/UcSocket.props"));
        var xml = XDocument.Parse(props);
        var spec = Assert.Single(xml.Descendants("AdditionalFiles"));
        Assert.Equal("$(_UcSocketSpecDirectory)**/*.yaml", (string?)spec.Attribute("Include"));
        Assert.Equal("true", (string?)spec.Attribute("UcSocketSpecReference"));
        Assert.Equal("$(MSBuildThisFileDirectory)../buildTransitive/spec/", xml.Descendants("_UcSocketSpecDirectory").Single().Value);
        var metadata = Assert.Single(xml.Descendants("CompilerVisibleItemMetadata"));
        Assert.Equal(("AdditionalFiles", "UcSocketSpecReference"), ((string?)metadata.Attribute("Include"), (string?)metadata.Attribute("MetadataName")));
        Assert.Equal(new[] { "RootNamespace", "UcSocketSpecNamespace" },
            xml.Descendants("CompilerVisibleProperty").Select(e => (string?)e.Attribute("Include")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheNuspecHasTheMetadataAndDependsOnTmdsLibCOnly()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var nuspec = XDocument.Parse(Read(zip, "UcSocket.nuspec")).Root!;
        XNamespace ns = nuspec.Name.Namespace;
        var meta = nuspec.Element(ns + "metadata")!;

        Assert.Equal("UcSocket", meta.Element(ns + "id")!.Value);
        Assert.Equal(_package.Version, meta.Element(ns + "version")!.Value);
        Assert.Equal("README.md", meta.Element(ns + "readme")!.Value);
        var license = meta.Element(ns + "license")!;
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.False(string.IsNullOrWhiteSpace(meta.Element(ns + "description")?.Value));
        var repository = meta.Element(ns + "repository")!;
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");

        var dependencies = meta.Descendants(ns + "dependency").Select(d => (string?)d.Attribute("id")).ToList();
        Assert.Equal(new[] { "Tmds.LibC" }, dependencies);
        var group = Assert.Single(meta.Descendants(ns + "group"));
        Assert.Equal("net10.0", (string?)group.Attribute("targetFramework"));
    }

    [Fact]
    public void TheSymbolPackageHoldsTheGeneratorsAndTheCodeFixsPdbsBesideWhereTheirDllsAre()
    {
        Assert.True(File.Exists(_package.Symbols), $"no symbol package {Path.GetFileName(_package.Symbols)} in {_package.Feed}");
        using var symbols = ZipFile.OpenRead(_package.Symbols);
        using var package = ZipFile.OpenRead(_package.Package);
        Assert.Equal(new[] { "analyzers/dotnet/cs/UcSocket.CodeFixes.pdb", "analyzers/dotnet/cs/UcSocket.Generators.pdb", "lib/net10.0/UcSocket.pdb" },
            symbols.Entries.Select(e => e.FullName).Where(e => e.EndsWith(".pdb", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var name in new[] { "UcSocket.Generators", "UcSocket.CodeFixes" })
        {
            var pdb = Bytes(symbols, $"analyzers/dotnet/cs/{name}.pdb");
            var id = PackageFiles.AssertDeterministicWithoutBuildPaths(Bytes(package, $"analyzers/dotnet/cs/{name}.dll"), RepoPaths.Root, name);
            Assert.Equal(id, PackageFiles.PdbId(pdb));
            PackageFiles.AssertHasNoPath(pdb, RepoPaths.Root, $"the pdb of {name}");
        }
    }

    [Fact]
    public void TheSymbolPackageHoldsThePdb()
    {
        Assert.True(File.Exists(_package.Symbols), $"no symbol package {Path.GetFileName(_package.Symbols)} in {_package.Feed}");
        using var zip = ZipFile.OpenRead(_package.Symbols);
        var pdb = zip.GetEntry("lib/net10.0/UcSocket.pdb");
        Assert.NotNull(pdb);

        // The pdb belongs to the packaged dll: the dll's CodeView entry names the pdb's id.
        using var package = ZipFile.OpenRead(_package.Package);
        using var dll = new PEReader(new MemoryStream(Bytes(package, "lib/net10.0/UcSocket.dll")));
        var codeView = dll.ReadCodeViewDebugDirectoryData(dll.ReadDebugDirectory().Single(e => e.Type == DebugDirectoryEntryType.CodeView));
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(Bytes(zip, "lib/net10.0/UcSocket.pdb")));
        var id = new BlobContentId(pdbProvider.GetMetadataReader().DebugMetadataHeader!.Id);
        Assert.Equal(codeView.Guid, id.Guid);
    }

    [Fact]
    public void TheLibraryIsDeterministicAndNullableAnnotated()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        using var pe = new PEReader(new MemoryStream(Bytes(zip, "lib/net10.0/UcSocket.dll")));

        // A deterministic compilation marks itself with a Reproducible debug directory entry.
        Assert.Contains(pe.ReadDebugDirectory(), e => e.Type == DebugDirectoryEntryType.Reproducible);
        // Nullable annotations: the compiler marks annotated code with NullableContext and Nullable attributes.
        var md = pe.GetMetadataReader();
        var applied = md.CustomAttributes.Select(h => AttributeName(md, md.GetCustomAttribute(h))).ToList();
        Assert.Contains("System.Runtime.CompilerServices.NullableContextAttribute", applied);
        Assert.Contains("System.Runtime.CompilerServices.NullableAttribute", applied);
        // ... and they say what the source says.
        var context = new NullabilityInfoContext();
        Assert.Equal(NullabilityState.Nullable, context.Create(typeof(SocketHandle).GetMethod(nameof(SocketHandle.Error), Type.EmptyTypes)!.ReturnParameter).ReadState);
        Assert.Equal(NullabilityState.NotNull, context.Create(typeof(SocketOption).GetProperty(nameof(SocketOption.Name))!).ReadState);
    }

    [Fact]
    public void EveryPublicMemberIsDocumentedInThePackagedXml()
    {
        using var zip = ZipFile.OpenRead(_package.Package);
        var documented = XDocument.Parse(Read(zip, "lib/net10.0/UcSocket.xml")).Descendants("member")
            .Select(m => (string?)m.Attribute("name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        // The packaged dll, loaded apart from the one this test runs against.
        var context = new System.Runtime.Loader.AssemblyLoadContext("packaged", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(Bytes(zip, "lib/net10.0/UcSocket.dll")));
            var ids = DocumentationIds.Of(assembly).ToList();
            Assert.Contains("T:UcSocket.SocketHandle", ids);
            Assert.Contains("M:UcSocket.SocketHandle.SetOpt(System.Int32,System.Int32,System.Object)", ids);
            Assert.Contains("F:UcSocket.Sockets.SO_LINGER", ids);
            Assert.Contains("P:UcSocket.Linger.OnOff", ids);

            var missing = ids.Where(id => !documented.Contains(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} public members have no documentation:\n" + string.Join("\n", missing));
        }
        finally
        {
            context.Unload();
        }
    }

    private static string AttributeName(MetadataReader md, CustomAttribute attribute)
    {
        EntityHandle type = attribute.Constructor.Kind == HandleKind.MemberReference
            ? md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
            : md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        return type.Kind switch
        {
            HandleKind.TypeReference => md.GetString(md.GetTypeReference((TypeReferenceHandle)type).Namespace) + "." + md.GetString(md.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)type).Namespace) + "." + md.GetString(md.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => "",
        };
    }

    private static string Read(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static byte[] Bytes(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in the package");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
