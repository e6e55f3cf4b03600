using System;
using System.Globalization;
using UcSocket.Native;

namespace UcSocket;

/// <summary>A network interface named by index or by name (<c>"lo"</c>), as ucode accepts either.</summary>
public readonly struct InterfaceId : IEquatable<InterfaceId>
{
    /// <summary>Names the interface by index.</summary>
    public InterfaceId(int index) => Index = index;

    /// <summary>Names the interface by name; resolved with <c>if_nametoindex</c> when used.</summary>
    public InterfaceId(string name) => Name = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>The index, or 0 when the interface is named by <see cref="Name"/>.</summary>
    public int Index { get; }

    /// <summary>The name, or null when the interface is named by <see cref="Index"/>.</summary>
    public string? Name { get; }

    /// <summary>Names the interface by index.</summary>
    public static implicit operator InterfaceId(int index) => new(index);

    /// <summary>Names the interface by name.</summary>
    public static implicit operator InterfaceId(string name) => new(name);

    /// <summary>The index: <see cref="Index"/>, or the name resolved with <c>if_nametoindex</c>. False when the name is unknown.</summary>
    public bool TryResolve(out int index)
    {
        if (Name is null)
        {
            index = Index;
            return true;
        }
        index = InterfaceNames.NameToIndex(Name);
        return index > 0;
    }

    /// <summary>The name when known (resolving the index with <c>if_indextoname</c>), else the index as text.</summary>
    public override string ToString() => Name ?? InterfaceNames.IndexToName(Index) ?? Index.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public bool Equals(InterfaceId other) => Index == other.Index && Name == other.Name;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is InterfaceId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Index, Name);

    /// <summary>Compares two interface references as written (a name and its index are not equal).</summary>
    public static bool operator ==(InterfaceId left, InterfaceId right) => left.Equals(right);

    /// <summary>Compares two interface references as written.</summary>
    public static bool operator !=(InterfaceId left, InterfaceId right) => !left.Equals(right);
}
