namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>
    /// Integer types the converters refuse although they hold a number in range (FindingsAddress.UnsignedNativeInteger,
    /// FindingsStructs.WideClrIntegerTypesConvert).
    /// </summary>
    public static bool IsUnsupportedIntegerType(object? value) => value is nuint or System.Int128 or System.UInt128 or System.Numerics.BigInteger;

    /// <summary>sockaddr bytes whose decoded form does not encode back to them: vsock flags (FindingsAddress.VsockFlags).</summary>
    public static bool SockaddrDoesNotRoundTrip(byte[] bytes, SocketAddress decoded) => decoded.Family == Sockets.AF_VSOCK && bytes[12] != 0;
}
