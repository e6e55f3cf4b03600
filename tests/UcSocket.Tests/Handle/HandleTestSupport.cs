using System;
using System.IO;
using Xunit;

namespace UcSocket.Tests.Handle;

/// <summary>
/// errno values as defined by the kernel's asm-generic/errno-base.h and asm-generic/errno.h (x86_64 and arm64
/// share them), with glibc's strerror texts. <see cref="ErrnoTableTests"/> checks this table against the
/// machine's own headers and libc.
/// </summary>
internal static class Errno
{
    public const int ENOENT = 2;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int ERANGE = 34;
    public const int ENOTSOCK = 88;
    public const int EDESTADDRREQ = 89;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int EISCONN = 106;
    public const int ENOTCONN = 107;
    public const int ECONNRESET = 104;
    public const int ECONNREFUSED = 111;
    public const int EINPROGRESS = 115;
    public const int ECANCELED = 125;

    public static readonly (string Name, int Value, string Text)[] Table =
    {
        ("ENOENT", ENOENT, "No such file or directory"),
        ("EBADF", EBADF, "Bad file descriptor"),
        ("EAGAIN", EAGAIN, "Resource temporarily unavailable"),
        ("ENOMEM", ENOMEM, "Cannot allocate memory"),
        ("ENODEV", ENODEV, "No such device"),
        ("EINVAL", EINVAL, "Invalid argument"),
        ("EPIPE", EPIPE, "Broken pipe"),
        ("ERANGE", ERANGE, "Numerical result out of range"),
        ("ENOTSOCK", ENOTSOCK, "Socket operation on non-socket"),
        ("EDESTADDRREQ", EDESTADDRREQ, "Destination address required"),
        ("EOPNOTSUPP", EOPNOTSUPP, "Operation not supported"),
        ("EAFNOSUPPORT", EAFNOSUPPORT, "Address family not supported by protocol"),
        ("EADDRINUSE", EADDRINUSE, "Address already in use"),
        ("EADDRNOTAVAIL", EADDRNOTAVAIL, "Cannot assign requested address"),
        ("EISCONN", EISCONN, "Transport endpoint is already connected"),
        ("ENOTCONN", ENOTCONN, "Transport endpoint is not connected"),
        ("ECONNRESET", ECONNRESET, "Connection reset by peer"),
        ("ECONNREFUSED", ECONNREFUSED, "Connection refused"),
        ("EINPROGRESS", EINPROGRESS, "Operation now in progress"),
        ("ECANCELED", ECANCELED, "Operation canceled"),
    };

    public static string Text(int code)
    {
        foreach (var (_, value, text) in Table)
            if (value == code) return text;
        throw new ArgumentOutOfRangeException(nameof(code));
    }
}

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
