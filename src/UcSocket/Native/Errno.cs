namespace UcSocket.Native;

/// <summary>errno values the library reports or reacts to (asm-generic/errno-base.h and errno.h; x86_64 and arm64 share them).</summary>
internal static class Errno
{
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int ERANGE = 34;
    public const int ENOSYS = 38;
    public const int ENOTSOCK = 88;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int ENOBUFS = 105;
    public const int ETIMEDOUT = 110;
    public const int EINPROGRESS = 115;
    public const int ECANCELED = 125;
}
