using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Linq;
using Tmds.Linux;
using Xunit;
using static UcSocket.Sockets;
using static UcSocket.Tests.Errno;

namespace UcSocket.Tests.Options;

/// <summary>
/// Raw syscalls for the option tests: setsockopt/getsockopt straight through Tmds.LibC, sockaddr_in built by
/// hand, and facts about the loopback interface read from /proc (per network namespace).
/// </summary>
internal static unsafe class Raw
{
    // fcntl commands from asm-generic/fcntl.h and linux/fcntl.h.
    public const int F_GETFD = 1;
    public const int F_DUPFD_CLOEXEC = 1030;

    /// <summary>Encodes <paramref name="value"/> through the option's generated set codec.</summary>
    public static byte[] Encode<T>(IWritableOption<T> option, T value)
    {
        var buffer = new byte[option.SetCodec.GetSize(value)];
        Assert.True(option.SetCodec.TryWrite(value, buffer, out int written, out var error), error);
        return buffer[..written];
    }

    /// <summary>Decodes bytes through the option's generated get codec.</summary>
    public static T Decode<T>(IReadableOption<T> option, ReadOnlySpan<byte> raw)
    {
        Assert.True(option.GetCodec.TryRead(raw, out var value, out var error), error);
        return value;
    }

    /// <summary>setsockopt; 0 or the errno it failed with.</summary>
    public static int SetSockOpt(int fd, int level, int option, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
            return LibC.setsockopt(fd, level, option, value.IsEmpty ? null : p, (uint)value.Length) == 0 ? 0 : LibC.errno;
    }

    /// <summary>setsockopt that must succeed.</summary>
    public static void Set(int fd, int level, int option, ReadOnlySpan<byte> value) =>
        Assert.Equal(0, SetSockOpt(fd, level, option, value));

    /// <summary>getsockopt offering <paramref name="capacity"/> bytes; the errno (0 on success) and the bytes the kernel reported.</summary>
    public static int GetSockOpt(int fd, int level, int option, int capacity, out byte[] value)
    {
        var buffer = new byte[capacity];
        socklen_t len = (uint)capacity;
        int rc;
        fixed (byte* p = buffer)
            rc = LibC.getsockopt(fd, level, option, p, &len);
        if (rc != 0)
        {
            value = Array.Empty<byte>();
            return LibC.errno;
        }
        value = buffer[..Math.Min((int)(uint)len, capacity)];
        return 0;
    }

    /// <summary>getsockopt that must succeed.</summary>
    public static byte[] Get(int fd, int level, int option, int capacity)
    {
        Assert.Equal(0, GetSockOpt(fd, level, option, capacity, out var value));
        return value;
    }

    /// <summary>An int option read raw.</summary>
    public static int GetInt(int fd, int level, int option)
    {
        var raw = Get(fd, level, option, 4);
        Assert.Equal(4, raw.Length);
        return BinaryPrimitives.ReadInt32LittleEndian(raw);
    }

    /// <summary>sockaddr_in for 127.0.0.1:<paramref name="port"/>, laid out by hand from netinet/in.h (16 bytes).</summary>
    public static byte[] Loopback4(ushort port)
    {
        var sa = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(sa, (ushort)AF_INET); // sin_family, host order
        BinaryPrimitives.WriteUInt16BigEndian(sa.AsSpan(2), port);    // sin_port, network order
        sa[4] = 127; sa[7] = 1;                                        // sin_addr
        return sa;
    }

    /// <summary>The port a socket is bound to (getsockname).</summary>
    public static ushort LocalPort(int fd)
    {
        var sa = new byte[128];
        socklen_t len = 128;
        fixed (byte* p = sa)
            Assert.Equal(0, LibC.getsockname(fd, (sockaddr*)p, &len));
        return BinaryPrimitives.ReadUInt16BigEndian(sa.AsSpan(2));
    }

    /// <summary>bind(2) to 127.0.0.1:<paramref name="port"/>.</summary>
    public static void BindLoopback4(int fd, ushort port = 0)
    {
        var sa = Loopback4(port);
        fixed (byte* p = sa)
            Assert.True(LibC.bind(fd, (sockaddr*)p, (uint)sa.Length) == 0, $"bind: errno {LibC.errno}");
    }

