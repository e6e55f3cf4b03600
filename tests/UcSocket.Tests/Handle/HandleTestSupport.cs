using System;
using System.IO;
using Xunit;

namespace UcSocket.Tests.Handle;

internal static class Expect
{
    /// <summary>
    /// Asserts that the last call on this thread failed with <paramref name="context"/> and <paramref name="code"/>:
    /// both the handle's and the module's error accessors agree, as text and as number.
    /// </summary>
    public static void Error(SocketHandle handle, string context, int code)
    {
        string expected = context + ": " + Errno.Text(code);
        Assert.Equal(expected, handle.Error());
        Assert.Equal(expected, handle.Error(false));
        Assert.Equal(code, handle.Error(true));
        Assert.Equal(expected, Sockets.Error());
        Assert.Equal(code, Sockets.Error(true));
    }

    /// <summary>Asserts that the last call on this thread succeeded (the record is cleared).</summary>
    public static void NoError(SocketHandle handle)
    {
        Assert.Null(handle.Error());
        Assert.Null(handle.Error(true));
        Assert.Null(Sockets.Error());
    }
}

/// <summary>Socket tests that open packet sockets refuse to run outside a private network namespace.</summary>
internal static class Namespace
{
    public static void RequirePrivateNetworkNamespace()
    {
        string self = new FileInfo("/proc/self/ns/net").LinkTarget ?? "";
        string init = "";
        try
        {
            init = new FileInfo("/proc/1/ns/net").LinkTarget ?? "";
        }
        catch (UnauthorizedAccessException)
        {
        }
        Assert.False(self.Length == 0 || self == init,
            "This test opens packet sockets: run it inside a private network namespace (tools/run-tests.sh, or unshare -n).");
    }
}

/// <summary>A temporary directory removed with its content.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("ucsock-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
