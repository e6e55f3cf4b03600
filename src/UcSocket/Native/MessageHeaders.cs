using System.Runtime.InteropServices;

namespace UcSocket.Native;

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}

/// <summary>struct msghdr (glibc layout: lengths are socklen_t / size_t).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}

/// <summary>struct mmsghdr: a message header and the number of bytes the kernel moved for it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}

/// <summary>sendmmsg(2) and recvmmsg(2), which Tmds.LibC 0.5.0 does not bind.</summary>
internal static unsafe partial class MultiMessage
{
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static partial int sendmmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int recvmmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>Calls sendmmsg; on -1, <paramref name="errno"/> is its errno.</summary>
    public static int Send(int fd, MMsgHdr* messages, int count, int flags, out int errno)
    {
        int rc = sendmmsg(fd, messages, (uint)count, flags);
        errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        return rc;
    }

    /// <summary>Calls recvmmsg without a timeout; on -1, <paramref name="errno"/> is its errno.</summary>
    public static int Receive(int fd, MMsgHdr* messages, int count, int flags, out int errno)
    {
        int rc = recvmmsg(fd, messages, (uint)count, flags, null);
        errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        return rc;
    }
}
