using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace UcSocket.Package.Tests;

/// <summary>
/// The documentation comment ids (<c>T:</c>, <c>M:</c>, <c>P:</c>, <c>F:</c>, <c>E:</c>, as in the XML file the
/// compiler writes) of every type and member a consumer sees: public or protected, declared in the assembly.
/// Members the compiler synthesizes (record equality, accessors, default constructors) have no comments and are left out.
/// </summary>
internal static class DocumentationIds
{
    public static IEnumerable<string> Of(Assembly assembly)
    {
        foreach (var type in assembly.GetTypes().Where(PublicApi.Visible).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            yield return "T:" + Name(type);
            if (type.IsSubclassOf(typeof(Delegate))) continue;
            foreach (var member in type.GetMembers(PublicApi.Declared).Where(Visible))
            {
                switch (member)
                {
                    // A parameterless constructor may be the one the compiler declares when the source has none: it has
                    // no comment to carry (an undocumented one in the source fails the library's build with CS1591).
                    case ConstructorInfo c when c.GetParameters().Length > 0:
                        yield return $"M:{Name(type)}.{(c.IsStatic ? "#cctor" : "#ctor")}{Parameters(c.GetParameters())}";
                        break;
                    case MethodInfo m when !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal):
                        var arity = m.IsGenericMethodDefinition ? "``" + m.GetGenericArguments().Length : "";
                        var conversion = m.Name is "op_Implicit" or "op_Explicit" ? "~" + Reference(m.ReturnType) : "";
                        yield return $"M:{Name(type)}.{m.Name.Replace('.', '#')}{arity}{Parameters(m.GetParameters())}{conversion}";
                        break;
                    case PropertyInfo p:
                        yield return $"P:{Name(type)}.{p.Name.Replace('.', '#')}{Parameters(p.GetIndexParameters())}";
                        break;
                    case FieldInfo f when !f.IsSpecialName:
                        yield return $"F:{Name(type)}.{f.Name}";
                        break;
                    case EventInfo e:
                        yield return $"E:{Name(type)}.{e.Name}";
                        break;
                }
            }
        }
    }

    // Record members the compiler writes carry [CompilerGenerated]; so do the accessors of auto-properties,
    // whose properties are written (and documented) by hand.
    private static bool Visible(MemberInfo m) => !m.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false) && PublicApi.Visible(m);

    private static string Name(Type t) => t.FullName!.Replace('+', '.');

    private static string Parameters(ParameterInfo[] parameters) =>
        parameters.Length == 0 ? "" : "(" + string.Join(",", parameters.Select(p => Reference(p.ParameterType))) + ")";

    /// <summary>A type as a parameter: generic arguments in braces, method type parameters as ``n.</summary>
    private static string Reference(Type t)
    {
        if (t.IsByRef) return Reference(t.GetElementType()!) + "@";
        if (t.IsPointer) return Reference(t.GetElementType()!) + "*";
        if (t.IsArray) return Reference(t.GetElementType()!) + (t.GetArrayRank() == 1 ? "[]" : "[" + string.Join(",", Enumerable.Repeat("0:", t.GetArrayRank())) + "]");
        if (t.IsGenericParameter) return (t.DeclaringMethod is null ? "`" : "``") + t.GenericParameterPosition;
        if (t.IsGenericType)
        {
            var definition = t.GetGenericTypeDefinition().FullName!;
            var name = definition[..definition.IndexOf('`')].Replace('+', '.');
            return name + "{" + string.Join(",", t.GetGenericArguments().Select(Reference)) + "}";
        }
        return Name(t);
    }
}
