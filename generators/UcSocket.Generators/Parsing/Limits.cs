namespace UcSocket.Generators.Parsing;

/// <summary>
/// Bounds on what a spec file may hold, checked before anything that grows with the input runs, so that no file
/// can exhaust the compiler's stack, memory or time. Documented in spec/README.md ("Limits").
/// </summary>
public static class Limits
{
    /// <summary>Characters in one spec file (1 MiB; the library's largest file is about 40 KiB).</summary>
    public const int MaxFileChars = 1 << 20;

    /// <summary>Nesting of mappings and sequences (the spec format needs 7 at most, in test rows).</summary>
    public const int MaxDepth = 32;

    /// <summary>Characters in one scalar value, e.g. a doc text.</summary>
    public const int MaxScalarChars = 4096;

    /// <summary>Characters in one mapping key, e.g. a constant or struct name.</summary>
    public const int MaxKeyChars = 256;

    /// <summary>Members of one struct.</summary>
    public const int MaxFields = 1024;

    /// <summary>Elements of one array member (<c>count</c>), and the largest explicit <c>offset</c>.</summary>
    public const int MaxCount = 65536;

    /// <summary>Bytes of one struct, trailing fields included (values are built on the stack when read).</summary>
    public const int MaxStructSize = 65536;

    /// <summary>Levels of structs nested in structs.</summary>
    public const int MaxStructNesting = 16;

    /// <summary>Diagnostics reported for one file; past it, one more says how many were left out.</summary>
    public const int MaxDiagnosticsPerFile = 100;

    /// <summary>Characters of a diagnostic message; longer ones are cut with an ellipsis.</summary>
    public const int MaxMessageChars = 400;

    /// <summary>Characters of a piece of the user's text quoted in a message.</summary>
    public const int MaxQuotedChars = 64;
}
