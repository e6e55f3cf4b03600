using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Analysis;

/// <summary>
/// The typed form of a ucode-style call, as the properties of a UCS107 diagnostic that the code fix applies: only
/// where it does what the ucode-style call does, for every value the call can be given (options whose value is a
/// struct, an int or a bool; values that convert without a run-time check).
/// </summary>
internal static class TypedForms
{
    public static ImmutableDictionary<string, string?>? ForSetOpt(IInvocationOperation call, IOperation value, AnalyzedOption option, ResolvedKind kind,
        SpecTables tables, KnownTypes types)
    {
        if (Descriptor(call, option) is not { } descriptor || call.SemanticModel is not { } model) return null;
        var text = ValueText(Unwrap(value), kind, tables, types, model.Compilation, t => t.ToMinimalDisplayString(model, call.Syntax.SpanStart));
        if (text is null) return null;
        return ImmutableDictionary<string, string?>.Empty
            .Add(AnalyzerDiagnostics.Properties.Descriptor, descriptor)
            .Add(AnalyzerDiagnostics.Properties.Value, text);
    }

    /// <summary>
    /// GetOpt's typed form returns <c>T?</c> where the ucode form returns <c>object?</c> (a boxed int or bool, or the
    /// struct's dictionary). It is offered where the difference cannot show: the result discarded, tested with a
    /// pattern, or stored in an <c>object</c>; a struct's result keeps its dictionary form (<c>?.ToDictionary()</c>)
    /// unless it is discarded.
    /// </summary>
    public static ImmutableDictionary<string, string?>? ForGetOpt(IInvocationOperation call, AnalyzedOption option, SpecTables tables, KnownTypes types)
    {
        if (option.Option.Get is not { } kind || kind.Kind is not (ValueKindId.Int or ValueKindId.Bool or ValueKindId.Struct)) return null;
        if (Descriptor(call, option) is not { } descriptor) return null;
        bool discarded = call.Parent is IExpressionStatementOperation;
        var typedValue = kind.Kind switch { ValueKindId.Int => SpecialType.System_Int32, ValueKindId.Bool => SpecialType.System_Boolean, _ => SpecialType.None };
        bool asObject = call.Parent switch
        {
            // `is int n` reads an int? as it reads a boxed int; a pattern of another type would no longer compile.
            IIsPatternOperation { Pattern: IDeclarationPatternOperation { MatchedType: { } matched } } when typedValue != SpecialType.None && matched.SpecialType == typedValue => true,
            IIsPatternOperation { Pattern: ITypePatternOperation { MatchedType: { } matched } } when typedValue != SpecialType.None && matched.SpecialType == typedValue => true,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation d } when d.Symbol.Type.SpecialType == SpecialType.System_Object
                && d.Syntax.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclarationSyntax { Type.IsVar: false } => true,
            ISimpleAssignmentOperation a when a.Value == call && a.Target.Type?.SpecialType == SpecialType.System_Object => true,
            _ => false,
        };
        if (!discarded && !asObject) return null;
        if (call.Syntax.Parent is Microsoft.CodeAnalysis.CSharp.Syntax.ConditionalAccessExpressionSyntax
            || call.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberBindingExpressionSyntax })
            return null; // s?.GetOpt(...): the appended ToDictionary would not fit the conditional access
        var result = ImmutableDictionary<string, string?>.Empty.Add(AnalyzerDiagnostics.Properties.Descriptor, descriptor);
        if (kind.Kind == ValueKindId.Struct && !discarded)
        {
            if (kind.StructTag is not { } tag || !tables.TryGetStruct(tag, out var layout) || types.StructType(tables, layout) is not { } type
                || !type.GetMembers("ToDictionary").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 0 && !m.IsStatic))
                return null;
            result = result.Add(AnalyzerDiagnostics.Properties.GetForm, AnalyzerDiagnostics.Properties.GetAsDictionary);
        }
        return result;
    }

    /// <summary>
    /// The generated descriptor as the call's place names it (<c>SockOpt.SoLinger</c> under <c>using UcSocket;</c>);
    /// null when the compilation does not have it.
    /// </summary>
    private static string? Descriptor(IInvocationOperation call, AnalyzedOption option) =>
        call.SemanticModel is { } model && model.Compilation.GetTypeByMetadataName(option.Namespace + ".SockOpt") is { } sockOpt
        && sockOpt.GetMembers(option.Option.Property).Any(m => m is IFieldSymbol or IPropertySymbol)
            ? sockOpt.ToMinimalDisplayString(model, call.Syntax.SpanStart) + "." + option.Option.Property
            : null;

    private static IOperation Unwrap(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } c) operation = c.Operand;
        return operation;
    }

    private static string? ValueText(IOperation value, ResolvedKind kind, SpecTables tables, KnownTypes types, Compilation compilation, Func<ITypeSymbol, string> name)
    {
        var constant = value.ConstantValue;
        switch (kind.Kind)
        {
            case ValueKindId.Int:
            {
                var intType = compilation.GetSpecialType(SpecialType.System_Int32);
                if (constant.HasValue)
                    return ConstantRules.TryToInt64(constant.Value, out var l) && l >= int.MinValue && l <= int.MaxValue ? Literal(l) : null;
                return Implicit(compilation, value.Type, intType) ? Text(value) : null;
            }
            case ValueKindId.Bool:
            {
                if (constant.HasValue) return ConstantRules.TryToInt64(constant.Value, out var l) ? (l != 0 ? "true" : "false") : null;
                if (value.Type?.SpecialType == SpecialType.System_Boolean) return Text(value);
                // An integer is true when it is not zero, as the bool codec reads it.
                if (value.Type is { } t && t.SpecialType != SpecialType.System_Char && Implicit(compilation, t, compilation.GetSpecialType(SpecialType.System_Int64)))
                    return $"({Text(value)}) != 0";
                return null;
            }
            case ValueKindId.Struct:
            {
                if (kind.StructTag is not { } tag || !tables.TryGetStruct(tag, out var layout) || types.StructType(tables, layout) is not { } type) return null;
                if (SymbolEqualityComparer.Default.Equals(value.Type, type)) return Text(value);
                return DictionaryLiteral.TryRead(value, types) is { } literal ? StructText(literal, layout, type, tables, types, compilation, name) : null;
            }
            default:
                return null;
        }
    }

    /// <summary><c>new global::NS.Type(Prop: value, ...)</c> from a dictionary literal whose every entry converts without a run-time check.</summary>
    private static string? StructText(DictionaryLiteral literal, StructLayout layout, INamedTypeSymbol type, SpecTables tables, KnownTypes types, Compilation compilation,
        Func<ITypeSymbol, string> name)
    {
        if (!literal.Complete) return null;
        var args = new List<(string Property, string Text)>();
        var seen = new HashSet<string>();
        foreach (var entry in literal.Entries)
        {
            if (entry.Key is null || !seen.Add(entry.Key)) return null;
            var field = layout.Fields.FirstOrDefault(f => f.Field.Name == entry.Key);
            if (field is null) return null;
            var property = type.GetMembers(field.Field.Property).OfType<IPropertySymbol>().FirstOrDefault();
            if (property is null) return null;
            var value = Unwrap(entry.Value);
            if (value.ConstantValue is { HasValue: true, Value: null }) continue; // null is zero, as an omitted field
            var text = FieldText(field, property.Type, value, tables, types, compilation, name);
            if (text is null) return null;
            args.Add((field.Field.Property, text));
        }
        var typeName = name(type);
        var used = new HashSet<string>(args.Select(a => a.Property));
        // The generated constructor takes every field by its property name, each optional.
        if (type.InstanceConstructors.Any(c => c.DeclaredAccessibility == Accessibility.Public
                && used.All(p => c.Parameters.Any(x => x.Name == p))
                && c.Parameters.All(x => used.Contains(x.Name) || x.IsOptional)))
            return $"new {typeName}({string.Join(", ", args.Select(a => $"{a.Property}: {a.Text}"))})";
        if (args.All(a => type.GetMembers(a.Property).OfType<IPropertySymbol>().Any(p => p.SetMethod is { DeclaredAccessibility: Accessibility.Public })))
            return args.Count == 0 ? $"new {typeName}()" : $"new {typeName} {{ {string.Join(", ", args.Select(a => $"{a.Property} = {a.Text}"))} }}";
        return null;
    }

    private static string? FieldText(FieldLayout field, ITypeSymbol propertyType, IOperation value, SpecTables tables, KnownTypes types, Compilation compilation,
        Func<ITypeSymbol, string> name)
    {
        if (field.Field.Count == 0 && field.Field.Kind == FieldKind.Struct && field.NestedTag is { } tag && tables.TryGetStruct(tag, out var nested)
            && propertyType is INamedTypeSymbol nestedType && DictionaryLiteral.TryRead(value, types) is { } inner)
            return StructText(inner, nested, nestedType, tables, types, compilation, name);
        if (SymbolEqualityComparer.Default.Equals(value.Type, propertyType) && field.Bits == 0) return Text(value);
        if (field.Field.Count != 0 || field.Field.Kind is not (FieldKind.Int or FieldKind.IfIndex)) return null;
        if (value.ConstantValue.HasValue)
        {
            // A constant the analyzer found to fit the field's C type, written as a literal of the property's type.
            if (ConstantRules.FitsField(field, value.ConstantValue.Value) != true) return null;
            if (ConstantRules.Range(field).Unsigned64)
                return ConstantRules.TryToUInt64(value.ConstantValue.Value, out var u) ? u.ToString(CultureInfo.InvariantCulture) : null;
            return ConstantRules.TryToInt64(value.ConstantValue.Value, out var l) ? Literal(l) : null;
        }
        // Anything else only when C# converts it implicitly and the property holds exactly the C type's range.
        return field.Bits == 0 && field.Scalar is { } scalar && scalar.ClrType == propertyType.ToDisplayString()
            && Implicit(compilation, value.Type, propertyType) ? Text(value) : null;
    }

    private static bool Implicit(Compilation compilation, ITypeSymbol? from, ITypeSymbol to)
    {
        if (from is null) return false;
        var c = ((Microsoft.CodeAnalysis.CSharp.CSharpCompilation)compilation).ClassifyConversion(from, to);
        return c.IsImplicit && !c.IsUserDefined && (c.IsIdentity || c.IsNumeric);
    }

    private static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(IOperation value) => value.Syntax.ToString();
}