    /// <summary>connect(2) to 127.0.0.1:<paramref name="port"/>.</summary>
    public static void ConnectLoopback4(int fd, ushort port)
    {
        var sa = Loopback4(port);
        fixed (byte* p = sa)
            Assert.True(LibC.connect(fd, (sockaddr*)p, (uint)sa.Length) == 0, $"connect: errno {LibC.errno}");
    }

    /// <summary>
    /// The loopback interface's index in this network namespace, from /proc/self/net/if_inet6 (second column,
    /// hex); the kernel always gives lo index 1 (LOOPBACK_IFINDEX), which is the answer when IPv6 is off.
    /// </summary>
    public static int LoopbackIndex
    {
        get
        {
            const string path = "/proc/self/net/if_inet6";
            if (File.Exists(path))
            {
                foreach (var line in File.ReadAllLines(path))
                {
                    var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (cols.Length >= 6 && cols[5] == "lo") return int.Parse(cols[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
            return 1;
        }
    }

    /// <summary>
    /// True when /proc/self/net/igmp lists <paramref name="group"/> (dotted quad) under interface
    /// <paramref name="device"/>. The file prints each group as the %08X of the network-order word, i.e. the
    /// bytes reversed on a little-endian machine (224.0.0.1 is 010000E0).
    /// </summary>
    public static bool IgmpHasGroup(string device, string group)
    {
        var bytes = group.Split('.').Select(b => byte.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        uint word = BitConverter.ToUInt32(bytes);
        string hex = word.ToString("X8", CultureInfo.InvariantCulture);
        string? current = null;
        foreach (var line in File.ReadAllLines("/proc/self/net/igmp").Skip(1))
        {
            if (!line.StartsWith('\t'))
            {
                var cols = line.Split(new[] { '\t', ' ', ':' }, StringSplitOptions.RemoveEmptyEntries);
                current = cols.Length > 1 ? cols[1] : null;
            }
            else if (current == device && line.Trim().StartsWith(hex, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Duplicates <paramref name="fd"/> to a number of at least 600 (close-on-exec), far above what other tests get, so a closed number is not reused at once.</summary>
    public static int DupHigh(int fd)
    {
        int dup = LibC.fcntl(fd, F_DUPFD_CLOEXEC, 600);
        Assert.True(dup >= 600, $"fcntl(F_DUPFD_CLOEXEC): errno {LibC.errno}");
        return dup;
    }

    /// <summary>fcntl(F_GETFD): 0 when the descriptor is open, else the errno.</summary>
    public static int FdState(int fd) => LibC.fcntl(fd, F_GETFD) >= 0 ? 0 : LibC.errno;

    /// <summary>A pipe, both ends close-on-exec.</summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Assert.Equal(0, LibC.pipe2(fds, 0x80000 /* O_CLOEXEC */));
        return (fds[0], fds[1]);
    }

    public static void Close(int fd) => LibC.close(fd);

    /// <summary>The text of a /proc file, trimmed.</summary>
    public static string ReadProc(string path) => File.ReadAllText(path).Trim();
}

/// <summary>A connected TCP pair on 127.0.0.1, plus the listener, set up with raw calls.</summary>
internal sealed unsafe class TcpPair : IDisposable
{
    private TcpPair(SocketHandle listener, SocketHandle client, SocketHandle server)
    {
        Listener = listener;
        Client = client;
        Server = server;
    }

    public SocketHandle Listener { get; }

    public SocketHandle Client { get; }

    public SocketHandle Server { get; }

    public static TcpPair Open()
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.NotNull(listener);
        Raw.BindLoopback4(listener.FileNo());
        Assert.Equal(0, LibC.listen(listener.FileNo(), 4));
        ushort port = Raw.LocalPort(listener.FileNo());
        var client = Create(AF_INET, SOCK_STREAM)!;
        Assert.NotNull(client);
        Raw.ConnectLoopback4(client.FileNo(), port);
        int fd = LibC.accept4(listener.FileNo(), null, null, SOCK_CLOEXEC);
        Assert.True(fd >= 0, $"accept4: errno {LibC.errno}");
        return new TcpPair(listener, client, new SocketHandle(fd, -1, -1, false));
    }

    /// <summary>A socket that is bound to 127.0.0.1 and listening, with no connection.</summary>
    public static SocketHandle Listening()
    {
        var listener = Create(AF_INET, SOCK_STREAM)!;
        Assert.NotNull(listener);
        Raw.BindLoopback4(listener.FileNo());
        Assert.Equal(0, LibC.listen(listener.FileNo(), 4));
        return listener;
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        Listener.Dispose();
    }
}
