using System;
using System.Collections.Generic;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>
/// Lays out spec structs the way GCC does on LP64 Linux: natural alignment, bitfields packed from the least
/// significant bit into storage units of their declared type, never straddling one; packed structs align to 1.
/// </summary>
internal sealed class LayoutCalculator
{
    private readonly Dictionary<string, (StructSpec Spec, string Path)> _specs;
    private readonly List<DiagnosticInfo> _diags;
    private readonly Dictionary<string, StructLayout?> _done = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly HashSet<string> _references;

    /// <param name="references">Paths of reference spec files: their structs' types live in the library's namespace.</param>
    public LayoutCalculator(Dictionary<string, (StructSpec Spec, string Path)> specs, List<DiagnosticInfo> diags, HashSet<string> references)
    {
        _specs = specs;
        _diags = diags;
        _references = references;
    }

    public List<StructLayout> ComputeAll()
    {
        var result = new List<StructLayout>();
        foreach (var tag in _specs.Keys)
        {
            var l = Compute(tag);
            if (l is not null) result.Add(l);
        }
        return result;
    }

    private StructLayout? Compute(string tag)
    {
        if (_done.TryGetValue(tag, out var cached)) return cached;
        var (spec, path) = _specs[tag];
        if (!_inProgress.Add(tag))
        {
            Report(Diagnostics.InvalidEntry, path, spec.Pos, $"struct {tag} contains itself");
            return null;
        }

        bool valid = true;
        long bitpos = 0;
        int maxAlign = 1;
        int cSize = -1, cAlign = 1; // the C struct's own size and alignment, once a trailing field starts
        var fields = new List<FieldLayout>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in spec.Fields)
        {
            if (!names.Add(f.CName) || !names.Add("#" + f.Property))
            {
                Report(Diagnostics.Duplicate, path, f.Pos, $"struct {tag}: field {f.CName} ({f.Property}) is defined twice");
                valid = false;
                continue;
            }
            if (f.CType is null)
            {
                valid = false; // UCS005 was reported by the parser
                continue;
            }
            int size, align;
            bool signed = false, bigEndian = f.ByteOrder == "big";
            string category, clr;
            string? nestedTag = null, nestedType = null;
            if (CTypes.TryGetScalar(f.CType, out var scalar))
            {
                size = scalar.Size;
                align = scalar.Align;
                signed = scalar.Signed;
                category = scalar.Category;
                clr = scalar.ClrType;
                bigEndian |= scalar.BigEndian;
            }
            else if (CTypes.StructTag(f.CType) is { } nt && _specs.ContainsKey(nt))
            {
                if (_inProgress.Contains(nt))
                {
                    Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: struct {nt} cannot contain itself");
                    valid = false;
                    continue;
                }
                var nested = Compute(nt);
                if (nested is null)
                {
                    valid = false;
                    continue;
                }
                size = nested.Size;
                align = nested.Align;
                category = "struct";
                nestedTag = nt;
                nestedType = nested.TypeName;
                clr = nested.ReferenceNamespace is null ? nested.TypeName : $"global::{nested.ReferenceNamespace}.{nested.TypeName}";
            }
            else
            {
                Report(Diagnostics.UnknownType, path, f.Pos, $"struct {tag}: field '{f.CName}' has unknown type '{f.CType}' (a C integer type, struct in_addr, struct in6_addr, or a struct defined in the spec)");
                valid = false;
                continue;
            }

            if (!CheckKind(tag, path, f, category, size)) { valid = false; continue; }
            if (spec.Packed) align = 1;

            if (f.Trailing && cSize < 0)
            {
                cAlign = Math.Max(maxAlign, spec.Align);
                cSize = (int)(((bitpos + 7) / 8 + cAlign - 1) / cAlign * cAlign);
                bitpos = (long)cSize * 8;
            }
            else if (!f.Trailing && cSize >= 0)
            {
                Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: a field after a trailing field must be trailing too");
                valid = false;
                continue;
            }
            if (f.Offset >= 0 && (f.Bits > 0 || f.Trailing))
            {
                Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: an explicit offset does not go with bits or trailing");
                valid = false;
                continue;
            }

            if (f.Bits > 0)
            {
                int unitBits = size * 8;
                if (category != "int" || f.Count > 0 || f.Bits > unitBits)
                {
                    Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: a bitfield must be a scalar integer no wider than its type");
                    valid = false;
                    continue;
                }
                if (bitpos / unitBits != (bitpos + f.Bits - 1) / unitBits)
                    bitpos = (bitpos + unitBits - 1) / unitBits * unitBits;
                long unitStart = bitpos / unitBits * unitBits;
                fields.Add(new FieldLayout(f, (int)(unitStart / 8), size, size, 0, (int)(bitpos - unitStart), f.Bits,
                    signed, category, clr, bigEndian, null, null));
                bitpos += f.Bits;
                maxAlign = Math.Max(maxAlign, align);
                continue;
            }

            int total = size * Math.Max(1, f.Count);
            long bytepos;
            bool overlaps = false;
            if (f.Offset >= 0)
            {
                // A member of a C union: placed where the spec says (the header check compares it with offsetof).
                bytepos = f.Offset;
                if (bytepos % align != 0)
                {
                    Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: offset {f.Offset} is not a multiple of its alignment {align}");
                    valid = false;
                    continue;
                }
                overlaps = fields.Exists(x => x.Offset < bytepos + total && bytepos < x.Offset + x.Size);
                if (overlaps && (category != "int" || f.Count > 0))
                {
                    Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: a member that shares bytes with another must be a scalar integer");
                    valid = false;
                    continue;
                }
            }
            else
            {
                bytepos = (bitpos + 7) / 8;
                bytepos = (bytepos + align - 1) / align * align;
            }
            fields.Add(new FieldLayout(f, (int)bytepos, total, size, f.Count, -1, 0, signed, category, clr, bigEndian, nestedTag, nestedType, overlaps));
            bitpos = Math.Max(bitpos, (bytepos + total) * 8);
            maxAlign = Math.Max(maxAlign, align);
        }

