using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>
/// Lays out spec structs the way GCC does on LP64 Linux: natural alignment, bitfields packed from the least
/// significant bit into storage units of their declared type, never straddling one; packed structs align to 1.
/// Structs are laid out contained ones first (<see cref="StructOrder"/>), so nothing recurses; sizes are computed
/// in 64 bits and refused past <see cref="Limits.MaxStructSize"/>.
/// </summary>
internal sealed class LayoutCalculator
{
    private readonly Dictionary<string, (StructSpec Spec, string Path)> _specs;
    private readonly HashSet<string> _declared;
    private readonly Action<DiagnosticSpec, string, string, string[]> _report;
    private readonly HashSet<string> _references;
    private readonly Dictionary<string, (StructLayout Layout, int Height)> _done = new(StringComparer.Ordinal);

    /// <param name="specs">The valid struct definitions by tag.</param>
    /// <param name="declared">Every struct tag defined, broken ones too: a use of a broken struct reports nothing more.</param>
    /// <param name="report">Reports a diagnostic: id, file, node, arguments.</param>
    /// <param name="references">Paths of reference spec files: their structs' types live in the library's namespace.</param>
    public LayoutCalculator(Dictionary<string, (StructSpec Spec, string Path)> specs, HashSet<string> declared,
        Action<DiagnosticSpec, string, string, string[]> report, HashSet<string> references)
    {
        _specs = specs;
        _declared = declared;
        _report = report;
        _references = references;
    }

    public List<StructLayout> ComputeAll(CancellationToken ct)
    {
        var dependencies = _specs.ToDictionary(s => s.Key, s => s.Value.Spec.Fields
            .Select(f => f.CType is not null && !CTypes.TryGetScalar(f.CType, out _) ? CTypes.StructTag(f.CType) : null)
            .Where(t => t is not null && _specs.ContainsKey(t!)).Select(t => t!).Distinct().ToList(), StringComparer.Ordinal);
        var (order, cyclic) = StructOrder.Sort(dependencies, ct);
        foreach (var tag in cyclic.OrderBy(t => t, StringComparer.Ordinal))
        {
            // Reported at the member that closes the cycle.
            var (spec, path) = _specs[tag];
            var member = spec.Fields.First(f => f.CType is not null && CTypes.StructTag(f.CType) is { } t && cyclic.Contains(t) && dependencies[tag].Contains(t));
            _report(Diagnostics.InvalidEntry, path, member.Node, new[] { $"struct {tag}.{member.CName}",
                $"{member.CType} contains struct {tag} again, directly or through other structs" });
        }
        var result = new List<StructLayout>();
        foreach (var tag in order)
        {
            ct.ThrowIfCancellationRequested();
            if (Compute(tag) is { } layout) result.Add(layout);
        }
        return result;
    }

