using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// ucode's socket module: the constants (generated from the spec) and the module functions.
/// Use with <c>using static UcSocket.Sockets;</c>.
/// </summary>
public static partial class Sockets
{
    /// <summary>
    /// Creates a socket (<c>socket.create</c>): close-on-exec unless the type says otherwise is impossible to ask for,
    /// as in .NET; SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into <paramref name="type"/>. Null on error.
    /// </summary>
    public static SocketHandle? Create(int domain = AF_INET, int type = SOCK_STREAM, int protocol = 0)
    {
        long fd = SocketSyscalls.Socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            Errors.Set(new ErrorInfo((int)-fd, "socket()"));
            return null;
        }
        Errors.Clear();
        return new SocketHandle((int)fd, domain, type, (type & SOCK_NONBLOCK) != 0);
    }

    /// <summary>The error of the last call on this thread as <c>"&lt;context&gt;: &lt;strerror&gt;"</c>, or null.</summary>
    public static string? Error() => Errors.Last?.Message;

    /// <summary>With <paramref name="numeric"/> true the code (errno, or negative EAI_*), else the message; null when there is no error.</summary>
    public static object? Error(bool numeric) => Errors.Describe(numeric);

    /// <summary>The system's text for an error code: strerror for errno, gai_strerror for negative EAI_* codes.</summary>
    public static string StrError(int code) => ErrorInfo.Describe(code);
}
