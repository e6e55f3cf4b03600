using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace UcSocket.Native;

/// <summary>
/// Owns a socket descriptor. Calls hold a reference (DangerousAddRef) for their duration, so a close on
/// another thread only closes the descriptor once no call is using it: a blocked call never acts on a
/// reused descriptor number.
/// </summary>
internal sealed class SafeSocketFd : SafeHandle
{
    public SafeSocketFd(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => LibC.close((int)handle.ToInt64()) == 0;
}