        foreach (var fl in fields)
        {
            var lf = fl.Field.LengthField;
            if (lf is null) continue;
            var target = fields.Find(x => x.Field.CName == lf);
            if (target is null || target.Category != "int" || target.Count > 0 || target.Bits > 0)
            {
                Report(Diagnostics.InvalidEntry, path, fl.Field.Pos, $"struct {tag}.{fl.Field.CName}: length field '{lf}' must be a scalar integer member of the same struct");
                valid = false;
            }
        }

        _inProgress.Remove(tag);
        maxAlign = Math.Max(maxAlign, spec.Align);
        long bytes = (bitpos + 7) / 8;
        int structSize = (int)((bytes + maxAlign - 1) / maxAlign * maxAlign);
        var layout = valid
            ? new StructLayout(tag, spec.CTypeName, spec.TypeName, structSize, cSize < 0 ? maxAlign : cAlign, spec.Doc, path, fields.ToEquatableArray(), cSize,
                _references.Contains(path) ? SpecGenerator.CoreNamespace : null)
            : null;
        _done[tag] = layout;
        return layout;
    }

    private bool CheckKind(string tag, string path, FieldSpec f, string category, int size)
    {
        string? problem = f.Kind switch
        {
            "int" => category == "int" ? null : "kind int needs an integer type",
            "ifindex" => category == "int" && f.Count == 0 ? null : "kind ifindex needs a scalar integer type",
            "ipv4" => category == "ipv4" ? null : "kind ipv4 needs struct in_addr",
            "ipv6" => category == "ipv6" ? null : "kind ipv6 needs struct in6_addr",
            "struct" => category == "struct" ? null : "kind struct needs a struct type defined in the spec",
            "bytes" or "hwaddr" or "path" => category == "int" && size == 1 && f.Count > 0 ? null : $"kind {f.Kind} needs an array (count) of a one-byte type",
            "sockaddr" => category == "struct" ? null : "kind sockaddr needs a struct type (e.g. struct sockaddr_storage)",
            _ => $"unknown kind {f.Kind}",
        };
        bool addressArray = f.Kind is "ipv4" or "ipv6" or "sockaddr";
        if (problem is null && f.Count > 0 && category is not ("int" or "struct") && !addressArray)
            problem = "count needs an integer, struct or address element type";
        if (problem is null && f.LengthField is not null && f.Kind != "hwaddr" && f.Kind != "bytes" && !(addressArray && f.Count > 0))
            problem = "only hwaddr, bytes and address arrays take a length field";
        if (problem is null) return true;
        Report(Diagnostics.InvalidEntry, path, f.Pos, $"struct {tag}.{f.CName}: {problem}");
        return false;
    }

    private void Report(DiagnosticSpec spec, string path, SourcePos pos, string message) =>
        _diags.Add(new DiagnosticInfo(spec.Id, message, path, pos));
}
