using System;
using System.Runtime.InteropServices;
using System.Text;

namespace UcSocket.Native;

/// <summary>
/// <c>struct addrinfo</c> as glibc lays it out on LP64 Linux (x86_64 and aarch64): four ints, a socklen_t,
/// padding to pointer alignment, then three pointers (48 bytes).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeAddrInfo
{
    public int Flags;
    public int Family;
    public int SockType;
    public int Protocol;
    public uint AddrLen;
    public byte* Addr;
    public byte* CanonName;
    public NativeAddrInfo* Next;
}

/// <summary>getaddrinfo, freeaddrinfo and getnameinfo, which Tmds.LibC does not bind.</summary>
internal static unsafe partial class Resolver
{
    /// <summary>EAI_SYSTEM: the failure is in errno.</summary>
    public const int EaiSystem = -11;

    /// <summary>NI_MAXHOST and NI_MAXSERV: the buffer sizes getnameinfo is given.</summary>
    public const int MaxHost = 1025, MaxServ = 32;

    [LibraryImport("libc", EntryPoint = "getaddrinfo", SetLastError = true)]
    private static partial int getaddrinfo(byte* node, byte* service, NativeAddrInfo* hints, NativeAddrInfo** result);

    [LibraryImport("libc", EntryPoint = "freeaddrinfo")]
    private static partial void freeaddrinfo(NativeAddrInfo* result);

    [LibraryImport("libc", EntryPoint = "getnameinfo", SetLastError = true)]
    private static partial int getnameinfo(byte* address, uint addressLength, byte* host, uint hostLength, byte* service, uint serviceLength, int flags);

    /// <summary>
    /// Calls getaddrinfo. Returns 0 and the list (free it with <see cref="Free"/>), or the EAI_* code; for
    /// EAI_SYSTEM, <paramref name="errno"/> holds the system error.
    /// </summary>
    public static int GetAddrInfo(string? node, string? service, NativeAddrInfo* hints, out NativeAddrInfo* result, out int errno)
    {
        byte[]? nodeBytes = ToCString(node), serviceBytes = ToCString(service);
        NativeAddrInfo* list = null;
        int rc;
        fixed (byte* n = nodeBytes)
        fixed (byte* s = serviceBytes)
            rc = getaddrinfo(n, s, hints, &list);
        errno = rc == EaiSystem ? Marshal.GetLastPInvokeError() : 0;
        result = rc == 0 ? list : null;
        return rc;
    }

    /// <summary>Frees a list getaddrinfo returned.</summary>
    public static void Free(NativeAddrInfo* list)
    {
        if (list is not null) freeaddrinfo(list);
    }

    /// <summary>Calls getnameinfo with NI_MAXHOST/NI_MAXSERV buffers. Returns 0 or the EAI_* code (errno as for getaddrinfo).</summary>
    public static int GetNameInfo(ReadOnlySpan<byte> sockaddr, int flags, out string host, out string service, out int errno)
    {
        byte* hostBuffer = stackalloc byte[MaxHost];
        byte* serviceBuffer = stackalloc byte[MaxServ];
        hostBuffer[0] = 0;
        serviceBuffer[0] = 0;
        int rc;
        fixed (byte* sa = sockaddr)
            rc = getnameinfo(sa, (uint)sockaddr.Length, hostBuffer, MaxHost, serviceBuffer, MaxServ, flags);
        errno = rc == EaiSystem ? Marshal.GetLastPInvokeError() : 0;
        host = rc == 0 ? Marshal.PtrToStringUTF8((nint)hostBuffer) ?? "" : "";
        service = rc == 0 ? Marshal.PtrToStringUTF8((nint)serviceBuffer) ?? "" : "";
        return rc;
    }

    /// <summary>A NUL-terminated UTF-8 copy, or null for null. The caller has checked that <paramref name="s"/> holds no NUL.</summary>
    private static byte[]? ToCString(string? s)
    {
        if (s is null) return null;
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
