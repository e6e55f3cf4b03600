using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>
/// Resolves one file's names against the index: constant values (range-checked for the C# type they land in),
/// struct types, ownership of duplicates, and the fields an address family's codec maps.
/// </summary>
public static class Resolver
{
    public static ResolveResult Resolve(SpecFile file, SpecIndex index, CancellationToken ct = default)
    {
        var emit = index.EmitNames.FirstOrDefault(e => e.Path == file.Path) ?? new EmitName(file.Path, "spec", IndexBuilder.RegistrationPrefix + "Spec");
        // A reference file only lends its names to the others: nothing of it is emitted or reported.
        if (index.References.Contains(file.Path))
            return new ResolveResult(new ResolvedFile(file.Path, emit.Name, emit.RegistrationClass, default, default, default, default, default), default);

        var diags = new List<DiagnosticInfo>();
        var constants = index.Constants.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var layouts = index.Structs.ToDictionary(s => s.Tag, StringComparer.Ordinal);
        var declared = new HashSet<string>(index.DeclaredStructs, StringComparer.Ordinal);
        var owners = new HashSet<string>(index.Owners, StringComparer.Ordinal);
        // In a file cut short by a syntax error, a name may be missing only because it came after the error: say nothing more.
        bool quiet = file.Incomplete;
        int suggestions = 0;

        void Report(DiagnosticSpec spec, string node, params string[] args) => diags.Add(new DiagnosticInfo(spec.Id, file.Path, node, args.ToEquatableArray()));
        bool Owns(string kind, string name, string node) => owners.Contains(IndexBuilder.OwnerKey(kind, name, file.Path, node));

        // The value of a constant that must fit a C int (setsockopt's level and option, cmsg_level, cmsg_type, the family).
        int? IntConstant(string name, string what, string node, string role)
        {
            if (!constants.TryGetValue(name, out var v))
            {
                if (!quiet)
                    Report(Diagnostics.UnknownConstant, node, what, ParseContext.Quote(name),
                        suggestions++ < Limits.MaxDiagnosticsPerFile ? Naming.DidYouMean(name, index.Constants.Select(c => c.Name)) + " (define it under 'constants', or give the entry a 'value:')" : "");
                return null;
            }
            if (v is < int.MinValue or > int.MaxValue)
            {
                Report(Diagnostics.InvalidEntry, node, what, $"{role} {name} is {IndexBuilder.Num(v)}, beyond the C int the kernel takes");
                return null;
            }
            return (int)v;
        }

        // False when the kind names a struct that does not exist; null kinds stay null.
        bool Kind(ValueKind? kind, string what, string? node, out ResolvedKind? resolved)
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
                resolved = new ResolvedKind(ValueKindId.Struct, kind.StructTag, layout.TypeName, layout.ReferenceNamespace);
                return true;
            }
            if (!declared.Contains(kind.StructTag) && !quiet)
                Report(Diagnostics.UnknownType, node ?? file.Path, what, "struct " + ParseContext.Quote(kind.StructTag),
                    (Naming.Suggest(kind.StructTag, declared) is { } near ? $" (did you mean 'struct {near}'?)" : "") + " (define it under 'structs')");
            return false; // a declared but broken struct was reported where it is defined
        }

        var options = new List<ResolvedOption>();
        foreach (var o in file.Options)
        {
            ct.ThrowIfCancellationRequested();
            var what = $"option {o.Name}";
            var level = IntConstant(o.Level, what, o.LevelNode, "the level");
            var name = IntConstant(o.Name, what, o.NameNode, "the option");
            bool kindsOk = Kind(o.Get, what, o.GetNode, out var get);
            ResolvedKind? set = get;
            if (o.Set != o.Get) kindsOk &= Kind(o.Set, what, o.SetNode, out set); // a shared kind is resolved (and reported) once
            if (level is null || name is null || !kindsOk || !Owns("option", o.Name, o.Node)) continue;
            options.Add(new ResolvedOption(o.Name, o.Property, o.Level, level.Value, name.Value, get, set, o.Doc));
        }

        var cmsgs = new List<ResolvedCmsg>();
        foreach (var c in file.Cmsgs)
        {
            ct.ThrowIfCancellationRequested();
            var what = $"cmsg {c.Type}";
            var level = IntConstant(c.Level, what, c.LevelNode, "the level");
            var type = IntConstant(c.Type, what, c.TypeNode, "the type");
            bool kindOk = Kind(c.Payload, what, c.PayloadNode, out var payload);
            if (level is null || type is null || !kindOk || payload is null || !Owns("cmsg", c.Type, c.Node)) continue;
            cmsgs.Add(new ResolvedCmsg(c.Level, c.Type, level.Value, type.Value, payload, c.Property, c.Doc));
        }

        var families = new List<ResolvedFamily>();
        foreach (var f in file.Families)
        {
            ct.ThrowIfCancellationRequested();
            var what = $"family {f.Family}";
            var value = IntConstant(f.Family, what, f.FamilyNode, "the family");
            if (!layouts.TryGetValue(f.StructTag, out var layout))
            {
                if (!declared.Contains(f.StructTag) && !quiet)
                    Report(Diagnostics.UnknownType, f.StructNode, what, "struct " + ParseContext.Quote(f.StructTag),
                        Naming.Suggest(f.StructTag, declared) is { } near ? $" (did you mean '{near}'?)" : " (define it under 'structs')");
                continue;
            }
            if (value is null || !Owns("family", f.Family, f.Node)) continue;
            if (FamilyFields.Problem(layout, value.Value) is { } problem)
            {
                Report(Diagnostics.InvalidEntry, f.StructNode, what, problem);
                continue;
            }
            families.Add(new ResolvedFamily(f.Family, value.Value, f.Property, layout));
        }

        var resolved = new ResolvedFile(
            file.Path, emit.Name, emit.RegistrationClass,
            file.Constants.Where(c => Owns("const", c.Name, c.Node)).ToEquatableArray(),
            file.Structs.Where(s => layouts.TryGetValue(s.Tag, out var l) && l.Path == file.Path).Select(s => layouts[s.Tag]).ToEquatableArray(),
            options.ToEquatableArray(), cmsgs.ToEquatableArray(), families.ToEquatableArray());
        return new ResolveResult(resolved, diags.ToEquatableArray());
    }
}
