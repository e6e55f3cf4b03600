namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>sockaddr bytes whose decoded form does not encode back to them: vsock flags (FindingsAddress.VsockFlags).</summary>
    public static bool SockaddrDoesNotRoundTrip(byte[] bytes, SocketAddress decoded) => decoded.Family == Sockets.AF_VSOCK && bytes[12] != 0;
}
