using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>Resolves one file's names against the index: constant values, struct types, ownership of duplicates.</summary>
public static class Resolver
{
    public static ResolvedFile Resolve(SpecFile file, SpecIndex index)
    {
        // A reference file only lends its names to the others: nothing of it is emitted or reported.
        if (index.References.Contains(file.Path))
            return new ResolvedFile(file.Path, file.Stem, default, default, default, default, default, default);

        var diags = new List<DiagnosticInfo>();
        var constants = index.Constants.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var layouts = index.Structs.ToDictionary(s => s.Tag, StringComparer.Ordinal);
        var declared = new HashSet<string>(index.DeclaredStructs, StringComparer.Ordinal);
        var owners = new HashSet<string>(index.Owners, StringComparer.Ordinal);

        bool Owns(string kind, string name, SourcePos pos) => owners.Contains(IndexBuilder.OwnerKey(kind, name, file.Path, pos));

        long? Constant(string name, string what, SourcePos pos)
        {
            if (constants.TryGetValue(name, out var v)) return v;
            diags.Add(new DiagnosticInfo(Diagnostics.UnknownConstant.Id, $"{what}: unknown constant '{name}' (define it under 'constants' in a spec file)", file.Path, pos));
            return null;
        }

        // Returns false when the kind names a struct that does not exist; null kinds stay null.
        bool Kind(ValueKind? kind, string what, SourcePos pos, out ResolvedKind? resolved)
        {
            resolved = null;
            if (kind is null) return true;
            if (kind.StructTag is null)
            {
                resolved = new ResolvedKind(kind.Kind, null, null);
                return true;
            }
            if (layouts.TryGetValue(kind.StructTag, out var layout))
            {
                resolved = new ResolvedKind("struct", kind.StructTag, layout.TypeName, layout.ReferenceNamespace);
                return true;
            }
            if (!declared.Contains(kind.StructTag))
                diags.Add(new DiagnosticInfo(Diagnostics.UnknownType.Id, $"{what}: unknown type 'struct {kind.StructTag}' (define it under 'structs')", file.Path, pos));
            return false; // a declared but broken struct was reported where it is defined
        }

        var options = new List<ResolvedOption>();
        foreach (var o in file.Options)
        {
            var level = Constant(o.Level, $"option {o.Name}", o.Pos);
            var name = Constant(o.Name, $"option {o.Name}", o.Pos);
            bool kindsOk = Kind(o.Get, $"option {o.Name}", o.Pos, out var get);
            ResolvedKind? set = get;
            if (o.Set != o.Get) kindsOk &= Kind(o.Set, $"option {o.Name}", o.Pos, out set); // a shared kind is resolved (and reported) once
            if (level is null || name is null || !kindsOk || !Owns("option", o.Name, o.Pos)) continue;
            options.Add(new ResolvedOption(o.Name, o.Property, o.Level, level.Value, name.Value, get, set, o.Doc));
        }

        var cmsgs = new List<ResolvedCmsg>();
        foreach (var c in file.Cmsgs)
        {
            var level = Constant(c.Level, $"cmsg {c.Type}", c.Pos);
            var type = Constant(c.Type, $"cmsg {c.Type}", c.Pos);
            bool kindOk = Kind(c.Payload, $"cmsg {c.Type}", c.Pos, out var payload);
            if (level is null || type is null || !kindOk || payload is null || !Owns("cmsg", c.Type, c.Pos)) continue;
            cmsgs.Add(new ResolvedCmsg(c.Level, c.Type, level.Value, type.Value, payload, c.Property, c.Doc));
        }

        var families = new List<ResolvedFamily>();
        foreach (var f in file.Families)
        {
            var value = Constant(f.Family, $"family {f.Family}", f.Pos);
            if (!layouts.TryGetValue(f.StructTag, out var layout))
            {
                if (!declared.Contains(f.StructTag))
                    diags.Add(new DiagnosticInfo(Diagnostics.UnknownType.Id, $"family {f.Family}: unknown type 'struct {f.StructTag}'", file.Path, f.Pos));
                continue;
            }
            if (value is null || !Owns("family", f.Family, f.Pos)) continue;
            if (!layout.Fields.Any(x => x.Field.Name == "family"))
            {
                diags.Add(new DiagnosticInfo(Diagnostics.InvalidEntry.Id, $"family {f.Family}: struct {f.StructTag} needs a field named 'family'", file.Path, f.Pos));
                continue;
            }
            families.Add(new ResolvedFamily(f.Family, value.Value, f.Property, layout));
        }

        return new ResolvedFile(
            file.Path, file.Stem,
            file.Constants.Where(c => Owns("const", c.Name, c.Pos)).ToEquatableArray(),
            file.Structs.Where(s => layouts.TryGetValue(s.Tag, out var l) && l.Path == file.Path).Select(s => layouts[s.Tag]).ToEquatableArray(),
            options.ToEquatableArray(), cmsgs.ToEquatableArray(), families.ToEquatableArray(), diags.ToEquatableArray());
    }
}
