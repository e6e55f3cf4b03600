using System;
using System.Collections.Generic;
using System.Linq;

namespace UcSocket.Tests.Fuzz;

/// <summary>A generated spec struct's marshalling, reached without knowing the struct type at compile time.</summary>
internal interface ISpecStructOps
{
    Type Type { get; }

    string CTypeName { get; }

    int NativeSize { get; }

    /// <summary>The struct as the spec describes it.</summary>
    SpecStruct Spec { get; }

    object Read(ReadOnlySpan<byte> source);

    bool TryFromDictionary(IReadOnlyDictionary<string, object?> values, out object? value, out string? error);

    /// <summary>Through the struct's codec (<see cref="Marshalling.StructCodec{T}"/>), which takes any dictionary type or the struct itself.</summary>
    bool TryFromUcode(object? ucode, out object? value, out string? error);

    Dictionary<string, object?> ToDictionary(object value);

    /// <summary>The C bytes, or null (with the error) when the value does not write.</summary>
    byte[]? Write(object value, out string? error);
}

/// <summary>The marshalling of <typeparamref name="T"/> behind <see cref="ISpecStructOps"/>.</summary>
internal sealed class SpecStructOps<T> : ISpecStructOps where T : unmanaged, ISpecStruct<T>
{
    public Type Type => typeof(T);

    public string CTypeName => T.CTypeName;

    public int NativeSize => T.NativeSize;

    public SpecStruct Spec { get; } = SpecStructs.ByCType[T.CTypeName];

    public object Read(ReadOnlySpan<byte> source) => T.Read(source);

    public bool TryFromDictionary(IReadOnlyDictionary<string, object?> values, out object? value, out string? error)
    {
        bool ok = T.TryFromDictionary(values, out var typed, out error);
        value = ok ? typed : null;
        return ok;
    }

    public bool TryFromUcode(object? ucode, out object? value, out string? error)
    {
        bool ok = Marshalling.StructCodec<T>.Instance.TryFromUcode(ucode, out var typed, out error);
        value = ok ? typed : null;
        return ok;
    }

    public Dictionary<string, object?> ToDictionary(object value) => ((T)value).ToDictionary();

    public byte[]? Write(object value, out string? error)
    {
        var bytes = new byte[T.NativeSize];
        return ((T)value).TryWrite(bytes, out error) ? bytes : null;
    }
}

/// <summary>Every spec struct of the library.</summary>
internal static class SpecStructCatalog
{
    private static readonly Lazy<IReadOnlyList<ISpecStructOps>> s_all = new(() => typeof(ISpecStruct<>).Assembly.GetTypes()
        .Where(t => t.IsValueType && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISpecStruct<>)))
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (ISpecStructOps)Activator.CreateInstance(typeof(SpecStructOps<>).MakeGenericType(t))!)
        .ToList());

    public static IReadOnlyList<ISpecStructOps> All => s_all.Value;

    private static readonly Lazy<Dictionary<string, ISpecStructOps>> s_byCType = new(() => All.ToDictionary(o => o.CTypeName, StringComparer.Ordinal));

    public static ISpecStructOps ByCType(string ctype) => s_byCType.Value[ctype];
}
