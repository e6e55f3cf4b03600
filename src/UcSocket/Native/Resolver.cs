using System.Runtime.InteropServices;

namespace UcSocket.Native;

/// <summary>Resolver functions that Tmds.LibC does not bind.</summary>
internal static unsafe partial class Resolver
{
    [LibraryImport("libc", EntryPoint = "gai_strerror")]
    private static partial byte* gai_strerror(int code);

    /// <summary>The text for a negative EAI_* code.</summary>
    public static string GaiStrError(int code) => Marshal.PtrToStringUTF8((nint)gai_strerror(code)) ?? "Unknown error";
}
