using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>The C# value type and the runtime codec of an option or payload kind (from the one table in <see cref="ValueKinds"/>).</summary>
internal static class Kinds
{
    public static (string ClrType, string Codec) For(ResolvedKind kind, string ns) =>
        ValueKinds.Clr(kind.Kind, kind.Kind == ValueKindId.Struct ? $"global::{kind.ReferenceNamespace ?? ns}.{kind.TypeName}" : null);
}