    private StructLayout? Compute(string tag)
    {
        var (spec, path) = _specs[tag];
        bool valid = true;
        long bitpos = 0;
        int maxAlign = 1, height = 1;
        long cSize = -1;
        int cAlign = 1; // the C struct's own size and alignment, once a trailing field starts
        var fields = new List<FieldLayout>();
        void Problem(FieldSpec f, string problem)
        {
            _report(Diagnostics.InvalidEntry, path, f.Node, new[] { $"struct {tag}.{f.CName}", problem });
            valid = false;
        }
        foreach (var f in spec.Fields)
        {
            if (f.CType is null) { valid = false; continue; } // UCS005, reported by the parser
            int size, align;
            bool signed = false, bigEndian = f.BigEndian;
            ValueCategory category;
            string clr;
            string? nestedTag = null, nestedType = null;
            CScalar? scalarType = null;
            if (CTypes.TryGetScalar(f.CType, out var scalar))
            {
                (size, align, signed, category, clr, scalarType) = (scalar.Size, scalar.Align, scalar.Signed, scalar.Category, scalar.ClrType, scalar);
                bigEndian |= scalar.BigEndian;
            }
            else if (CTypes.StructTag(f.CType) is { } nt && _specs.ContainsKey(nt))
            {
                if (!_done.TryGetValue(nt, out var nested)) { valid = false; continue; } // contains itself, or contains a broken struct
                (size, align, category, nestedTag, nestedType) = (nested.Layout.Size, nested.Layout.Align, ValueCategory.Struct, nt, nested.Layout.TypeName);
                clr = nested.Layout.ReferenceNamespace is null ? nested.Layout.TypeName : $"global::{nested.Layout.ReferenceNamespace}.{nested.Layout.TypeName}";
                height = Math.Max(height, nested.Height + 1);
            }
            else
            {
                if (!(CTypes.StructTag(f.CType) is { } missing && _declared.Contains(missing)))
                {
                    var near = Naming.Suggest(f.CType, CTypes.Names.Concat(_specs.Keys.Select(k => "struct " + k)).OrderBy(n => n, StringComparer.Ordinal));
                    _report(Diagnostics.UnknownType, path, f.TypeNode, new[] { $"struct {tag}, field {f.CName}", ParseContext.Quote(f.CType),
                        near is not null ? $" (did you mean '{near}'?)" : " (a C integer type, struct in_addr, struct in6_addr, or a struct defined in the spec)" });
                }
                valid = false;
                continue;
            }

            if (CheckKind(f, category, size) is { } kindProblem) { Problem(f, kindProblem); continue; }
            if (spec.Packed) align = 1;

            if (f.Trailing && cSize < 0)
            {
                cAlign = Math.Max(maxAlign, spec.Align);
                cSize = ((bitpos + 7) / 8 + cAlign - 1) / cAlign * cAlign;
                bitpos = cSize * 8;
            }
            else if (!f.Trailing && cSize >= 0) { Problem(f, "a field after a trailing field must be trailing too"); continue; }
            if (f.Offset >= 0 && (f.Bits > 0 || f.Trailing)) { Problem(f, "an explicit offset does not go with bits or trailing"); continue; }

            if (f.Bits > 0)
            {
                int unitBits = size * 8;
                if (category != ValueCategory.Int || f.Count > 0 || f.Bits > unitBits) { Problem(f, "a bitfield must be a scalar integer no wider than its type"); continue; }
                if (bitpos / unitBits != (bitpos + f.Bits - 1) / unitBits)
                    bitpos = (bitpos + unitBits - 1) / unitBits * unitBits;
                long unitStart = bitpos / unitBits * unitBits;
                if (unitStart / 8 + size > Limits.MaxStructSize) { Problem(f, TooLarge(unitStart / 8 + size)); break; }
                fields.Add(new FieldLayout(f, (int)(unitStart / 8), size, size, 0, (int)(bitpos - unitStart), f.Bits,
                    signed, category, clr, bigEndian, null, null, Scalar: scalarType));
                bitpos += f.Bits;
                maxAlign = Math.Max(maxAlign, align);
                continue;
            }

            long total = (long)size * Math.Max(1, f.Count);
            long bytepos;
            bool overlaps = false;
            if (f.Offset >= 0)
            {
                // A member of a C union: placed where the spec says (the header check compares it with offsetof).
                bytepos = f.Offset;
                if (bytepos % align != 0) { Problem(f, $"offset {f.Offset} is not a multiple of its alignment {align}"); continue; }
                overlaps = fields.Exists(x => x.Offset < bytepos + total && bytepos < x.Offset + x.Size);
                if (overlaps && (category != ValueCategory.Int || f.Count > 0)) { Problem(f, "a member that shares bytes with another must be a scalar integer"); continue; }
            }
            else
            {
                bytepos = (bitpos + 7) / 8;
                bytepos = (bytepos + align - 1) / align * align;
            }
            if (bytepos + total > Limits.MaxStructSize) { Problem(f, TooLarge(bytepos + total)); break; }
            fields.Add(new FieldLayout(f, (int)bytepos, (int)total, size, f.Count, -1, 0, signed, category, clr, bigEndian, nestedTag, nestedType, overlaps, scalarType));
            bitpos = Math.Max(bitpos, (bytepos + total) * 8);
            maxAlign = Math.Max(maxAlign, align);
        }

        foreach (var fl in fields)
        {
            var lf = fl.Field.LengthField;
            if (lf is null) continue;
            var target = fields.Find(x => x.Field.CName == lf);
            if (target is null || target.Category != ValueCategory.Int || target.Count > 0 || target.Bits > 0)
                Problem(fl.Field, $"length field '{lf}' must be a scalar integer member of the same struct");
        }

        if (!valid) return null;
        maxAlign = Math.Max(maxAlign, spec.Align);
        long bytes = (bitpos + 7) / 8;
        long structSize = (bytes + maxAlign - 1) / maxAlign * maxAlign;
        if (structSize > Limits.MaxStructSize)
        {
            _report(Diagnostics.Limit, path, spec.Node, new[] { $"struct {tag} takes {structSize} bytes", $"{Limits.MaxStructSize} bytes per struct" });
            return null;
        }
        if (height > Limits.MaxStructNesting)
        {
            _report(Diagnostics.Limit, path, spec.Node, new[] { $"struct {tag} nests structs {height} levels deep", $"{Limits.MaxStructNesting} levels" });
            return null;
        }
        var layout = new StructLayout(tag, spec.CTypeName, spec.TypeName, (int)structSize, cSize < 0 ? maxAlign : cAlign, spec.Doc, path, fields.ToEquatableArray(), (int)cSize,
            _references.Contains(path) ? SpecGenerator.CoreNamespace : null);
        _done[tag] = (layout, height);
        return layout;
    }

    private static string TooLarge(long bytes) => $"the struct would reach {bytes} bytes, more than the limit of {Limits.MaxStructSize}";

    private static string? CheckKind(FieldSpec f, ValueCategory category, int size)
    {
        var kind = f.Kind;
        bool fits = FieldKinds.Category(kind) == category
            && (!FieldKinds.IsByteArray(kind) || (size == 1 && f.Count > 0))
            && (!FieldKinds.IsScalarOnly(kind) || f.Count == 0);
        if (!fits) return $"kind {FieldKinds.Name(kind)} needs {FieldKinds.Needs(kind)}";
        bool addressArray = FieldKinds.IsAddress(kind) && f.Count > 0;
        if (f.LengthField is not null && kind is not (FieldKind.HwAddr or FieldKind.Bytes) && !addressArray)
            return "only hwaddr, bytes and address arrays take a length field";
        return null;
    }
}
