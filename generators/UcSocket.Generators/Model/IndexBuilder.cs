using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using UcSocket.Generators.Parsing;

namespace UcSocket.Generators.Model;

/// <summary>Combines all parsed spec files: constant values, struct layouts, duplicates and clashing C# names.</summary>
public static class IndexBuilder
{
    /// <summary>The classes every project's generated code declares: no struct or family may take their names.</summary>
    private static readonly string[] GeneratedClasses = { "Sockets", "SockOpt", "Cmsg" };

    /// <summary>The prefix of the generated registration classes.</summary>
    public const string RegistrationPrefix = "UcSocketSpecRegistration_";

    /// <summary>
    /// Builds the index. <paramref name="references"/> are the paths of reference spec files (a library's spec that
    /// a consuming project builds against): they come first, so that a clash with one of them is reported at the
    /// project's own entry. Their structs keep the library's namespace (<see cref="SpecGenerator.CoreNamespace"/>).
    /// </summary>
    public static SpecIndex Build(IEnumerable<SpecFile> input, IEnumerable<string>? references = null, CancellationToken ct = default)
    {
        var refs = new HashSet<string>(references ?? Array.Empty<string>(), StringComparer.Ordinal);
        var files = input.OrderBy(f => refs.Contains(f.Path) ? 0 : 1).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
        var diags = new List<DiagnosticInfo>();
        var owners = new List<string>();
        void Report(DiagnosticSpec spec, string path, string node, string[] args, string? relatedPath = null, string? relatedNode = null) =>
            diags.Add(new DiagnosticInfo(spec.Id, path, node, args.ToEquatableArray(), relatedPath, relatedNode));
        void Dup(string path, string node, string what, (string Path, string Node) first) =>
            Report(Diagnostics.Duplicate, path, node, new[] { what, DiagnosticInfo.RelatedPlaceholder }, first.Path, first.Node);

        var constants = new Dictionary<string, (ConstantSpec Spec, string Path)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var c in file.Constants)
            {
                if (constants.TryGetValue(c.Name, out var prev)) { Dup(file.Path, c.Node, $"constant {c.Name}", (prev.Path, prev.Spec.Node)); continue; }
                constants[c.Name] = (c, file.Path);
                owners.Add(OwnerKey("const", c.Name, file.Path, c.Node));
            }
        ct.ThrowIfCancellationRequested();

        // C# type names in the generated namespace: structs and family codecs share it with the generated classes.
        var types = new Dictionary<string, (string Path, string Node)>(StringComparer.Ordinal);
        bool TypeName(SpecFile file, string name, string node, string what)
        {
            if (!refs.Contains(file.Path) && (Array.IndexOf(GeneratedClasses, name) >= 0 || name.StartsWith(RegistrationPrefix, StringComparison.Ordinal)))
            {
                Report(Diagnostics.InvalidEntry, file.Path, node, new[] { what, $"the C# name {name} is taken by a class the generator declares; give another" });
                return false;
            }
            if (types.TryGetValue(name, out var prev)) { Dup(file.Path, node, $"the C# type name {name} ({what})", prev); return false; }
            types[name] = (file.Path, node);
            return true;
        }

