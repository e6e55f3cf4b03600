using System;
using System.Globalization;
using UcSocket.Native;

namespace UcSocket;

/// <summary>
/// A network interface, known by index, by name, or by both (<c>1</c>, <c>"lo"</c>), as ucode accepts either.
/// An id made from an index also carries the interface's name when the system knows that index, so an address the
/// kernel reports (an IPv6 scope, an AF_PACKET interface) reads as ucode reports it: the name whenever
/// <c>if_indextoname</c> resolves the index, else the number.
/// </summary>
public readonly struct InterfaceId : IEquatable<InterfaceId>
{
    /// <summary>
    /// The interface with this index; <see cref="Name"/> is its name as <c>if_indextoname</c> gives it now, or null
    /// when no interface has the index (or it is not positive).
    /// </summary>
    public InterfaceId(int index)
    {
        Index = index;
        Name = InterfaceNames.IndexToName(index);
    }

    /// <summary>The interface with this name; its index is looked up (<c>if_nametoindex</c>) when the id is used.</summary>
    public InterfaceId(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>An interface known by both index and name, taken as given (no lookup).</summary>
    public InterfaceId(int index, string? name)
    {
        Index = index;
        Name = name;
    }

    /// <summary>The index, or 0 when the interface was named by <see cref="Name"/> only (resolved when used).</summary>
    public int Index { get; }

    /// <summary>The name, or null when the interface is known by <see cref="Index"/> only (no interface had that index).</summary>
    public string? Name { get; }

    /// <summary>The interface with this index (and its name, when the system knows the index).</summary>
    public static implicit operator InterfaceId(int index) => new(index);

    /// <summary>The interface with this name.</summary>
    public static implicit operator InterfaceId(string name) => new(name);

    /// <summary>
    /// The index to hand to the kernel: <see cref="Index"/> when known, else the name resolved now with
    /// <c>if_nametoindex</c>. False when the name is unknown.
    /// </summary>
    public bool TryResolve(out int index)
    {
        if (Index != 0 || Name is null)
        {
            index = Index;
            return true;
        }
        index = InterfaceNames.NameToIndex(Name);
        return index > 0;
    }

    /// <summary>ucode's form: the name when known, else the index.</summary>
    public object ToUcode() => Name ?? (object)Index;

    /// <summary>The name when known, else the index as text.</summary>
    public override string ToString() => Name ?? Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Equal when both index and name are equal (an id made from a name alone has index 0 until used).</summary>
    public bool Equals(InterfaceId other) => Index == other.Index && Name == other.Name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is InterfaceId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Index, Name);

    /// <summary>Compares index and name.</summary>
    public static bool operator ==(InterfaceId left, InterfaceId right) => left.Equals(right);

    /// <summary>Compares index and name.</summary>
    public static bool operator !=(InterfaceId left, InterfaceId right) => !left.Equals(right);
}
