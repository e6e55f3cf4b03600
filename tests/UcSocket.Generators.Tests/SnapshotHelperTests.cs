using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Sdk;

namespace UcSocket.Generators.Tests;

/// <summary>The snapshot helper itself, in a scratch directory: it must fail on every kind of difference.</summary>
public sealed class SnapshotHelperTests : IDisposable
{
    private const string Prefix = "Helper.Case";
    private const string Spec = "constants:\n  AF:\n    AF_ONE: 1\n";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ucsocket-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static GeneratorDriverRunResult RunSpec(string yaml) => GeneratorHarness.Run("one.yaml", yaml);

    private string Verified => Path.Combine(_dir, Prefix + "#one.Constants.g.verified.cs");

    private string Received => Path.Combine(_dir, Prefix + "#one.Constants.g.received.cs");

    [Fact]
    public void UpdateWritesVerifiedFilesNamedAfterTheHintName()
    {
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);

        Assert.Equal(new[] { Path.GetFileName(Verified) }, Directory.GetFiles(_dir).Select(Path.GetFileName));
        Assert.Contains("public const int AF_ONE = 1;", File.ReadAllText(Verified));
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false);
    }

    [Fact]
    public void AMismatchWritesTheReceivedFileAndFailsWithAUnifiedDiff()
    {
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);

        var ex = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(RunSpec(Spec.Replace(": 1", ": 2")), Prefix, _dir, update: false));

        Assert.Contains("--- verified/" + Path.GetFileName(Verified), ex.Message);
        Assert.Contains("+++ received/" + Path.GetFileName(Verified), ex.Message);
        Assert.Contains("\n-    public const int AF_ONE = 1;", ex.Message);
        Assert.Contains("\n+    public const int AF_ONE = 2;", ex.Message);
        Assert.Contains("public const int AF_ONE = 2;", File.ReadAllText(Received));
        Assert.Contains("public const int AF_ONE = 1;", File.ReadAllText(Verified));

        // Once the output matches again the received file goes away.
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false);
        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void AMissingVerifiedFileFails()
    {
        var ex = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false));
        Assert.Contains("no verified snapshot", ex.Message);
        Assert.True(File.Exists(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void LineEndingsDoNotMatter()
    {
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);
        File.WriteAllText(Verified, File.ReadAllText(Verified).Replace("\n", "\r\n"));

        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false);
    }

    [Fact]
    public void AStaleVerifiedFileFailsAndUpdateDeletesIt()
    {
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);
        var stale = Path.Combine(_dir, Prefix + "#gone.Options.g.verified.cs");
        var otherTest = Path.Combine(_dir, Prefix + "Other#gone.Options.g.verified.cs");
        File.WriteAllText(stale, "// old\n");
        File.WriteAllText(otherTest, "// another test's snapshot\n");

        var ex = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false));
        Assert.Contains(Path.GetFileName(stale) + ": stale snapshot", ex.Message);
        Assert.DoesNotContain(Path.GetFileName(otherTest), ex.Message);

        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(otherTest));
    }

    [Fact]
    public void DiagnosticsGoToTheirOwnFileWithFileLineAndColumn()
    {
        Snapshot.Verify(RunSpec("constants:\n  AF:\n    AF_ONE: one\n"), Prefix, _dir, update: true);

        var text = File.ReadAllText(Path.Combine(_dir, Prefix + ".diagnostics.verified.txt"));
        Assert.Equal("UCS006 Error one.yaml(3,13): constant AF_ONE: the value is an integer: decimal, 0x hex or negative, within 64 bits\n", text);

        // Once the spec is fixed, the diagnostics file is stale.
        var ex = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: false));
        Assert.Contains(Prefix + ".diagnostics.verified.txt: stale snapshot", ex.Message);
        Snapshot.Verify(RunSpec(Spec), Prefix, _dir, update: true);
        Assert.False(File.Exists(Path.Combine(_dir, Prefix + ".diagnostics.verified.txt")));
    }

    [Fact]
    public void AGeneratorExceptionFailsEvenWhenUpdating()
    {
        var run = CSharpGeneratorDriver.Create(new ThrowingGenerator())
            .RunGenerators(GeneratorHarness.EmptyCompilation()).GetRunResult();

        var ex = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(run, Prefix, _dir, update: true));
        Assert.Contains("the generator threw", ex.Message);
        Assert.Contains("boom", ex.Message);
        Assert.False(Directory.Exists(_dir) && Directory.EnumerateFiles(_dir).Any());
    }

    private sealed class ThrowingGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterPostInitializationOutput(_ => throw new InvalidOperationException("boom"));
    }
}
