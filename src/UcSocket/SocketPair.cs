using Tmds.Linux;

namespace UcSocket;

public static partial class Sockets
{
    /// <summary>
    /// Creates a connected pair of UNIX sockets (<c>socket.pair</c>), close-on-exec; <paramref name="type"/> may
    /// or-in SOCK_NONBLOCK. Null on error.
    /// </summary>
    public static unsafe (SocketHandle First, SocketHandle Second)? Pair(int type = SOCK_STREAM)
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) != 0)
        {
            Errors.SetErrno("socketpair()");
            return null;
        }
        Errors.Clear();
        return (new SocketHandle(fds[0]), new SocketHandle(fds[1]));
    }
}
