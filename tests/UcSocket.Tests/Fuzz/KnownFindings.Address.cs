using System;

namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>
    /// sockaddr bytes the kernel may report whose decoded form does not encode back to them: a filesystem path starting
    /// with '@' (FilesystemPathStartingWithAt), a path filling all 108 bytes (FullLengthPath), vsock flags (VsockFlags).
    /// </summary>
    public static bool SockaddrDoesNotRoundTrip(byte[] bytes, SocketAddress decoded)
    {
        if (decoded.Family == Sockets.AF_UNIX && bytes.Length > 2)
        {
            var path = bytes.AsSpan(2);
            bool isAbstract = path[0] == 0;
            return (!isAbstract && path[0] == (byte)'@') || (!isAbstract && path.Length == 108 && path.IndexOf((byte)0) < 0);
        }
        return decoded.Family == Sockets.AF_VSOCK && bytes[12] != 0;
    }
}
