using System.Runtime.InteropServices;
using Tmds.Linux;

namespace UcSocket.Native;

/// <summary>
/// poll(2). Tmds.LibC 0.5.0 binds it without SetLastError, so its <c>LibC.errno</c> after a failed poll is not
/// poll's errno (EINTR would read as 0); this binding captures errno.
/// </summary>
internal static unsafe partial class PollNative
{
    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int poll(pollfd* fds, nuint count, int timeout);

    /// <summary>Calls poll; on -1, <paramref name="errno"/> is poll's errno.</summary>
    public static int Poll(pollfd* fds, int count, int timeout, out int errno)
    {
        int rc = poll(fds, (nuint)count, timeout);
        errno = rc < 0 ? Marshal.GetLastPInvokeError() : 0;
        return rc;
    }
}
