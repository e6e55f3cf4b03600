using System;

namespace UcSocket.Tests;

/// <summary>
/// errno values as defined by the kernel's asm-generic/errno-base.h and asm-generic/errno.h (x86_64 and arm64
/// share them), with glibc's strerror texts. <see cref="Handle.ErrnoTableTests"/> checks this table against the
/// machine's own headers and libc.
/// </summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EPIPE = 32;
    public const int EDOM = 33;
    public const int ERANGE = 34;
    public const int ENOTSOCK = 88;
    public const int EDESTADDRREQ = 89;
    public const int ENOPROTOOPT = 92;
    public const int EOPNOTSUPP = 95;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRINUSE = 98;
    public const int EADDRNOTAVAIL = 99;
    public const int ECONNRESET = 104;
    public const int EISCONN = 106;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int EINPROGRESS = 115;
    public const int ECANCELED = 125;

    public static readonly (string Name, int Value, string Text)[] Table =
    {
        ("EPERM", EPERM, "Operation not permitted"),
        ("ENOENT", ENOENT, "No such file or directory"),
        ("EBADF", EBADF, "Bad file descriptor"),
        ("EAGAIN", EAGAIN, "Resource temporarily unavailable"),
        ("ENOMEM", ENOMEM, "Cannot allocate memory"),
        ("ENODEV", ENODEV, "No such device"),
        ("EINVAL", EINVAL, "Invalid argument"),
        ("EPIPE", EPIPE, "Broken pipe"),
        ("EDOM", EDOM, "Numerical argument out of domain"),
        ("ERANGE", ERANGE, "Numerical result out of range"),
        ("ENOTSOCK", ENOTSOCK, "Socket operation on non-socket"),
        ("EDESTADDRREQ", EDESTADDRREQ, "Destination address required"),
        ("ENOPROTOOPT", ENOPROTOOPT, "Protocol not available"),
        ("EOPNOTSUPP", EOPNOTSUPP, "Operation not supported"),
        ("EAFNOSUPPORT", EAFNOSUPPORT, "Address family not supported by protocol"),
        ("EADDRINUSE", EADDRINUSE, "Address already in use"),
        ("EADDRNOTAVAIL", EADDRNOTAVAIL, "Cannot assign requested address"),
        ("ECONNRESET", ECONNRESET, "Connection reset by peer"),
        ("EISCONN", EISCONN, "Transport endpoint is already connected"),
        ("ENOTCONN", ENOTCONN, "Transport endpoint is not connected"),
        ("ETIMEDOUT", ETIMEDOUT, "Connection timed out"),
        ("ECONNREFUSED", ECONNREFUSED, "Connection refused"),
        ("EINPROGRESS", EINPROGRESS, "Operation now in progress"),
        ("ECANCELED", ECANCELED, "Operation canceled"),
    };

    public static string Text(int code)
    {
        foreach (var (_, value, text) in Table)
            if (value == code) return text;
        throw new ArgumentOutOfRangeException(nameof(code));
    }
}
