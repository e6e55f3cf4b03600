using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Analysis;

/// <summary>
/// Checks the ucode-style calls (<c>SocketHandle.GetOpt(level, option)</c>, <c>SetOpt(level, option, value)</c>,
/// <c>new ControlMessage(level, type, data)</c>) whose level and option are compile-time constants against the
/// spec the project builds with (the library's, handed over as reference files, and the project's own YAML): the
/// pair exists, the access allows the call, the value converts. Offers the typed form where it behaves the same.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UcodeCallAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        AnalyzerDiagnostics.UndefinedPair, AnalyzerDiagnostics.WrongAccess, AnalyzerDiagnostics.ValueDoesNotConvert,
        AnalyzerDiagnostics.UnknownField, AnalyzerDiagnostics.FieldDoesNotFit, AnalyzerDiagnostics.DataDoesNotEncode,
        AnalyzerDiagnostics.TypedFormAvailable);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("UcSocket.SocketHandle") is not { } handle) return;
            var controlMessage = start.Compilation.GetTypeByMetadataName("UcSocket.ControlMessage");
            SpecTables tables;
            try
            {
                tables = SpecTables.For(start.Options, start.CancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return; // a spec the generator reports on; the analyzer stays quiet rather than fail the build
            }
            if (tables.IsEmpty) return;
            var checker = new CallChecker(start.Compilation, tables, new KnownTypes(start.Compilation));
            start.RegisterOperationAction(op =>
            {
                var call = (IInvocationOperation)op.Operation;
                var m = call.TargetMethod;
                if (!SymbolEqualityComparer.Default.Equals(m.ContainingType, handle) || m.IsStatic) return;
                if (m.Name == "GetOpt" && IsUcodeSignature(m, 2)) checker.CheckGetOpt(call, op.ReportDiagnostic);
                else if (m.Name == "SetOpt" && IsUcodeSignature(m, 3)) checker.CheckSetOpt(call, op.ReportDiagnostic);
            }, OperationKind.Invocation);
            if (controlMessage is not null)
                start.RegisterOperationAction(op =>
                {
                    var creation = (IObjectCreationOperation)op.Operation;
                    if (creation.Constructor is { } ctor && SymbolEqualityComparer.Default.Equals(ctor.ContainingType, controlMessage) && IsUcodeSignature(ctor, 3))
                        checker.CheckControlMessage(creation, op.ReportDiagnostic);
                }, OperationKind.ObjectCreation);
        });
    }

    /// <summary>(int level, int option) or (int level, int option, object? value).</summary>
    private static bool IsUcodeSignature(IMethodSymbol m, int count) =>
        m.Parameters.Length == count
        && m.Parameters[0].Type.SpecialType == SpecialType.System_Int32
        && m.Parameters[1].Type.SpecialType == SpecialType.System_Int32
        && (count == 2 || m.Parameters[2].Type.SpecialType == SpecialType.System_Object);
}

/// <summary>The checks of one compilation, against its spec tables.</summary>
internal sealed class CallChecker
{
    private readonly Compilation _compilation;
    private readonly SpecTables _tables;
    private readonly KnownTypes _types;

    public CallChecker(Compilation compilation, SpecTables tables, KnownTypes types)
    {
        _compilation = compilation;
        _tables = tables;
        _types = types;
    }

    /// <summary>A constant argument: its value and, when it is a named constant the spec knows, that name.</summary>
    private readonly struct ConstantArgument
    {
        public ConstantArgument(int value, string? name)
        {
            Value = value;
            Name = name;
        }

        public int Value { get; }
        public string? Name { get; }
        public string Text => Name ?? Value.ToString(CultureInfo.InvariantCulture);
    }

    private ConstantArgument? Constant(IOperation argument)
    {
        var value = Unwrap(argument);
        if (!argument.ConstantValue.HasValue || argument.ConstantValue.Value is not int number) return null;
        string? name = null;
        if (value is IFieldReferenceOperation { Field: { IsConst: true } field }
            && _tables.TryGetConstant(field.Name, out var specValue) && specValue == number)
            name = field.Name;
        return new ConstantArgument(number, name);
    }

