using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace UcSocket;

/// <summary>Something that owns a file descriptor (a socket handle, say) and can lend it for SCM_RIGHTS.</summary>
public interface IFileDescriptorOwner
{
    /// <summary>The handle that owns the descriptor.</summary>
    SafeHandle SafeHandle { get; }
}

/// <summary>
/// The payload of <c>SCM_RIGHTS</c>: a list of descriptors. Descriptors received from the kernel are owned
/// (each by a <see cref="SafeFileHandle"/>, closed on dispose or when collected), so none can leak;
/// descriptors passed in for sending stay owned by the caller.
/// </summary>
public sealed class FileDescriptors : IReadOnlyList<SafeHandle>, IDisposable
{
    private readonly SafeHandle[] _handles;

    /// <summary>Descriptors to send; the caller keeps ownership.</summary>
    public FileDescriptors(params SafeHandle[] handles) => _handles = handles ?? throw new ArgumentNullException(nameof(handles));

    private FileDescriptors(SafeHandle[] handles, bool owned)
    {
        _handles = handles;
        IsOwned = owned;
    }

    /// <summary>
    /// Takes ownership of descriptors: the result closes them when disposed (or collected). For numbers the caller
    /// owns and hands over, e.g. descriptors a native library received; the library's own receive paths already
    /// own what the kernel installs.
    /// </summary>
    public static FileDescriptors TakeOwnership(ReadOnlySpan<int> descriptors)
    {
        var handles = new SafeHandle[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++) handles[i] = new SafeFileHandle(descriptors[i], ownsHandle: true);
        return new FileDescriptors(handles, owned: true);
    }

    /// <summary>Refers to descriptor numbers without owning them: disposing the result closes nothing.</summary>
    internal static FileDescriptors Borrow(ReadOnlySpan<int> descriptors)
    {
        var handles = new SafeHandle[descriptors.Length];
        for (int i = 0; i < descriptors.Length; i++) handles[i] = new SafeFileHandle(descriptors[i], ownsHandle: false);
        return new FileDescriptors(handles, owned: false);
    }

    /// <summary>Wraps handles that already own descriptors the kernel installed (the caller created them).</summary>
    internal static FileDescriptors FromReceived(SafeHandle[] handles) => new(handles, owned: true);

    /// <summary>True when these descriptors were received and are closed by <see cref="Dispose"/>.</summary>
    public bool IsOwned { get; }

    /// <inheritdoc/>
    public int Count => _handles.Length;

    /// <inheritdoc/>
    public SafeHandle this[int index] => _handles[index];

    /// <summary>The descriptor numbers (valid while the handles are open).</summary>
    public int[] ToArray()
    {
        var result = new int[_handles.Length];
        for (int i = 0; i < result.Length; i++) result[i] = (int)_handles[i].DangerousGetHandle();
        return result;
    }

    /// <summary>Closes the descriptors if they were received; does nothing to descriptors passed in for sending.</summary>
    public void Dispose()
    {
        if (!IsOwned) return;
        foreach (var h in _handles) h.Dispose();
    }

    /// <inheritdoc/>
    public IEnumerator<SafeHandle> GetEnumerator() => ((IEnumerable<SafeHandle>)_handles).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The descriptor numbers, e.g. <c>[5, 6]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", ToArray()) + "]";
}
