using System;
using System.Collections;
using System.Collections.Generic;

namespace UcSocket;

/// <summary>
/// The two connected sockets of <see cref="Sockets.Pair"/>: ucode's two-element array, usable as ucode uses it
/// (<c>p[0]</c>, <c>p.Length</c>, a loop over both) and as C# likes it (<c>var (a, b) = Pair()!;</c>,
/// <c>using var p = Pair()!;</c> closes both).
/// </summary>
public sealed class SocketPair : IReadOnlyList<SocketHandle>, IDisposable
{
    /// <summary>Pairs two sockets (normally made by <see cref="Sockets.Pair"/>); the pair owns them from then on.</summary>
    public SocketPair(SocketHandle first, SocketHandle second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        First = first;
        Second = second;
    }

    /// <summary>The first socket (<c>p[0]</c>).</summary>
    public SocketHandle First { get; }

    /// <summary>The second socket (<c>p[1]</c>).</summary>
    public SocketHandle Second { get; }

    /// <summary>The socket at <paramref name="index"/>: 0 or 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Any other index.</exception>
    public SocketHandle this[int index] => index switch
    {
        0 => First,
        1 => Second,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A socket pair holds sockets 0 and 1."),
    };

    /// <summary>2.</summary>
    public int Count => 2;

    /// <summary>2, as ucode's <c>length(p)</c>.</summary>
    public int Length => 2;

    /// <summary>Deconstructs into the two sockets: <c>var (a, b) = Pair()!;</c>.</summary>
    public void Deconstruct(out SocketHandle first, out SocketHandle second)
    {
        first = First;
        second = Second;
    }

    /// <summary>Both sockets as an array, ucode's form.</summary>
    public SocketHandle[] ToArray() => [First, Second];

    /// <summary>Closes both sockets.</summary>
    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
    }

    /// <inheritdoc/>
    public IEnumerator<SocketHandle> GetEnumerator()
    {
        yield return First;
        yield return Second;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
