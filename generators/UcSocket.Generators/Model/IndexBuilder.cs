using System;
using System.Collections.Generic;
using System.Linq;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>Combines all parsed spec files: constant values, struct layouts, duplicates.</summary>
public static class IndexBuilder
{
    /// <summary>
    /// Builds the index. <paramref name="references"/> are the paths of reference spec files (a library's spec that
    /// a consuming project builds against): they come first, so that a clash with one of them is reported at the
    /// project's own entry, and the index keeps no diagnostics located in them. Their structs keep the library's
    /// namespace (<see cref="SpecGenerator.CoreNamespace"/>).
    /// </summary>
    public static SpecIndex Build(IEnumerable<SpecFile> input, IEnumerable<string>? references = null)
    {
        var refs = new HashSet<string>(references ?? Array.Empty<string>(), StringComparer.Ordinal);
        var files = input.OrderBy(f => refs.Contains(f.Path) ? 0 : 1).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        var diags = new List<DiagnosticInfo>();
        var owners = new List<string>();

        var constants = new Dictionary<string, (ConstantSpec Spec, string Path)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var c in file.Constants)
            {
                if (constants.TryGetValue(c.Name, out var prev))
                {
                    diags.Add(Dup(file.Path, c.Pos, $"constant {c.Name}", prev.Path, prev.Spec.Pos));
                    continue;
                }
                constants[c.Name] = (c, file.Path);
                owners.Add(OwnerKey("const", c.Name, file.Path, c.Pos));
            }

        var structSpecs = new Dictionary<string, (StructSpec Spec, string Path)>(StringComparer.Ordinal);
        var typeNames = new Dictionary<string, (string Path, SourcePos Pos)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var s in file.Structs)
            {
                if (structSpecs.TryGetValue(s.Tag, out var prev))
                {
                    diags.Add(Dup(file.Path, s.Pos, $"struct {s.Tag}", prev.Path, prev.Spec.Pos));
                    continue;
                }
                if (typeNames.TryGetValue(s.TypeName, out var prevType))
                {
                    diags.Add(Dup(file.Path, s.Pos, $"C# type {s.TypeName}", prevType.Path, prevType.Pos));
                    continue;
                }
                structSpecs[s.Tag] = (s, file.Path);
                typeNames[s.TypeName] = (file.Path, s.Pos);
            }

        var layouts = new LayoutCalculator(structSpecs, diags, refs).ComputeAll();
        foreach (var l in layouts) owners.Add(OwnerKey("struct", l.Tag, l.Path, structSpecs[l.Tag].Spec.Pos));

        long? Value(string name) => constants.TryGetValue(name, out var c) ? c.Spec.Value : null;

        var options = new Dictionary<(long, long), (string Name, string Path, SourcePos Pos)>();
        var optionProps = new Dictionary<string, (string Path, SourcePos Pos)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var o in file.Options)
            {
                var lv = Value(o.Level);
                var ov = Value(o.Name);
                if (lv is null || ov is null) continue; // reported per file as unknown constant
                if (options.TryGetValue((lv.Value, ov.Value), out var prev))
                {
                    diags.Add(new DiagnosticInfo(Diagnostics.DuplicateOption.Id,
                        $"option {o.Level}/{o.Name} ({lv}, {ov}) is already defined as {prev.Name} at {Where(prev.Path, prev.Pos)}", file.Path, o.Pos));
                    continue;
                }
                if (optionProps.TryGetValue(o.Property, out var prevProp))
                {
                    diags.Add(Dup(file.Path, o.Pos, $"option property {o.Property}", prevProp.Path, prevProp.Pos));
                    continue;
                }
                options[(lv.Value, ov.Value)] = (o.Name, file.Path, o.Pos);
                optionProps[o.Property] = (file.Path, o.Pos);
                owners.Add(OwnerKey("option", o.Name, file.Path, o.Pos));
            }

        var cmsgs = new Dictionary<(long, long), (string Name, string Path, SourcePos Pos)>();
        var cmsgProps = new Dictionary<string, (string Path, SourcePos Pos)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var c in file.Cmsgs)
            {
                var lv = Value(c.Level);
                var tv = Value(c.Type);
                if (lv is null || tv is null) continue;
                if (cmsgs.TryGetValue((lv.Value, tv.Value), out var prev))
                {
                    diags.Add(Dup(file.Path, c.Pos, $"cmsg {c.Level}/{c.Type} ({lv}, {tv})", prev.Path, prev.Pos));
                    continue;
                }
                if (cmsgProps.TryGetValue(c.Property, out var prevProp))
                {
                    diags.Add(Dup(file.Path, c.Pos, $"cmsg property {c.Property}", prevProp.Path, prevProp.Pos));
                    continue;
                }
                cmsgs[(lv.Value, tv.Value)] = (c.Type, file.Path, c.Pos);
                cmsgProps[c.Property] = (file.Path, c.Pos);
                owners.Add(OwnerKey("cmsg", c.Type, file.Path, c.Pos));
            }

        var families = new Dictionary<long, (string Name, string Path, SourcePos Pos)>();
        foreach (var file in files)
            foreach (var f in file.Families)
            {
                var fv = Value(f.Family);
                if (fv is null) continue;
                if (families.TryGetValue(fv.Value, out var prev))
                {
                    diags.Add(Dup(file.Path, f.Pos, $"family {f.Family}", prev.Path, prev.Pos));
                    continue;
                }
                families[fv.Value] = (f.Family, file.Path, f.Pos);
                owners.Add(OwnerKey("family", f.Family, file.Path, f.Pos));
            }

        return new SpecIndex(
            constants.Values.Select(c => new ConstantValue(c.Spec.Name, c.Spec.Value)).OrderBy(c => c.Name, StringComparer.Ordinal).ToEquatableArray(),
            layouts.OrderBy(l => l.Tag, StringComparer.Ordinal).ToEquatableArray(),
            structSpecs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray(),
            owners.OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray(),
            diags.Where(d => !refs.Contains(d.Path)).ToEquatableArray(),
            refs.OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray());
    }

    /// <summary>Identifies the one entry allowed to emit a name: kind, name, file and position.</summary>
    internal static string OwnerKey(string kind, string name, string path, SourcePos pos) => $"{kind}|{name}|{path}|{pos.StartOffset}";

    private static DiagnosticInfo Dup(string path, SourcePos pos, string what, string prevPath, SourcePos prevPos) =>
        new(Diagnostics.Duplicate.Id, $"{what} is already defined at {Where(prevPath, prevPos)}", path, pos);

    internal static string Where(string path, SourcePos pos) => $"{System.IO.Path.GetFileName(path)}:{pos.StartLine}";
}
