namespace UcSocket.Generators.Parsing;

/// <summary>A diagnostic id and its title; the message of each report says what and where.</summary>
public sealed record DiagnosticSpec(string Id, string Title);

/// <summary>The stable diagnostic ids of the spec generator (documented in spec/README.md).</summary>
public static class Diagnostics
{
    public static readonly DiagnosticSpec YamlSyntax = new("UCS001", "Spec file is not valid YAML");
    public static readonly DiagnosticSpec UnknownType = new("UCS002", "Unknown type in spec");
    public static readonly DiagnosticSpec UnknownConstant = new("UCS003", "Unknown constant in spec");
    public static readonly DiagnosticSpec DuplicateOption = new("UCS004", "Duplicate socket option in spec");
    public static readonly DiagnosticSpec MissingFieldType = new("UCS005", "Struct field has no type");
    public static readonly DiagnosticSpec InvalidEntry = new("UCS006", "Invalid spec entry");
    public static readonly DiagnosticSpec Duplicate = new("UCS007", "Duplicate definition in spec");
    public static readonly DiagnosticSpec InternalError = new("UCS008", "Spec generator failed on a file");

    public static readonly DiagnosticSpec[] All = { YamlSyntax, UnknownType, UnknownConstant, DuplicateOption, MissingFieldType, InvalidEntry, Duplicate, InternalError };
}
