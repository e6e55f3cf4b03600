using System;
using System.Runtime.InteropServices;
using System.Text;

namespace UcSocket.Tests.Fuzz;

/// <summary>glibc's own <c>inet_pton</c> and <c>inet_ntop</c>: the reference the address text must agree with.</summary>
internal static unsafe partial class LibcInet
{
    public const int AF_INET = 2, AF_INET6 = 10;

    [LibraryImport("libc", EntryPoint = "inet_pton")]
    private static partial int InetPton(int family, byte* text, byte* destination);

    [LibraryImport("libc", EntryPoint = "inet_ntop")]
    private static partial byte* InetNtop(int family, byte* source, byte* destination, uint size);

    /// <summary>
    /// The address bytes glibc parses from <paramref name="text"/>, or null when it refuses the text. The text is
    /// passed as UTF-8 with its terminating NUL; text with a NUL inside cannot reach C and must not be asked.
    /// </summary>
    public static byte[]? Pton(int family, string text)
    {
        if (text.Contains('\0')) throw new ArgumentException("C strings cannot hold a NUL", nameof(text));
        var utf8 = Encoding.UTF8.GetBytes(text + "\0");
        var result = new byte[family == AF_INET ? 4 : 16];
        fixed (byte* pText = utf8)
        fixed (byte* pResult = result)
            return InetPton(family, pText, pResult) == 1 ? result : null;
    }

    /// <summary>glibc's text for an address of 4 (AF_INET) or 16 (AF_INET6) bytes.</summary>
    public static string Ntop(int family, ReadOnlySpan<byte> address)
    {
        Span<byte> text = stackalloc byte[64];
        fixed (byte* pAddress = address)
        fixed (byte* pText = text)
        {
            if (InetNtop(family, pAddress, pText, (uint)text.Length) is null) throw new InvalidOperationException("inet_ntop failed");
            return Encoding.ASCII.GetString(text[..text.IndexOf((byte)0)]);
        }
    }
}
