using Microsoft.CodeAnalysis;

namespace UcSocket.Generators.Parsing;

/// <summary>A diagnostic id with its title, message format and severity.</summary>
public sealed record DiagnosticSpec(string Id, string Title, string Format, DiagnosticSeverity Severity = DiagnosticSeverity.Error);

/// <summary>The stable diagnostic ids of the spec generator (documented in spec/README.md), each with its own message format.</summary>
public static class Diagnostics
{
    public static readonly DiagnosticSpec YamlSyntax = new("UCS001", "Spec file is not valid YAML", "Invalid YAML: {0}");
    public static readonly DiagnosticSpec UnknownType = new("UCS002", "Unknown type in spec", "{0}: unknown type '{1}'{2}");
    public static readonly DiagnosticSpec UnknownConstant = new("UCS003", "Unknown constant in spec", "{0}: unknown constant '{1}'{2}");
    public static readonly DiagnosticSpec DuplicateOption = new("UCS004", "Duplicate socket option in spec", "Option {0} ({1}, {2}) is already defined as {3} at {4}");
    public static readonly DiagnosticSpec MissingFieldType = new("UCS005", "Struct field has no type", "{0}: field '{1}' has no type");
    public static readonly DiagnosticSpec InvalidEntry = new("UCS006", "Invalid spec entry", "{0}: {1}");
    public static readonly DiagnosticSpec Duplicate = new("UCS007", "Duplicate definition in spec", "{0} is already defined at {1}");
    public static readonly DiagnosticSpec InternalError = new("UCS008", "Spec generator failed", "The spec generator failed ({0}); this is a bug in the generator, please report it");
    public static readonly DiagnosticSpec Empty = new("UCS009", "Spec file defines nothing", "The spec file defines nothing: no constants, structs, options, cmsgs or families", DiagnosticSeverity.Warning);
    public static readonly DiagnosticSpec Limit = new("UCS010", "Spec file beyond a limit", "{0}, more than the limit of {1}");
    public static readonly DiagnosticSpec Unsupported = new("UCS011", "YAML a spec file does not take", "{0} is not allowed in a spec file: {1}");
    public static readonly DiagnosticSpec HidesLibrary = new("UCS012", "Generated classes hide the library's",
        "The project's generated {0} go into namespace '{1}', which holds the project's root namespace '{2}': code there sees them in place of the library's (SockOpt.SoLinger no longer compiles). Set UcSocketSpecNamespace to a namespace of their own, such as '{3}'.",
        DiagnosticSeverity.Warning);

    /// <summary>A duplicate mapping key is invalid YAML: reported as UCS001.</summary>
    public static readonly DiagnosticSpec DuplicateKey = YamlSyntax;

    public static readonly DiagnosticSpec[] All = { YamlSyntax, UnknownType, UnknownConstant, DuplicateOption, MissingFieldType, InvalidEntry, Duplicate, InternalError, Empty, Limit, Unsupported, HidesLibrary };
}
