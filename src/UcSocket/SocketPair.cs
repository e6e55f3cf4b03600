using UcSocket.Native;

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
        long rc = SocketSyscalls.SocketPair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds);
        if (rc < 0)
        {
            Errors.Set(new ErrorInfo((int)-rc, "socketpair()"));
            return null;
        }
        Errors.Clear();
        bool nonBlocking = (type & SOCK_NONBLOCK) != 0;
        return (new SocketHandle(fds[0], AF_UNIX, type, nonBlocking), new SocketHandle(fds[1], AF_UNIX, type, nonBlocking));
    }
}