    /// <summary>The operand under the implicit conversions the compiler added (to int, to object).</summary>
    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } c) operation = c.Operand;
        return operation;
    }

    private static IOperation? Argument(ImmutableArray<IArgumentOperation> arguments, int ordinal) =>
        arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal)?.Value;

    public void CheckGetOpt(IInvocationOperation call, Action<Diagnostic> report)
    {
        if (Resolve(call.Arguments, call.Syntax, report) is not { } option) return;
        if (option.Option.Get is null)
        {
            report(Diagnostic.Create(AnalyzerDiagnostics.WrongAccess, call.Syntax.GetLocation(), option.Name, "write-only", "GetOpt"));
            return;
        }
        if (TypedForms.ForGetOpt(call, option, _tables, _types) is { } typed)
            report(Diagnostic.Create(AnalyzerDiagnostics.TypedFormAvailable, call.Syntax.GetLocation(), typed, "GetOpt", typed[AnalyzerDiagnostics.Properties.Descriptor]));
    }

    public void CheckSetOpt(IInvocationOperation call, Action<Diagnostic> report)
    {
        if (Resolve(call.Arguments, call.Syntax, report) is not { } option) return;
        if (option.Option.Set is not { } kind)
        {
            report(Diagnostic.Create(AnalyzerDiagnostics.WrongAccess, call.Syntax.GetLocation(), option.Name, "read-only", "SetOpt"));
            return;
        }
        if (Argument(call.Arguments, 2) is not { } value) return;
        bool ok = CheckValue(value, kind, option.Name, report, (location, what) =>
            Diagnostic.Create(AnalyzerDiagnostics.ValueDoesNotConvert, location, option.Name, ConstantRules.DescribeKind(kind, _tables), what));
        if (ok && TypedForms.ForSetOpt(call, value, option, kind, _tables, _types) is { } typed)
            report(Diagnostic.Create(AnalyzerDiagnostics.TypedFormAvailable, call.Syntax.GetLocation(), typed, "SetOpt", typed[AnalyzerDiagnostics.Properties.Descriptor]));
    }

    public void CheckControlMessage(IObjectCreationOperation creation, Action<Diagnostic> report)
    {
        var level = Argument(creation.Arguments, 0) is { } l ? Constant(l) : null;
        var type = Argument(creation.Arguments, 1) is { } t ? Constant(t) : null;
        if (level is not { } lv || type is not { } tv) return;
        var named = tv.Name is null ? Array.Empty<AnalyzedCmsg>() : _tables.CmsgsNamed(tv.Name);
        bool defined = _tables.TryGetCmsg(lv.Value, tv.Value, out var cmsg);
        var data = Argument(creation.Arguments, 2);
        bool misnamed = named.Count > 0 && !named.Any(c => c.Cmsg.Level == lv.Value);
        // A type the spec does not know is sent as its raw bytes: only other data makes the message fail.
        if (!defined && !misnamed && data is not null && _types.RawBytes.CanHold(_compilation, Unwrap(data).Type)) return;
        if (misnamed || !defined)
        {
            var hint = named.Count > 0 ? $"; {tv.Name} is a control-message type of {Levels(named.Select(c => c.LevelName))}" : "";
            if (defined && named.Count > 0) hint += $", and ({lv.Text}, {tv.Value.ToString(CultureInfo.InvariantCulture)}) is {cmsg.Name}";
            report(Diagnostic.Create(AnalyzerDiagnostics.UndefinedPair, creation.Syntax.GetLocation(), lv.Text, tv.Text, "control-message type", hint));
            return;
        }
        if (data is null) return;
        var payload = cmsg.Cmsg.Payload;
        CheckValue(data, payload, cmsg.Name, report, (location, what) =>
            Diagnostic.Create(AnalyzerDiagnostics.DataDoesNotEncode, location, cmsg.Name, ConstantRules.DescribeKind(payload, _tables), what),
            rawBytesToo: true);
    }

    /// <summary>The option a call names, or null (reported as UCS101 when the pair is not in the spec).</summary>
    private AnalyzedOption? Resolve(ImmutableArray<IArgumentOperation> arguments, SyntaxNode syntax, Action<Diagnostic> report)
    {
        var level = Argument(arguments, 0) is { } l ? Constant(l) : null;
        var option = Argument(arguments, 1) is { } o ? Constant(o) : null;
        if (level is not { } lv || option is not { } ov) return null;
        var named = ov.Name is null ? Array.Empty<AnalyzedOption>() : _tables.OptionsNamed(ov.Name);
        bool defined = _tables.TryGetOption(lv.Value, ov.Value, out var found);
        // A named option at a level it does not belong to is a mistake even when the numbers happen to name another
        // option there: (SOL_SOCKET, TCP_NODELAY) is (1, 1), which is SO_DEBUG.
        if (named.Count > 0 && !named.Any(n => n.Option.Level == lv.Value) || !defined)
        {
            var hint = named.Count > 0 ? $"; {ov.Name} is an option of {Levels(named.Select(n => n.LevelName))}" : "";
            if (defined && named.Count > 0) hint += $", and ({lv.Text}, {ov.Value.ToString(CultureInfo.InvariantCulture)}) is {found.Name}";
            report(Diagnostic.Create(AnalyzerDiagnostics.UndefinedPair, syntax.GetLocation(), lv.Text, ov.Text, "socket option", hint));
            return null;
        }
        return found;
    }

    private static string Levels(IEnumerable<string> names)
    {
        var list = names.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
        return list.Count == 1 ? "level " + list[0] : "levels " + string.Join(", ", list);
    }

    /// <summary>
    /// Checks a value against a kind; reports through <paramref name="mismatch"/> when it can never convert, and checks
    /// a dictionary literal for a struct kind field by field. False when anything was reported.
    /// </summary>
    private bool CheckValue(IOperation value, ResolvedKind kind, string what, Action<Diagnostic> report,
        Func<Location, string, Diagnostic> mismatch, bool rawBytesToo = false)
    {
        var operand = Unwrap(value);
        var acceptance = _types.ForKind(kind, _tables);
        if (rawBytesToo) acceptance = acceptance.With(_types.RawBytes);
        if (kind.Kind == ValueKindId.Struct && kind.StructTag is { } tag && _tables.TryGetStruct(tag, out var layout)
            && DictionaryLiteral.TryRead(operand, _types) is { } literal)
            return CheckDictionary(literal, layout, report);
        if (!Converts(operand, acceptance, operand.ConstantValue.HasValue ? ConstantRules.FitsKind(kind.Kind, operand.ConstantValue.Value) : null))
        {
            report(mismatch(operand.Syntax.GetLocation(), ConstantRules.DescribeValue(operand.Type, operand.ConstantValue)));
            return false;
        }
        return true;
    }

    /// <summary>Whether a value can convert: a constant by its value where the kind is modelled, else by its static type.</summary>
    private bool Converts(IOperation operand, Acceptance acceptance, bool? constantFits) =>
        constantFits ?? acceptance.CanHold(_compilation, operand.ConstantValue.HasValue && operand.ConstantValue.Value is null ? null : operand.Type);

    private bool CheckDictionary(DictionaryLiteral literal, StructLayout layout, Action<Diagnostic> report)
    {
        bool ok = true;
        var names = string.Join(", ", layout.Fields.Select(f => f.Field.Name));
        foreach (var entry in literal.Entries)
        {
            if (entry.Key is null) continue; // not a constant string: nothing to say about it
            var field = layout.Fields.FirstOrDefault(f => f.Field.Name == entry.Key);
            if (field is null)
            {
                report(Diagnostic.Create(AnalyzerDiagnostics.UnknownField, entry.KeySyntax.GetLocation(), layout.CTypeName, entry.Key, names));
                ok = false;
                continue;
            }
            var value = Unwrap(entry.Value);
            if (field.Field.Count == 0 && field.Field.Kind == FieldKind.Struct && field.NestedTag is { } tag
                && _tables.TryGetStruct(tag, out var nested) && DictionaryLiteral.TryRead(value, _types) is { } inner)
            {
                ok &= CheckDictionary(inner, nested, report);
                continue;
            }
            var fits = value.ConstantValue.HasValue ? ConstantRules.FitsField(field, value.ConstantValue.Value) : null;
            if (!Converts(value, _types.ForField(field, _tables), fits))
            {
                report(Diagnostic.Create(AnalyzerDiagnostics.FieldDoesNotFit, value.Syntax.GetLocation(), field.Field.Name, layout.CTypeName,
                    ConstantRules.DescribeField(field), ConstantRules.DescribeValue(value.Type, value.ConstantValue)));
                ok = false;
            }
        }
        return ok;
    }
}

