using System;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

internal static partial class KnownFindings
{
    /// <summary>Integer types the converters refuse although they hold a number in range (FindingsStructs.IntegerForms).</summary>
    public static bool IsUnsupportedIntegerType(object? value) => value is nuint or Int128 or UInt128 or System.Numerics.BigInteger;

    /// <summary>
    /// Integers the converters refuse although they are in the field's range (FindingsStructs.IntegerForms): the types of
    /// <see cref="IsUnsupportedIntegerType"/>, a decimal or floating-point value above long.MaxValue for a 64-bit
    /// unsigned field, and long.MinValue written as text.
    /// </summary>
    public static bool IsRefusedIntegerForm(object? value) =>
        IsUnsupportedIntegerType(value)
        || (value is decimal or double or float && IntendedNumber.TryGet(value, out var n) && n > long.MaxValue)
        || (value is string && IntendedNumber.TryGet(value, out var m) && m == long.MinValue);
}

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