        var structSpecs = new Dictionary<string, (StructSpec Spec, string Path)>(StringComparer.Ordinal);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var structNodes = new Dictionary<string, (string Path, string Node)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var s in file.Structs)
            {
                if (structNodes.TryGetValue(s.Tag, out var prev)) { Dup(file.Path, s.Node, $"struct {s.Tag}", prev); continue; }
                structNodes[s.Tag] = (file.Path, s.Node);
                declared.Add(s.Tag);
                if (Naming.CSharpNameProblem(s.TypeName) is not null || !TypeName(file, s.TypeName, s.TypeNode, $"struct {s.Tag}")) continue;
                if (!s.Broken) structSpecs[s.Tag] = (s, file.Path);
            }

        var layouts = new LayoutCalculator(structSpecs, declared, (spec, path, node, args) => Report(spec, path, node, args), refs).ComputeAll(ct);
        foreach (var l in layouts) owners.Add(OwnerKey("struct", l.Tag, l.Path, structSpecs[l.Tag].Spec.Node));

        long? Value(string name) => constants.TryGetValue(name, out var c) ? c.Spec.Value : null;

        var options = new Dictionary<(long, long), (string Name, string Path, string Node)>();
        var optionProps = new Dictionary<string, (string Path, string Node)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var o in file.Options)
            {
                var lv = Value(o.Level);
                var ov = Value(o.Name);
                if (lv is null || ov is null) continue; // reported per file as unknown constant
                if (options.TryGetValue((lv.Value, ov.Value), out var prev))
                {
                    Report(Diagnostics.DuplicateOption, file.Path, o.NameNode,
                        new[] { $"{o.Level}/{o.Name}", Num(lv.Value), Num(ov.Value), prev.Name, DiagnosticInfo.RelatedPlaceholder }, prev.Path, prev.Node);
                    continue;
                }
                if (optionProps.TryGetValue(o.Property, out var prevProp)) { Dup(file.Path, o.PropertyNode, $"the C# name SockOpt.{o.Property} (option {o.Name})", prevProp); continue; }
                options[(lv.Value, ov.Value)] = (o.Name, file.Path, o.NameNode);
                optionProps[o.Property] = (file.Path, o.PropertyNode);
                owners.Add(OwnerKey("option", o.Name, file.Path, o.Node));
            }

        var cmsgs = new Dictionary<(long, long), (string Path, string Node)>();
        var cmsgProps = new Dictionary<string, (string Path, string Node)>(StringComparer.Ordinal);
        foreach (var file in files)
            foreach (var c in file.Cmsgs)
            {
                var lv = Value(c.Level);
                var tv = Value(c.Type);
                if (lv is null || tv is null) continue;
                if (cmsgs.TryGetValue((lv.Value, tv.Value), out var prev)) { Dup(file.Path, c.TypeNode, $"cmsg {c.Level}/{c.Type} ({Num(lv.Value)}, {Num(tv.Value)})", prev); continue; }
                if (cmsgProps.TryGetValue(c.Property, out var prevProp)) { Dup(file.Path, c.PropertyNode, $"the C# name Cmsg.{c.Property} (cmsg {c.Type})", prevProp); continue; }
                cmsgs[(lv.Value, tv.Value)] = (file.Path, c.TypeNode);
                cmsgProps[c.Property] = (file.Path, c.PropertyNode);
                owners.Add(OwnerKey("cmsg", c.Type, file.Path, c.Node));
            }

        var families = new Dictionary<long, (string Path, string Node)>();
        foreach (var file in files)
            foreach (var f in file.Families)
            {
                var fv = Value(f.Family);
                if (fv is null) continue;
                if (families.TryGetValue(fv.Value, out var prev)) { Dup(file.Path, f.FamilyNode, $"family {f.Family}", prev); continue; }
                if (!TypeName(file, f.Property + "Family", f.PropertyNode, $"family {f.Family}")) continue;
                families[fv.Value] = (file.Path, f.FamilyNode);
                owners.Add(OwnerKey("family", f.Family, file.Path, f.Node));
            }

        return new SpecIndex(
            constants.Values.Select(c => new ConstantValue(c.Spec.Name, c.Spec.Value)).OrderBy(c => c.Name, StringComparer.Ordinal).ToEquatableArray(),
            layouts.OrderBy(l => l.Tag, StringComparer.Ordinal).ToEquatableArray(),
            declared.OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray(),
            owners.OrderBy(k => k, StringComparer.Ordinal).ToEquatableArray(),
            diags.ToEquatableArray(),
            refs.OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray(),
            EmitNames(files.Where(f => !refs.Contains(f.Path))),
            files.Where(f => f.Incomplete).Select(f => f.Path).ToEquatableArray());
    }

    /// <summary>Identifies the one entry allowed to emit a name: kind, name, file and node.</summary>
    internal static string OwnerKey(string kind, string name, string path, string node) => $"{kind}|{name}|{path}|{node}";

    /// <summary>
    /// Each file's sources are named after its stem, made of letters, digits and underscores (so it is a valid
    /// hint name and part of a class name) and unique ignoring case (files of the same name in two folders).
    /// </summary>
    private static EquatableArray<EmitName> EmitNames(IEnumerable<SpecFile> files)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var classes = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<EmitName>();
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var chars = file.Stem.Select(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' ? c : '_').ToArray();
            var stem = chars.Length == 0 ? "spec" : new string(chars);
            if (stem.Length > 64) stem = stem.Substring(0, 64);
            var name = stem;
            for (int n = 2; !taken.Add(name); n++) name = stem + "_" + Num(n);
            var pascal = Naming.Pascal(name);
            var cls = pascal;
            for (int n = 2; !classes.Add(cls); n++) cls = pascal + "_" + Num(n);
            result.Add(new EmitName(file.Path, name, RegistrationPrefix + cls));
        }
        return result.ToEquatableArray();
    }

    internal static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);
}
