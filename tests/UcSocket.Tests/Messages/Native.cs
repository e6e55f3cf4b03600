using UcSocket.Marshalling;
using System;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using UcSocket.Native;
using Xunit;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Messages;

/// <summary>
/// Raw syscalls on descriptors for the message tests: bind/listen/accept/getsockname (done on FileNo() so that
/// the tests do not depend on the handle's own Bind/Connect), pipes, reads and writes. Descriptor accounting is
/// <see cref="Support.DescriptorAccounting"/>.
/// </summary>
internal static unsafe class Native
{
    public const int O_CLOEXEC = 0x80000, F_GETFD = 1, FD_CLOEXEC = 1, POLLIN = 1;

    public static void Bind(SocketHandle s, object address)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        Assert.True(Sockaddr.TryEncode(address, sa, out int len, out var error), error.Message);
        fixed (byte* p = sa)
            Assert.True(LibC.bind(s.FileNo(), (sockaddr*)p, len) == 0, $"bind: errno {LibC.errno}");
    }

    public static SocketAddress SockName(SocketHandle s)
    {
        Span<byte> sa = stackalloc byte[Sockaddr.StorageSize];
        socklen_t len = Sockaddr.StorageSize;
        fixed (byte* p = sa)
            Assert.True(LibC.getsockname(s.FileNo(), (sockaddr*)p, &len) == 0, $"getsockname: errno {LibC.errno}");
        var decoded = Sockaddr.Decode(sa[..(int)len]);
        Assert.NotNull(decoded);
        return decoded!;
    }

    public static void Listen(SocketHandle s) => Assert.True(LibC.listen(s.FileNo(), 8) == 0, $"listen: errno {LibC.errno}");

    /// <summary>Accepts one connection, waiting at most <paramref name="timeoutMs"/>.</summary>
    public static SocketHandle Accept(SocketHandle s, int timeoutMs)
    {
        Assert.True(WaitReadable(s.FileNo(), timeoutMs), "no connection arrived in time");
        int fd = LibC.accept4(s.FileNo(), null, null, O_CLOEXEC);
        Assert.True(fd >= 0, $"accept4: errno {LibC.errno}");
        return new SocketHandle(fd, -1, -1, false);
    }

    public static bool WaitReadable(int fd, int timeoutMs)
    {
        var pfd = new pollfd { fd = fd, events = POLLIN };
        return LibC.poll(&pfd, 1, timeoutMs) == 1;
    }

    /// <summary>A pipe, both ends close-on-exec and owned by SafeFileHandles.</summary>
    public static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Assert.True(LibC.pipe2(fds, O_CLOEXEC) == 0, $"pipe2: errno {LibC.errno}");
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    public static int Fd(System.Runtime.InteropServices.SafeHandle h) => (int)h.DangerousGetHandle();

    public static void Write(int fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
            Assert.Equal(bytes.Length, (int)(long)LibC.write(fd, p, bytes.Length));
    }

    /// <summary>Reads what is available (waiting at most 5 s for the first byte).</summary>
    public static string Read(int fd, int max = 256)
    {
        Assert.True(WaitReadable(fd, 5000), "nothing to read in time");
        var buffer = new byte[max];
        long n;
        fixed (byte* p = buffer)
            n = LibC.read(fd, p, buffer.Length);
        Assert.True(n >= 0, $"read: errno {LibC.errno}");
        return Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    /// <summary>Reads until end of file (waiting at most 5 s for each chunk).</summary>
    public static string ReadToEnd(int fd)
    {
        var sb = new StringBuilder();
        while (true)
        {
            var chunk = Read(fd);
            if (chunk.Length == 0) return sb.ToString();
            sb.Append(chunk);
        }
    }

    public static bool IsCloseOnExec(int fd)
    {
        int flags = LibC.fcntl(fd, F_GETFD);
        Assert.True(flags >= 0, $"fcntl(F_GETFD) on {fd}: errno {LibC.errno}");
        return (flags & FD_CLOEXEC) != 0;
    }
}
