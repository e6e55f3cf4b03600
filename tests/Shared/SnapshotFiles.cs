using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using DiffPlex.Renderer;
using Xunit;

namespace UcSocket.Testing;

/// <summary>
/// Compares texts with checked-in snapshot files, named as Verify names them (<c>*.verified.*</c>). A mismatch
/// writes <c>*.received.*</c> beside the verified file and fails with a unified diff; a verified file the test no
/// longer produces fails as stale. With <c>UPDATE_SNAPSHOTS=1</c> the verified files are rewritten (and stale
/// ones deleted) instead. Line endings do not matter. Shared by the test projects: the generator tests compare
/// generated sources with it, the package tests the library's public API.
/// </summary>
internal static class SnapshotFiles
{
    public const string UpdateVariable = "UPDATE_SNAPSHOTS";

    /// <summary>True when the run should accept the output as the new snapshots.</summary>
    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>Compares one text with <c>{directory}/{name}.verified.{extension}</c>.</summary>
    public static void VerifyText(string text, string name, string directory, string extension = "txt", bool? update = null)
    {
        var file = $"{name}.verified.{extension}";
        Verify(new SortedDictionary<string, string>(StringComparer.Ordinal) { [file] = text }, directory, update ?? Updating,
            verifiedName => verifiedName == file);
    }

    /// <summary>
    /// Compares each text of <paramref name="actual"/> (keyed by its verified file name) with that file in
    /// <paramref name="directory"/>. <paramref name="owns"/> tells which verified file names belong to this
    /// comparison, so that one the test no longer produces is found stale.
    /// </summary>
    public static void Verify(IReadOnlyDictionary<string, string> actual, string directory, bool update, Func<string, bool> owns)
    {
        var failures = new List<string>();
        Directory.CreateDirectory(directory);
        foreach (var (name, produced) in actual)
        {
            var text = Normalize(produced);
            var verifiedPath = Path.Combine(directory, name);
            var receivedPath = Received(verifiedPath);
            var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (verified == text)
            {
                File.Delete(receivedPath);
                continue;
            }
            if (update)
            {
                Write(verifiedPath, text);
                File.Delete(receivedPath);
                continue;
            }
            Write(receivedPath, text);
            failures.Add(verified is null
                ? $"{name}: no verified snapshot; the output is in {Path.GetFileName(receivedPath)}"
                : $"{name} differs from the output (written to {Path.GetFileName(receivedPath)}):\n" +
                  UnidiffRenderer.GenerateUnidiff(verified, text, "verified/" + name, "received/" + name, false, false, 3));
        }

        foreach (var path in Directory.GetFiles(directory))
        {
            var name = Path.GetFileName(path);
            bool received = name.Contains(".received.", StringComparison.Ordinal);
            var verifiedName = received ? name.Replace(".received.", ".verified.", StringComparison.Ordinal) : name;
            if (!verifiedName.Contains(".verified.", StringComparison.Ordinal) || !owns(verifiedName) || actual.ContainsKey(verifiedName)) continue;
            if (received || update)
                File.Delete(path);
            else
                failures.Add($"{name}: stale snapshot, the test no longer produces it (delete it, or run with {UpdateVariable}=1)");
        }

        if (failures.Count > 0)
            Assert.Fail($"{failures.Count} snapshot problem(s) in {directory}; review, then accept with {UpdateVariable}=1:\n\n" + string.Join("\n\n", failures));
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string Received(string verifiedPath)
    {
        var name = Path.GetFileName(verifiedPath);
        int at = name.LastIndexOf(".verified.", StringComparison.Ordinal);
        return Path.Combine(Path.GetDirectoryName(verifiedPath)!, name[..at] + ".received." + name[(at + ".verified.".Length)..]);
    }

    private static void Write(string path, string text) => File.WriteAllText(path, text, new UTF8Encoding(false));
}