/// <summary>A dictionary built with an initializer: <c>new Dictionary&lt;string, object?&gt; { ["onoff"] = 1 }</c>.</summary>
internal sealed class DictionaryLiteral
{
    /// <summary>One entry: its key when it is a constant string (null otherwise), and its value.</summary>
    public sealed record Entry(string? Key, SyntaxNode KeySyntax, IOperation Value);

    private DictionaryLiteral(IObjectCreationOperation creation, IReadOnlyList<Entry> entries, bool complete)
    {
        Creation = creation;
        Entries = entries;
        Complete = complete;
    }

    public IObjectCreationOperation Creation { get; }
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Every entry has a constant string key, the dictionary is created without arguments, and nothing else is in the initializer.</summary>
    public bool Complete { get; }

    public static DictionaryLiteral? TryRead(IOperation operation, KnownTypes types)
    {
        if (operation is not IObjectCreationOperation { Initializer: { } initializer, Type: { } type } creation) return null;
        if (!types.Dictionaries.Any(d => type.AllInterfaces.Contains(d, SymbolEqualityComparer.Default) || SymbolEqualityComparer.Default.Equals(type, d)))
            return null;
        var entries = new List<Entry>();
        bool complete = creation.Arguments.Length == 0;
        foreach (var element in initializer.Initializers)
        {
            switch (element)
            {
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1 } indexer } assignment:
                    entries.Add(Read(indexer.Arguments[0].Value, assignment.Value, ref complete));
                    break;
                case IInvocationOperation { TargetMethod.Name: "Add", Arguments.Length: 2 } add:
                    entries.Add(Read(add.Arguments[0].Value, add.Arguments[1].Value, ref complete));
                    break;
                default:
                    complete = false;
                    break;
            }
        }
        return new DictionaryLiteral(creation, entries, complete);
    }

    private static Entry Read(IOperation key, IOperation value, ref bool complete)
    {
        var k = key.ConstantValue.HasValue ? key.ConstantValue.Value as string : null;
        if (k is null) complete = false;
        return new Entry(k, key.Syntax, value);
    }
}
