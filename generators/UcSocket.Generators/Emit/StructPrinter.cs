using System.Collections.Generic;

namespace UcSocket.Generators.Emit;

/// <summary>
/// Emits a struct's <c>PrintMembers</c>, which the compiler's <c>ToString</c> of a record struct calls: members as
/// the compiler would print them, except arrays, which print their elements (<c>Words = [1, 2, 3, 4]</c>, up to the
/// length member where there is one) instead of the inline-array type's name; hardware addresses and paths as text.
/// Private members (padding) are left out, as they have no property.
/// </summary>
internal static class StructPrinter
{
    public static void Emit(CodeWriter w, IReadOnlyList<FieldEmitter> fields)
    {
        w.Line("/// <summary>Prints the members for <c>ToString</c>, arrays by their elements.</summary>");
        // Marked as the compiler marks the PrintMembers it would have written: tools that tell records by it still do.
        w.Line("[global::System.Runtime.CompilerServices.CompilerGenerated]");
        w.Open("private readonly bool PrintMembers(global::System.Text.StringBuilder builder)");
        string separator = "";
        foreach (var f in fields)
        {
            var label = CodeWriter.Escape(separator + f.Property + " = ");
            separator = ", ";
            if (f is ArrayEmitter) w.Open("");
            f.EmitPrint(w, label);
            if (f is ArrayEmitter) w.Close();
        }
        w.Line($"return {(fields.Count > 0 ? "true" : "false")};");
        w.Close();
        w.Line();
    }
}
