using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// Puts the descriptors the kernel installed with a receive under owning handles, the moment the receive returns:
/// the payload of every control message whose type carries descriptors (SCM_RIGHTS, SCM_PIDFD: in the spec, the
/// cmsg types of payload kind <c>fds</c>). Every receive path calls this before anything else can fail.
/// </summary>
internal static class ReceivedDescriptors
{
    /// <summary>True when (level, type) carries descriptors the kernel installs in the receiving process.</summary>
    public static bool Carries(int level, int type) =>
        SpecRegistry.TryGetControlMessage(level, type, out var known) && known.CarriesDescriptors;

    /// <summary>True when any message of <paramref name="control"/> carries descriptors.</summary>
    public static bool Any(ReadOnlySpan<byte> control)
    {
        int offset = 0;
        while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out _, out _))
            if (Carries(level, type)) return true;
        return false;
    }

    /// <summary>
    /// Owns every received descriptor of <paramref name="control"/>: one <see cref="FileDescriptors"/> per
    /// descriptor-carrying message, in order, each handle also appended to <paramref name="owned"/>. If even that
    /// fails (out of memory), the descriptors not owned yet are closed before the exception leaves.
    /// </summary>
    public static List<FileDescriptors> Own(ReadOnlySpan<byte> control, List<SafeHandle> owned)
    {
        int wrapped = 0;
        try
        {
            var result = new List<FileDescriptors>();
            int offset = 0;
            while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out _))
            {
                if (!Carries(level, type)) continue;
                var numbers = Numbers(payload);
                var handles = new SafeHandle[numbers.Length];
                owned.EnsureCapacity(owned.Count + numbers.Length);
                result.EnsureCapacity(result.Count + 1);
                for (int i = 0; i < numbers.Length; i++)
                {
                    var h = new SafeFileHandle(numbers[i], ownsHandle: true);
                    wrapped++;
                    handles[i] = h;
                    owned.Add(h);
                }
                result.Add(FileDescriptors.FromReceived(handles));
            }
            return result;
        }
        catch
        {
            CloseUnowned(control, wrapped);
            throw;
        }
    }

    /// <summary>The descriptor numbers of a payload (whole ints only: the kernel installs no partial one).</summary>
    private static ReadOnlySpan<int> Numbers(ReadOnlySpan<byte> payload) => MemoryMarshal.Cast<byte, int>(payload[..(payload.Length / 4 * 4)]);

    /// <summary>Closes the received descriptors after the first <paramref name="skip"/> (those have owners already).</summary>
    private static void CloseUnowned(ReadOnlySpan<byte> control, int skip)
    {
        int offset = 0;
        while (CmsgLayout.TryNext(control, ref offset, out int level, out int type, out var payload, out _))
        {
            if (!Carries(level, type)) continue;
            foreach (int fd in Numbers(payload))
            {
                if (skip > 0) skip--;
                else SocketSyscalls.Close(fd);
            }
        }
    }
}
