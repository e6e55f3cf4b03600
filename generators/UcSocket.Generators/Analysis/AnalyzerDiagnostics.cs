using Microsoft.CodeAnalysis;

namespace UcSocket.Generators.Analysis;

/// <summary>
/// The diagnostics of the ucode-style call analyzer (documented in README.md, "Compile-time checks"). The spec
/// generator's own ids are UCS001 to UCS011; the analyzer's start at UCS101.
/// </summary>
public static class AnalyzerDiagnostics
{
    private const string Category = "UcSocket.Usage";

    /// <summary>The (level, option) or (level, type) pair is not in the spec: a warning, the program may target a newer kernel.</summary>
    public static readonly DiagnosticDescriptor UndefinedPair = new(
        "UCS101", "Socket option or control-message type the spec does not define",
        "({0}, {1}) is not a {2} the spec defines{3}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "GetOpt, SetOpt and new ControlMessage with constant arguments name a pair the spec (the library's and the project's own YAML) does not define; at run time the call fails with EINVAL unless another assembly registers it.");

    /// <summary>GetOpt of a write-only option, SetOpt of a read-only one: the library refuses it without a syscall.</summary>
    public static readonly DiagnosticDescriptor WrongAccess = new(
        "UCS102", "Socket option read or written against its access",
        "{0} is {1}: {2} always fails at run time", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The spec marks the option read-only or write-only, as the kernel has it; the library refuses the call with EOPNOTSUPP.");

    /// <summary>An option value whose static type (or constant value) can never convert to the option's kind.</summary>
    public static readonly DiagnosticDescriptor ValueDoesNotConvert = new(
        "UCS103", "Option value does not convert to the option's kind",
        "{0} takes {1}: {2} does not convert to it", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "SetOpt would fail with EINVAL naming the value: no value of this type (or this constant) converts to what the option takes.");

    /// <summary>A dictionary literal with a key that is not a field of the struct.</summary>
    public static readonly DiagnosticDescriptor UnknownField = new(
        "UCS104", "Dictionary key is not a field of the struct",
        "{0} has no field '{1}' (fields: {2})", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The library refuses a dictionary with a key the struct does not have, so that a misspelt field is never a silent zero.");

    /// <summary>A dictionary literal with a value that does not fit the field's C type.</summary>
    public static readonly DiagnosticDescriptor FieldDoesNotFit = new(
        "UCS105", "Dictionary value does not fit the struct field",
        "Field '{0}' of {1} takes {2}: {3} does not fit", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The value of this field is out of range for its C type or cannot convert to it; the library refuses it with EINVAL naming the field.");

    /// <summary>A control message whose data cannot encode as its type's payload kind.</summary>
    public static readonly DiagnosticDescriptor DataDoesNotEncode = new(
        "UCS106", "Control-message data does not encode as the type's payload",
        "{0} carries {1}: {2} does not encode as it", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "SendMsg would fail with EINVAL naming the ancillary item: no value of this type (or this constant) encodes as the control-message type's payload.");

    /// <summary>The id of <see cref="TypedFormAvailable"/>, for the code fix.</summary>
    public const string TypedFormAvailableId = "UCS107";

    /// <summary>A ucode-style call that has a typed form with the same behaviour; the code fix rewrites it. Hidden: a suggestion in the IDE only.</summary>
    public static readonly DiagnosticDescriptor TypedFormAvailable = new(
        TypedFormAvailableId, "ucode-style option call has a typed form",
        "{0} can be called with the typed descriptor {1}", Category, DiagnosticSeverity.Hidden, isEnabledByDefault: true,
        description: "The call names a constant level and option whose value is a struct, an int or a bool; the typed form (SockOpt descriptor, generated struct) checks the value when compiling and allocates nothing.");

    /// <summary>Keys of <see cref="TypedFormAvailable"/>'s properties, read by the code fix.</summary>
    public static class Properties
    {
        /// <summary>The typed descriptor as the call's place names it: <c>SockOpt.SoLinger</c>.</summary>
        public const string Descriptor = "Descriptor";

        /// <summary>SetOpt only: the typed value as C# text, types named as the call's place names them.</summary>
        public const string Value = "Value";

        /// <summary>GetOpt only: <see cref="GetAsDictionary"/> when the result must stay the ucode dictionary (<c>?.ToDictionary()</c>).</summary>
        public const string GetForm = "GetForm";

        public const string GetAsDictionary = "dictionary";
    }
}
