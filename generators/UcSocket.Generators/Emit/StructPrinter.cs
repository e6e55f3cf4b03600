using System.Linq;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Emit;

/// <summary>
/// Emits a struct's <c>PrintMembers</c>, which the compiler's <c>ToString</c> of a record struct calls: members as
/// the compiler would print them, except arrays, which print their elements (<c>Words = [1, 2, 3, 4]</c>, up to the
/// length member where there is one) instead of the inline-array type's name; hardware addresses and paths as text.
/// </summary>
internal static class StructPrinter
{
    private const string Fields = "global::UcSocket.Marshalling.SpecFields";

    public static void Emit(CodeWriter w, StructLayout s)
    {
        w.Line("/// <summary>Prints the members for <c>ToString</c>, arrays by their elements.</summary>");
        // Marked as the compiler marks the PrintMembers it would have written: tools that tell records by it still do.
        w.Line("[global::System.Runtime.CompilerServices.CompilerGenerated]");
        w.Open("private bool PrintMembers(global::System.Text.StringBuilder builder)");
        string separator = "";
        foreach (var f in s.Fields)
        {
            var p = f.Field.Property;
            var label = CodeWriter.Escape(separator + p + " = ");
            separator = ", ";
            if (f.Count == 0)
            {
                w.Line($"builder.Append(\"{label}\").Append((object?)this.{p});");
                continue;
            }
            var length = s.Fields.FirstOrDefault(x => x.Field.CName == f.Field.LengthField);
            var used = length is null ? $"{f.Count}" : $"(int)global::System.Math.Min({f.Count}UL, (ulong)this.{length.Field.Property})";
            w.Open("");
            w.Line($"var array = this.{p};");
            w.Line($"var items = ((global::System.ReadOnlySpan<{StructEmitter.ElementType(f)}>)array).Slice(0, {used});");
            switch (f.Field.Kind)
            {
                case FieldKind.HwAddr:
                    w.Line($"builder.Append(\"{label}\").Append({Fields}.FormatHardwareAddress(items));");
                    break;
                case FieldKind.Path:
                    w.Line($"builder.Append(\"{label}\\\"\").Append({Fields}.FormatPath(items)).Append('\"');");
                    break;
                default:
                    w.Line($"builder.Append(\"{label}[\");");
                    w.Line("for (int i = 0; i < items.Length; i++) builder.Append(i == 0 ? \"\" : \", \").Append((object?)items[i]);");
                    w.Line("builder.Append(']');");
                    break;
            }
            w.Close();
        }
        w.Line($"return {(s.Fields.Count > 0 ? "true" : "false")};");
        w.Close();
        w.Line();
    }
}
