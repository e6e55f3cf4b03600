using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Win32.SafeHandles;
using Tmds.Linux;
using Xunit;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Keeps descriptor numbers that come from random bytes harmless. Random payloads of descriptor-carrying types hold
/// only numbers this guard hands out: canaries (descriptors of /dev/null the guard opened, checked afterwards to be
/// still open and still /dev/null), negative numbers, and numbers above <c>fs.nr_open</c> that no descriptor can
/// have. A decoder that wraps such numbers in owning handles is caught (<see cref="DisarmOwned"/>) before anything
/// can close them, and a canary that closes anyway shows it.
/// </summary>
internal sealed unsafe class DescriptorGuard : IDisposable
{
    private const int F_DUPFD_CLOEXEC = 1030;
    private readonly (int Fd, ulong Device, ulong Inode)[] _canaries;

    public DescriptorGuard(int canaries = 4)
    {
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        _canaries = new (int, ulong, ulong)[canaries];
        for (int i = 0; i < canaries; i++)
        {
            // High numbers, away from those the runtime and the code under test open.
            int fd = LibC.fcntl((int)devNull.DangerousGetHandle(), F_DUPFD_CLOEXEC, 5000 + i * 7);
            Assert.True(fd >= 0, $"fcntl(F_DUPFD_CLOEXEC): errno {LibC.errno}");
            var (dev, ino) = Identity(fd) ?? throw new InvalidOperationException("fstat of a fresh canary failed");
            _canaries[i] = (fd, dev, ino);
        }
    }

    /// <summary>The smallest number above every descriptor number the process can have (fs.nr_open).</summary>
    public static int Unreachable { get; } =
        int.TryParse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n + 1 : 1 << 30;

    public IReadOnlyList<int> Canaries => _canaries.Select(c => c.Fd).ToList();

    /// <summary>A descriptor number random bytes may hold: a canary, a negative number, or one no descriptor can have.</summary>
    public Gen<int> HarmlessNumber => Gen.Frequency(
        (2, Gen.Elements(Canaries.ToArray())),
        (1, Gen.Choose(int.MinValue, -1)),
        (1, Gen.Elements(-1, -2)),
        (2, Gen.Choose(Unreachable, int.MaxValue)));

    /// <summary>A payload of descriptor numbers (4 bytes each, sometimes a ragged tail) that is safe to decode.</summary>
    public Gen<byte[]> HarmlessPayload => Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(HarmlessNumber, n))
        .SelectMany(numbers => Gen.Choose(0, 3).Select(tail => MemoryMarshal.AsBytes(numbers.AsSpan()).ToArray().Concat(new byte[tail == 3 ? 2 : 0]).ToArray()));

    /// <summary>
    /// Finds every owning <see cref="FileDescriptors"/> in a decoded value (nested in lists and dictionaries too) and
    /// makes its handles invalid, so that neither Dispose nor a finalizer closes the numbers. Returns how many
    /// handles were owned.
    /// </summary>
    public static int DisarmOwned(object? value, int depth = 0)
    {
        if (depth > 6) return 0;
        switch (value)
        {
            case FileDescriptors fds:
                if (!fds.IsOwned) return 0;
                foreach (var h in fds) h.SetHandleAsInvalid();
                return fds.Count;
            case SafeHandle:
                return 0;
            case IDictionary d:
                return d.Values.Cast<object?>().Sum(v => DisarmOwned(v, depth + 1));
            case IEnumerable<KeyValuePair<string, object?>> d:
                return d.Sum(e => DisarmOwned(e.Value, depth + 1));
            case IEnumerable items and not string and not byte[]:
                return items.Cast<object?>().Sum(v => DisarmOwned(v, depth + 1));
            default:
                return 0;
        }
    }

    /// <summary>Fails when a canary was closed or now names another file.</summary>
    public void CheckCanaries()
    {
        foreach (var (fd, dev, ino) in _canaries)
            Assert.True(Identity(fd) == (dev, ino), $"canary descriptor {fd} (/dev/null) was closed or replaced: something closed a number taken from caller bytes");
    }

    private static (ulong, ulong)? Identity(int fd)
    {
        stat st;
        return LibC.fstat(fd, &st) == 0 ? ((ulong)st.st_dev, (ulong)st.st_ino) : null;
    }

    public void Dispose()
    {
        foreach (var (fd, _, _) in _canaries) LibC.close(fd);
    }
}
