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

    /// <summary>
    /// The header of one sendmsg or recvmsg: a part of zero length goes as a null pointer, as the kernel takes "no
    /// address", "no data" and "no control messages".
    /// </summary>
    public static MsgHdr Of(void* name, int nameLength, IoVec* iov, int iovLength, void* control, int controlLength) => new()
    {
        Name = nameLength > 0 ? name : null,
        NameLength = (uint)nameLength,
        Iov = iovLength > 0 ? iov : null,
        IovLength = (nuint)iovLength,
        Control = controlLength > 0 ? control : null,
        ControlLength = (nuint)controlLength,
    };
}

/// <summary>struct mmsghdr: a message header and the number of bytes the kernel moved for it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}
