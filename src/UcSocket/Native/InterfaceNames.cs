using System.Runtime.InteropServices;

namespace UcSocket.Native;

/// <summary>if_nametoindex / if_indextoname, which Tmds.LibC does not bind.</summary>
internal static unsafe partial class InterfaceNames
{
    private const int IfNameSize = 16;

    [LibraryImport("libc", EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial uint if_nametoindex(string name);

    [LibraryImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    private static partial byte* if_indextoname(uint index, byte* name);

    /// <summary>The index of the named interface, or 0 (errno is then set, usually ENODEV).</summary>
    public static int NameToIndex(string name)
    {
        if (name.Length == 0 || name.Length >= IfNameSize || name.Contains('\0')) return 0;
        return (int)if_nametoindex(name);
    }

    /// <summary>The name of the interface with this index, or null.</summary>
    public static string? IndexToName(int index)
    {
        if (index <= 0) return null;
        byte* buffer = stackalloc byte[IfNameSize];
        return if_indextoname((uint)index, buffer) == null ? null : Marshal.PtrToStringUTF8((nint)buffer);
    }
}
