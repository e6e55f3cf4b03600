using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace UcSocket.Package.Tests;

/// <summary>
/// The public surface of an assembly as sorted text, one declaration per line, C#-like: every public or protected
/// type with its base type, interfaces and generic constraints, and every member with its modifiers, parameter
/// names, defaults and nullable annotations. Anything that would break a caller (a removed member, a changed
/// signature or nullability, a new abstract member) changes the text.
/// </summary>
internal static class PublicApi
{
    /// <summary>Every member a type declares itself.</summary>
    public const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<Type, string> Keywords = new()
    {
        [typeof(void)] = "void", [typeof(bool)] = "bool", [typeof(byte)] = "byte", [typeof(sbyte)] = "sbyte",
        [typeof(short)] = "short", [typeof(ushort)] = "ushort", [typeof(int)] = "int", [typeof(uint)] = "uint",
        [typeof(long)] = "long", [typeof(ulong)] = "ulong", [typeof(nint)] = "nint", [typeof(nuint)] = "nuint",
        [typeof(float)] = "float", [typeof(double)] = "double", [typeof(decimal)] = "decimal", [typeof(char)] = "char",
        [typeof(string)] = "string", [typeof(object)] = "object",
    };

    public static string Describe(Assembly assembly)
    {
        var nullability = new NullabilityInfoContext();
        var sb = new StringBuilder();
        foreach (var type in assembly.GetTypes().Where(Visible).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(TypeDeclaration(type)).Append('\n');
            if (type.IsSubclassOf(typeof(Delegate))) continue;
            // By name (constructors first), then by the declaration: overloads stay together.
            var members = type.GetMembers(Declared).Where(Visible)
                .Select(m => (Name: m is ConstructorInfo ? "" : m.Name, Line: Member(type, m, nullability)))
                .Where(m => m.Line is not null)
                .OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Line, StringComparer.Ordinal);
            foreach (var (_, line) in members)
                sb.Append("    ").Append(line).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A type another assembly sees: public, or protected in a type it sees.</summary>
    public static bool Visible(Type t) => (t.IsPublic || t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamORAssem)
        && (t.DeclaringType is null || Visible(t.DeclaringType));

    /// <summary>A member another assembly sees: public or protected (a property or event through its accessors).</summary>
    public static bool Visible(MemberInfo m) => m switch
    {
        MethodBase b => b.IsPublic || b.IsFamily || b.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(Visible),
        EventInfo e => e.AddMethod is { } add && Visible(add),
        _ => false,
    };

    private static string Access(MethodBase m) => m.IsPublic ? "public" : m.IsFamilyOrAssembly ? "protected internal" : "protected";

    private static string Access(FieldInfo f) => f.IsPublic ? "public" : f.IsFamilyOrAssembly ? "protected internal" : "protected";

    private static string TypeDeclaration(Type t)
    {
        var sb = new StringBuilder(t.IsPublic || t.IsNestedPublic ? "public " : "protected ");
        if (t.IsSubclassOf(typeof(Delegate)))
        {
            var invoke = t.GetMethod("Invoke")!;
            var n = new NullabilityInfoContext();
            return sb.Append("delegate ").Append(Type(invoke.ReturnType, n.Create(invoke.ReturnParameter))).Append(' ')
                .Append(Declaration(t)).Append(Parameters(invoke.GetParameters(), n)).ToString();
        }
        string kind;
        if (t.IsEnum) kind = "enum";
        else if (t.IsInterface) kind = "interface";
        else if (t.IsValueType) kind = (t.IsDefined(typeof(IsReadOnlyAttribute)) ? "readonly " : "") + (IsRecord(t) ? "record struct" : "struct");
        else
        {
            kind = t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
            if (IsRecord(t)) kind = kind.Replace("class", "record", StringComparison.Ordinal);
        }
        sb.Append(kind).Append(' ').Append(Declaration(t));
        var bases = new List<string>();
        if (t.IsEnum) bases.Add(Type(Enum.GetUnderlyingType(t), null));
        else if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType)) bases.Add(Type(b, null));
        var inherited = t.BaseType?.GetInterfaces() ?? System.Type.EmptyTypes;
        bases.AddRange(t.GetInterfaces().Where(i => !inherited.Contains(i) && (i.IsPublic || i.IsNestedPublic))
            .Select(i => Type(i, null)).Order(StringComparer.Ordinal));
        if (bases.Count > 0) sb.Append(" : ").Append(string.Join(", ", bases));
        if (t.IsGenericTypeDefinition) sb.Append(Constraints(t.GetGenericArguments()));
        return sb.ToString();
    }

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$") is not null
        || t.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is { } pm && pm.IsDefined(typeof(CompilerGeneratedAttribute));

    private static string? Member(Type type, MemberInfo member, NullabilityInfoContext n)
    {
        switch (member)
        {
            case ConstructorInfo c:
                if (c.IsStatic || (type.IsValueType && c.GetParameters().Length == 0)) return null;
                return $"{Access(c)} {Declaration(type).Split('<')[0]}{Parameters(c.GetParameters(), n)}";
            case MethodInfo m when !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal):
                var generic = m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : "";
                var parameters = Parameters(m.GetParameters(), n);
                if (IsExtension(m)) parameters = "(this " + parameters[1..];
                return $"{Access(m)} {Modifiers(m, type)}{Type(m.ReturnType, n.Create(m.ReturnParameter))} {m.Name}{generic}{parameters}"
                    + (m.IsGenericMethodDefinition ? Constraints(m.GetGenericArguments()) : "");
            case PropertyInfo p:
                var accessors = p.GetAccessors(nonPublic: true).Where(Visible).ToList();
                var first = accessors[0];
                var index = p.GetIndexParameters();
                var name = index.Length == 0 ? p.Name : "this" + Parameters(index, n).Replace('(', '[').Replace(')', ']');
                var parts = new List<string>();
                if (p.GetMethod is { } get && Visible(get)) parts.Add(Access(get) == Access(first) ? "get;" : Access(get) + " get;");
                if (p.SetMethod is { } set && Visible(set))
                {
                    var init = set.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init;" : "set;";
                    parts.Add(Access(set) == Access(first) ? init : Access(set) + " " + init);
                }
                return $"{Access(first)} {Modifiers(first, type)}{Type(p.PropertyType, n.Create(p))} {name} {{ {string.Join(" ", parts)} }}";
            case FieldInfo f when !f.IsSpecialName:
                if (type.IsEnum) return $"{f.Name} = {Convert.ToString(f.GetRawConstantValue(), CultureInfo.InvariantCulture)}";
                var prefix = f.IsLiteral ? "const " : (f.IsStatic ? "static " : "") + (f.IsInitOnly ? "readonly " : "");
                var value = f.IsLiteral ? " = " + Literal(f.GetRawConstantValue()) : "";
                return $"{Access(f)} {prefix}{Type(f.FieldType, n.Create(f))} {f.Name}{value}";
            case EventInfo e:
                return $"{Access(e.AddMethod!)} {Modifiers(e.AddMethod!, type)}event {Type(e.EventHandlerType!, n.Create(e))} {e.Name}";
            default:
                return null;
        }
    }

    private static string Modifiers(MethodInfo m, Type declaring)
    {
        var sb = new StringBuilder();
        if (m.IsStatic) sb.Append("static ");
        if (declaring.IsInterface)
        {
            if (m.IsAbstract) sb.Append("abstract ");
            else if (m.IsVirtual && !m.IsFinal) sb.Append("virtual ");
            return sb.ToString();
        }
        bool isOverride = m.GetBaseDefinition() != m;
        if (m.IsAbstract) sb.Append(isOverride ? "abstract override " : "abstract ");
        else if (isOverride) sb.Append(m.IsFinal ? "sealed override " : "override ");
        else if (m.IsVirtual && !m.IsFinal) sb.Append("virtual ");
        return sb.ToString();
    }

    private static string Declaration(Type t)
    {
        var name = t.FullName!.Replace('+', '.');
        if (!t.IsGenericTypeDefinition) return name;
        return name[..name.IndexOf('`')] + "<" + string.Join(", ", t.GetGenericArguments().Select(a => a.Name)) + ">";
    }

    private static string Parameters(ParameterInfo[] parameters, NullabilityInfoContext n) =>
        "(" + string.Join(", ", parameters.Select(p => Parameter(p, n))) + ")";

    private static bool IsExtension(MethodInfo m) => m.IsDefined(typeof(ExtensionAttribute), inherit: false);

    private static string Parameter(ParameterInfo p, NullabilityInfoContext n)
    {
        var type = p.ParameterType;
        var sb = new StringBuilder();
        if (type.IsByRef)
        {
            sb.Append(p.IsOut ? "out " : p.IsIn ? "in " : "ref ");
            type = type.GetElementType()!;
        }
        if (p.IsDefined(typeof(ParamArrayAttribute)) || p.IsDefined(typeof(System.Runtime.CompilerServices.ParamCollectionAttribute))) sb.Append("params ");
        sb.Append(Type(type, n.Create(p))).Append(' ').Append(p.Name);
        if (p.HasDefaultValue)
            sb.Append(" = ").Append(p.RawDefaultValue is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : Literal(p.RawDefaultValue));
        return sb.ToString();
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        bool b => b ? "true" : "false",
        char c => "'" + c + "'",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Constraints(Type[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var p in parameters)
        {
            var list = new List<string>();
            var attributes = p.GenericParameterAttributes;
            if (attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)) list.Add(p.CustomAttributes.Any(a => a.AttributeType.Name == "IsUnmanagedAttribute") ? "unmanaged" : "struct");
            else if (attributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint)) list.Add("class");
            list.AddRange(p.GetGenericParameterConstraints().Where(c => c != typeof(ValueType)).Select(c => Type(c, null)));
            if (attributes.HasFlag(GenericParameterAttributes.DefaultConstructorConstraint) && !attributes.HasFlag(GenericParameterAttributes.NotNullableValueTypeConstraint)) list.Add("new()");
            if (list.Count > 0) sb.Append(" where ").Append(p.Name).Append(" : ").Append(string.Join(", ", list));
        }
        return sb.ToString();
    }

    /// <summary>A type as C# writes it, with <c>?</c> where the nullable annotations (or Nullable&lt;T&gt;) say so.</summary>
    private static string Type(Type t, NullabilityInfo? n)
    {
        if (Nullable.GetUnderlyingType(t) is { } underlying)
            return Type(underlying, n?.GenericTypeArguments.FirstOrDefault()) + "?";
        string text;
        if (t.IsByRef) return Type(t.GetElementType()!, n);
        if (t.IsPointer) text = Type(t.GetElementType()!, null) + "*";
        else if (t.IsArray) text = Type(t.GetElementType()!, n?.ElementType) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        else if (t.IsGenericParameter) text = t.Name;
        else if (Keywords.TryGetValue(t, out var keyword)) text = keyword;
        else if (t.IsGenericType)
        {
            var definition = t.GetGenericTypeDefinition().FullName!.Replace('+', '.');
            var args = t.GetGenericArguments();
            text = definition[..definition.IndexOf('`')] + "<" + string.Join(", ", args.Select((a, i) =>
                Type(a, n is not null && i < n.GenericTypeArguments.Length ? n.GenericTypeArguments[i] : null))) + ">";
        }
        else text = t.FullName!.Replace('+', '.');
        // A type parameter not constrained to classes is left bare: reflection reports it as nullable whether or
        // not it was written T?.
        bool annotated = n is not null && !t.IsValueType
            && (!t.IsGenericParameter || t.GenericParameterAttributes.HasFlag(GenericParameterAttributes.ReferenceTypeConstraint))
            && (n.ReadState == NullabilityState.Nullable || n.WriteState == NullabilityState.Nullable);
        return annotated ? text + "?" : text;
    }
}
