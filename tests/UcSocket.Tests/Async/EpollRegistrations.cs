using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace UcSocket.Tests.Async;

/// <summary>
/// What the kernel says about this process's epoll instances: /proc/self/fdinfo of an eventpoll descriptor lists
/// one line per registration, <c>tfd: N events: X data: X pos:0 ino:X sdev:X</c>, with the registered descriptor
/// number and the inode (hex) of the file it refers to (fs/eventpoll.c, ep_show_fdinfo).
/// </summary>
internal static class EpollRegistrations
{
    /// <summary>The inode of the socket open as <paramref name="fd"/> (the link reads <c>socket:[N]</c>).</summary>
    public static long SocketInode(int fd)
    {
        string target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? throw new InvalidOperationException($"fd {fd} is not open");
        if (!target.StartsWith("socket:[", StringComparison.Ordinal)) throw new InvalidOperationException($"fd {fd} is {target}, not a socket");
        return long.Parse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture);
    }

    /// <summary>Every registration of every epoll instance of the process: (registered descriptor, inode).</summary>
    public static List<(int Fd, long Inode)> All()
    {
        var result = new List<(int, long)>();
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(path).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            if (target != "anon_inode:[eventpoll]") continue;
            string[] lines;
            try
            {
                lines = File.ReadAllLines("/proc/self/fdinfo/" + Path.GetFileName(path));
            }
            catch (IOException)
            {
                continue;
            }
            foreach (var line in lines)
            {
                if (!line.StartsWith("tfd:", StringComparison.Ordinal)) continue;
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                int fd = int.Parse(fields[1], CultureInfo.InvariantCulture);
                long inode = -1;
                foreach (var field in fields)
                    if (field.StartsWith("ino:", StringComparison.Ordinal)) inode = long.Parse(field.AsSpan(4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                result.Add((fd, inode));
            }
        }
        return result;
    }

    /// <summary>How many epoll registrations refer to the socket with <paramref name="inode"/>.</summary>
    public static int CountFor(long inode)
    {
        int count = 0;
        foreach (var (_, i) in All())
            if (i == inode) count++;
        return count;
    }
}
