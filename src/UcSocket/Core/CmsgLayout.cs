using System;
using System.Runtime.InteropServices;

namespace UcSocket;

/// <summary>
/// The control-buffer layout of cmsg(3) for this platform: <c>struct cmsghdr { size_t cmsg_len; int cmsg_level;
/// int cmsg_type; }</c> followed by the payload, every header aligned to <c>sizeof(size_t)</c>.
/// On LP64 (x86_64, aarch64) the header is 16 bytes, <c>CMSG_LEN(n) = 16 + n</c>,
/// <c>CMSG_SPACE(n) = 16 + align8(n)</c>.
/// </summary>
internal static class CmsgLayout
{
    /// <summary>sizeof(size_t), the alignment of control messages.</summary>
    public static int Alignment => IntPtr.Size;

    /// <summary>CMSG_ALIGN(sizeof(struct cmsghdr)).</summary>
    public static int HeaderSize => Align(IntPtr.Size + 8);

    /// <summary>The largest payload whose CMSG_SPACE still fits an int.</summary>
    public static int MaxPayload => int.MaxValue - HeaderSize - Alignment + 1;

    /// <summary>CMSG_ALIGN(n).</summary>
    public static int Align(int n) => (n + Alignment - 1) & ~(Alignment - 1);

    /// <summary>CMSG_LEN(n): what goes into cmsg_len.</summary>
    public static int Len(int payload) => HeaderSize + payload;

    /// <summary>CMSG_SPACE(n): the room a message with an n-byte payload takes in the buffer.</summary>
    public static int Space(int payload) => HeaderSize + Align(payload);

    /// <summary>Writes a cmsghdr at the start of <paramref name="destination"/>.</summary>
    public static void WriteHeader(Span<byte> destination, int cmsgLen, int level, int type)
    {
        if (IntPtr.Size == 8) MemoryMarshal.Write(destination, (ulong)cmsgLen);
        else MemoryMarshal.Write(destination, (uint)cmsgLen);
        MemoryMarshal.Write(destination[IntPtr.Size..], level);
        MemoryMarshal.Write(destination[(IntPtr.Size + 4)..], type);
    }

    /// <summary>
    /// Reads the message at <paramref name="offset"/> and moves past it (CMSG_FIRSTHDR/CMSG_NXTHDR). Stops at a
    /// header that does not fit or claims less than a header; a cmsg_len running past the buffer is clamped to it.
    /// <paramref name="reachesEnd"/> tells that the message ends exactly at the end of the buffer: when the kernel
    /// reported MSG_CTRUNC, such a message may have been cut short.
    /// </summary>
    public static bool TryNext(ReadOnlySpan<byte> control, scoped ref int offset, out int level, out int type,
        out ReadOnlySpan<byte> payload, out bool reachesEnd)
    {
        level = type = 0;
        payload = default;
        reachesEnd = false;
        if (offset < 0 || control.Length - offset < HeaderSize) return false;
        var header = control[offset..];
        ulong len = IntPtr.Size == 8 ? MemoryMarshal.Read<ulong>(header) : MemoryMarshal.Read<uint>(header);
        if (len < (ulong)HeaderSize) return false;
        level = MemoryMarshal.Read<int>(header[IntPtr.Size..]);
        type = MemoryMarshal.Read<int>(header[(IntPtr.Size + 4)..]);
        int available = header.Length;
        int cmsgLen = len >= (ulong)available ? available : (int)len;
        reachesEnd = cmsgLen == available;
        payload = header[HeaderSize..cmsgLen];
        long next = (long)offset + Align(cmsgLen);
        offset = next >= control.Length ? control.Length : (int)next;
        return true;
    }
}
