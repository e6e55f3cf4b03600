using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using UcSocket.Generators.Model;
using UcSocket.Testing;

namespace UcSocket.Generators.Tests.HeaderCheck;

/// <summary>One disagreement between the spec and the C headers, e.g. <c>struct linger.l_linger: offset spec=4 headers=8</c>.</summary>
public sealed record HeaderMismatch(string Entry, string What)
{
    public override string ToString() => $"{Entry}: {What}";
}

/// <summary>What the header check found.</summary>
/// <param name="Mismatches">Every disagreement, in spec order.</param>
/// <param name="Facts">What the headers say, keyed "entry what" (e.g. "struct linger size", "SO_LINGER value").</param>
/// <param name="Compiles">How many times cc ran (1 unless some probe did not compile).</param>
/// <param name="Probes">How many facts the program was asked for.</param>
public sealed record HeaderCheckResult(
    IReadOnlyList<HeaderMismatch> Mismatches, IReadOnlyDictionary<string, long> Facts, int Compiles, int Probes);

/// <summary>
/// Compares what the generator computed from the spec (constant values, struct sizes, alignments, member offsets,
/// sizes, element counts, signedness and bitfield positions) with what the machine's C headers say. It writes one C
/// translation unit per spec file (that file's <c>headers:</c> after <c>#define _GNU_SOURCE</c>), links them with a
/// small main that prints one line per fact, compiles with <c>cc</c>, runs the program and compares.
/// </summary>
/// <remarks>
/// Every fact is a "probe" on lines of its own. When a probe does not compile (a name or member the headers lack,
/// an enum constant that does not exist), the compiler's errors are mapped back to probes by line, those probes are
/// left out and the program is compiled again, so one missing name never hides the others. A spec file whose headers
/// themselves do not compile is reported once and left out. With a correct spec, cc runs once.
/// Struct members marked <c>since</c> (newer than the headers) must come last; the struct's size and alignment are
/// compared up to the last member the headers have, and each such member must lie beyond the headers' struct.
/// </remarks>
public static class HeaderChecker
{
    /// <summary>Set this environment variable to keep the generated C sources and program (in a ucsocket-headercheck-* temp directory).</summary>
    public const string KeepVariable = "UCSOCKET_HEADERCHECK_KEEP";

    private const int MaxCompiles = 8;
    private static readonly TimeSpan CompileTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    private static readonly Regex HeaderName = new(@"^[A-Za-z0-9_][A-Za-z0-9_./+-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex CTypeName = new(@"^(?:(?:struct|union) )?[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    private enum ProbeKind { Constant, SinceConstant, Struct, Layout, Count, Sign, StructType, Bits, SinceField }

    private sealed class Probe
    {
        public required int Id { get; init; }
        public required Unit Unit { get; init; }
        public required ProbeKind Kind { get; init; }
        public required string Entry { get; init; }
        public ConstantSpec? Constant { get; init; }
        public long Value { get; init; }
        public StructLayout? Struct { get; init; }
        public FieldLayout? Field { get; init; }
        public Probe? StructProbe { get; init; }
        public string? ExpectedType { get; init; }
        /// <summary>For a struct with members marked since: the size and alignment of the members the headers have.</summary>
        public SincePrefix? Prefix { get; init; }
    }

    /// <summary>
    /// The part of a struct the build machine's headers know: every member before the first one marked
    /// <c>since</c>, with its size and alignment as the headers must have them; <paramref name="LastPresent"/>
    /// names the last of those members.
    /// </summary>
    private sealed record SincePrefix(int Size, int Align, string LastPresent);

    private sealed class Unit
    {
        public required int Index { get; init; }
        public required SpecFile Spec { get; init; }
        public string Name => Path.GetFileName(Spec.Path);
        public string HeaderList => string.Join(", ", Spec.Headers);
        public List<Probe> Probes { get; } = new();
        /// <summary>Set when the file's headers cannot even be written into C (reported already).</summary>
        public bool Skipped { get; set; }
    }

    /// <summary>Runs the check for parsed spec files and the index the generator builds from them.</summary>
    /// <param name="cc">The C compiler to run.</param>
    public static HeaderCheckResult Run(IReadOnlyList<SpecFile> files, SpecIndex index, string cc = "cc")
    {
        var mismatches = new List<HeaderMismatch>();
        var units = BuildProbes(files, index, mismatches);
        var probes = units.SelectMany(u => u.Probes).ToList();

        var dir = Directory.CreateTempSubdirectory("ucsocket-headercheck-");
        try
        {
            var failedProbes = new Dictionary<int, ProbeError>();
            var failedUnits = new Dictionary<int, string>();
            int compiles = 0;
            while (true)
            {
                var lineMaps = new Dictionary<int, Dictionary<int, ProbeLine>>();
                var sources = new List<string> { "main.c" };
                File.WriteAllText(Path.Combine(dir.FullName, "main.c"), MainSource(units));
                foreach (var u in units)
                {
                    var (text, map) = UnitSource(u, failedProbes, failedUnits.ContainsKey(u.Index));
                    var name = $"hc_{u.Index}.c";
                    File.WriteAllText(Path.Combine(dir.FullName, name), text);
                    sources.Add(name);
                    lineMaps[u.Index] = map;
                }

                compiles++;
                var args = new List<string> { "-std=gnu11", "-O0", "-fdiagnostics-color=never", "-o", "headercheck" };
                args.AddRange(sources);
                var compile = ProcessRunner.Run(cc, args, dir.FullName, CompileTimeout);
                if (compile.ExitCode == 0) break;

                var (probeErrors, unitErrors, unmapped) = MapErrors(compile.StdErr, lineMaps);
                int before = failedProbes.Count + failedUnits.Count;
                foreach (var (unit, message) in unitErrors) failedUnits.TryAdd(unit, message);
                foreach (var (probe, error) in probeErrors)
                    if (!failedUnits.ContainsKey(probe.Unit.Index)) failedProbes.TryAdd(probe.Id, error);
                if (unmapped.Count > 0 || failedProbes.Count + failedUnits.Count == before || compiles >= MaxCompiles)
                    throw new InvalidOperationException(
                        $"the header check program did not compile ({cc} exit code {compile.ExitCode}) and the errors do not point at spec entries:\n{compile.StdErr}");
            }

            var run = ProcessRunner.Run(Path.Combine(dir.FullName, "headercheck"), Array.Empty<string>(), dir.FullName, RunTimeout);
            if (run.ExitCode != 0)
                throw new InvalidOperationException($"the header check program failed (exit code {run.ExitCode}):\n{run.StdErr}");
            var outputs = ParseOutput(run.StdOut);

            var facts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var u in units)
                if (failedUnits.TryGetValue(u.Index, out var why))
                    mismatches.Add(new HeaderMismatch(u.Name, $"its headers ({u.HeaderList}) do not compile: {why}"));
            Compare(probes, failedProbes, failedUnits, outputs, mismatches, facts);
            return new HeaderCheckResult(mismatches, facts, compiles, probes.Count);
        }
        finally
        {
            if (Environment.GetEnvironmentVariable(KeepVariable) is not { Length: > 0 })
                try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    // ---- probes -----------------------------------------------------------------------------------------------

    private static List<Unit> BuildProbes(IReadOnlyList<SpecFile> files, SpecIndex index, List<HeaderMismatch> mismatches)
    {
        var values = index.Constants.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var layouts = index.Structs.ToDictionary(s => s.Tag, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var units = new List<Unit>();
        int id = 0;

        // The index keeps the first definition of a name in path order; so does this.
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var unit = new Unit { Index = units.Count, Spec = file };
            units.Add(unit);
            var badHeaders = file.Headers.Where(h => !HeaderName.IsMatch(h)).ToList();
            if (badHeaders.Count > 0)
            {
                mismatches.Add(new HeaderMismatch(unit.Name, $"header name '{badHeaders[0]}' is not a file name such as sys/socket.h"));
                unit.Skipped = true;
                continue;
            }
            if (file.Headers.Count == 0 && (file.Constants.Count > 0 || file.Structs.Count > 0))
            {
                mismatches.Add(new HeaderMismatch(unit.Name, "it defines constants or structs but names no headers"));
                unit.Skipped = true;
                continue;
            }

            foreach (var c in file.Constants)
            {
                if (!values.TryGetValue(c.Name, out var value) || !seen.Add(c.Name)) continue;
                unit.Probes.Add(new Probe
                {
                    Id = id++, Unit = unit, Kind = c.Since is null ? ProbeKind.Constant : ProbeKind.SinceConstant,
                    Entry = c.Name, Constant = c, Value = value,
                });
            }

            foreach (var s in file.Structs)
            {
                if (!layouts.TryGetValue(s.Tag, out var layout) || layout.Path != file.Path) continue;
                if (!CTypeName.IsMatch(layout.CTypeName))
                {
                    mismatches.Add(new HeaderMismatch(layout.CTypeName, "ctype is not a C type name such as struct linger"));
                    continue;
                }
                var prefix = Prefix(s, layout, layouts, mismatches);
                var sp = new Probe { Id = id++, Unit = unit, Kind = ProbeKind.Struct, Entry = layout.CTypeName, Struct = layout, Prefix = prefix };
                unit.Probes.Add(sp);
                foreach (var f in layout.Fields)
                {
                    if (f.Field.Trailing) continue; // stored after the C struct, not a member of it
                    var entry = $"{layout.CTypeName}.{f.Field.CName}";
                    Probe Field(ProbeKind kind, string? expected = null) => new()
                    {
                        Id = id++, Unit = unit, Kind = kind, Entry = entry, Struct = layout, Field = f, StructProbe = sp,
                        ExpectedType = expected,
                    };
                    if (f.Field.Since is not null)
                    {
                        // Newer than the headers: the headers' struct must end before the member (checked on a real
                        // socket instead). A member out of order was reported by Prefix and is not probed at all.
                        if (prefix is not null) unit.Probes.Add(Field(ProbeKind.SinceField));
                        continue;
                    }
                    if (f.Bits > 0)
                    {
                        unit.Probes.Add(Field(ProbeKind.Bits));
                        continue;
                    }
                    unit.Probes.Add(Field(ProbeKind.Layout));
                    if (f.Count > 0) unit.Probes.Add(Field(ProbeKind.Count));
                    if (f.Category == ValueCategory.Int)
                    {
                        unit.Probes.Add(Field(ProbeKind.Sign));
                    }
                    else
                    {
                        var expected = f.Category switch
                        {
                            ValueCategory.Ipv4 => "struct in_addr",
                            ValueCategory.Ipv6 => "struct in6_addr",
                            _ => f.NestedTag is not null && layouts.TryGetValue(f.NestedTag, out var n) ? n.CTypeName : null,
                        };
                        if (expected is not null && CTypeName.IsMatch(expected)) unit.Probes.Add(Field(ProbeKind.StructType, expected));
                    }
                }
            }
        }
        return units;
    }

    /// <summary>
    /// For a struct with members marked since, the members the headers must have: those before the first one
    /// marked since. Members marked since must come last (the kernel only ever appends); one that is followed by a
    /// member not so marked is reported, and the struct is then compared whole.
    /// </summary>
    private static SincePrefix? Prefix(StructSpec spec, StructLayout layout, Dictionary<string, StructLayout> layouts, List<HeaderMismatch> mismatches)
    {
        int first = -1;
        for (int i = 0; i < layout.Fields.Count; i++)
            if (layout.Fields[i].Field.Since is not null) { first = i; break; }
        if (first < 0) return null;
        for (int i = first + 1; i < layout.Fields.Count; i++)
        {
            if (layout.Fields[i].Field.Since is null)
            {
                var f = layout.Fields[first];
                mismatches.Add(new HeaderMismatch($"{layout.CTypeName}.{f.Field.CName}",
                    $"marked since \"{f.Field.Since}\" but followed by {layout.Fields[i].Field.CName}, which is not: members marked since must come last"));
                return null;
            }
        }
        if (first == 0)
        {
            mismatches.Add(new HeaderMismatch(layout.CTypeName, "every member is marked since: the headers would not define the struct at all"));
            return null;
        }
        int end = 0, align = Math.Max(1, spec.Align);
        for (int i = 0; i < first; i++)
        {
            var f = layout.Fields[i];
            end = Math.Max(end, f.Offset + f.Size);
            int fieldAlign = spec.Packed ? 1
                : f.Category == ValueCategory.Struct && f.NestedTag is not null && layouts.TryGetValue(f.NestedTag, out var nested) ? nested.Align
                : f.Category is ValueCategory.Ipv4 or ValueCategory.Ipv6 ? 4
                : f.ElementSize;
            align = Math.Max(align, fieldAlign);
        }
        int size = (end + align - 1) / align * align;
        return new SincePrefix(size, align, layout.Fields[first - 1].Field.CName);
    }

    // ---- C source ---------------------------------------------------------------------------------------------

    private const string Prototypes =
        "extern void hc_rec(int probe, long long a, long long b, long long c);\n" +
        "extern void hc_missing(int probe);\n" +
        "extern void hc_bits(int probe, const void *object, unsigned long size, int negative);\n" +
        "extern volatile long long hc_all_ones;\n";

    private static string MainSource(IReadOnlyList<Unit> units)
    {
        var w = new System.Text.StringBuilder();
        w.Append("#include <stdio.h>\n\n");
        w.Append(Prototypes);
        w.Append("\nvolatile long long hc_all_ones = -1;\n\n");
        w.Append("void hc_rec(int probe, long long a, long long b, long long c)\n{\n    printf(\"%d rec %lld %lld %lld\\n\", probe, a, b, c);\n}\n\n");
        w.Append("void hc_missing(int probe)\n{\n    printf(\"%d missing\\n\", probe);\n}\n\n");
        // Bits are numbered from the least significant bit of the first byte (little-endian, as on x86_64 and aarch64),
        // the numbering the generator uses for (offset * 8 + bit offset).
        w.Append("void hc_bits(int probe, const void *object, unsigned long size, int negative)\n{\n");
        w.Append("    const unsigned char *p = object;\n    long first = -1, last = -1, count = 0;\n");
        w.Append("    for (unsigned long i = 0; i < size * 8; i++)\n");
        w.Append("        if ((p[i / 8] >> (i % 8)) & 1) { if (first < 0) first = (long)i; last = (long)i; count++; }\n");
        w.Append("    printf(\"%d bits %ld %ld %ld %d\\n\", probe, first, last, count, negative != 0);\n}\n\n");
        foreach (var u in units) w.Append($"void hc_file_{u.Index}(void);\n");
        w.Append("\nint main(void)\n{\n");
        foreach (var u in units) w.Append($"    hc_file_{u.Index}();\n");
        w.Append("    return fflush(stdout) != 0;\n}\n");
        return w.ToString();
    }

    private static (string Text, Dictionary<int, ProbeLine> Lines) UnitSource(Unit unit, Dictionary<int, ProbeError> failed, bool unitFailed)
    {
        var lines = new List<string>();
        var map = new Dictionary<int, ProbeLine>();
        void L(string text, Probe? probe = null, bool macro = false)
        {
            lines.Add(text);
            if (probe is not null) map[lines.Count] = new ProbeLine(probe, macro);
        }
        bool Live(Probe p) => !failed.ContainsKey(p.Id) && (p.StructProbe is null || !failed.ContainsKey(p.StructProbe.Id));

        L($"/* {unit.Name.Replace("*/", "* /", StringComparison.Ordinal)} */");
        L("#define _GNU_SOURCE");
        var live = new List<Probe>();
        if (!unitFailed && !unit.Skipped)
        {
            foreach (var h in unit.Spec.Headers) L($"#include <{h}>");
            live.AddRange(unit.Probes.Where(Live));
        }
        foreach (var p in Prototypes.Split('\n', StringSplitOptions.RemoveEmptyEntries)) L(p);
        foreach (var p in live.Where(p => p.Kind == ProbeKind.Struct)) L($"static {p.Struct!.CTypeName} hc_o{p.Id};", p);
        L($"void hc_file_{unit.Index}(void);");
        L($"void hc_file_{unit.Index}(void)");
        L("{");
        foreach (var p in live)
        {
            var obj = p.StructProbe is { } sp ? $"hc_o{sp.Id}" : "";
            var m = p.Field is { } f ? $"{obj}.{f.Field.CName}" : "";
            var element = p.Field is { Count: > 0 } ? m + "[0]" : m;
            var type = p.Struct?.CTypeName;
            switch (p.Kind)
            {
                case ProbeKind.Constant:
                    // A macro, or else an enum constant (e.g. glibc's TCP_ESTABLISHED): a name that is neither
                    // fails to compile on the second line and is then reported missing.
                    L($"#ifdef {p.Entry}", p, macro: true);
                    L($"    hc_rec({p.Id}, (long long)({p.Entry}), 0, 0);", p, macro: true);
                    L("#else", p);
                    L($"    hc_rec({p.Id}, (long long)({p.Entry}), 0, 0);", p);
                    L("#endif", p);
                    break;
                case ProbeKind.SinceConstant:
                    L($"#ifdef {p.Entry}", p, macro: true);
                    L($"    hc_rec({p.Id}, (long long)({p.Entry}), 0, 0);", p, macro: true);
                    L("#else", p);
                    L($"    hc_missing({p.Id});", p);
                    L("#endif", p);
                    break;
                case ProbeKind.Struct:
                    L($"    hc_rec({p.Id}, (long long)sizeof({type}), (long long)_Alignof({type}), (long long)sizeof hc_o{p.Id});", p);
                    break;
                case ProbeKind.SinceField:
                    L($"    hc_rec({p.Id}, (long long)sizeof({type}), 0, 0);", p);
                    break;
                case ProbeKind.Layout:
                    L($"    hc_rec({p.Id}, (long long)__builtin_offsetof({type}, {p.Field!.Field.CName}), (long long)sizeof {m}, __builtin_classify_type({m}));", p);
                    break;
                case ProbeKind.Count:
                    L($"    hc_rec({p.Id}, (long long)(sizeof {m} / sizeof {m}[0]), 0, 0);", p);
                    break;
                case ProbeKind.Sign:
                    L($"    hc_rec({p.Id}, (__typeof__({element}))-1 < 0, __builtin_types_compatible_p(__typeof__({element}), char), 0);", p);
                    break;
                case ProbeKind.StructType:
                    L($"    hc_rec({p.Id}, __builtin_types_compatible_p(__typeof__({element}), {p.ExpectedType}), 0, 0);", p);
                    break;
                case ProbeKind.Bits:
                    L($"    __builtin_memset(&{obj}, 0, sizeof {obj}); {m} = hc_all_ones; hc_bits({p.Id}, &{obj}, sizeof {obj}, {m} < 0);", p);
                    break;
            }
        }
        L("}");
        return (string.Join("\n", lines) + "\n", map);
    }

    // ---- compiler errors --------------------------------------------------------------------------------------

    private static readonly Regex Diagnostic = new(
        @"^(?<file>[^:\s][^:]*):(?<line>\d+):(?:\d+:)? (?<sev>fatal error|error|warning|note): (?<msg>.*)$", RegexOptions.CultureInvariant);
    private static readonly Regex IncludedFrom = new(
        @"^(?:In file included from|\s+from) (?<file>[^:]+):(?<line>\d+)[:,]", RegexOptions.CultureInvariant);
    private static readonly Regex InFunction = new(@"^(?<file>[^:\s][^:]*): In function", RegexOptions.CultureInvariant);
    private static readonly Regex UnitFile = new(@"^hc_(?<n>\d+)\.c$", RegexOptions.CultureInvariant);

    private sealed record ErrorGroup(string File, int Line, string Message, int? Context, List<(string File, int Line)> Notes);

    /// <summary>A line of C that belongs to a probe; Macro: the line is used only when the name is a macro.</summary>
    private sealed record ProbeLine(Probe Probe, bool Macro);

    /// <summary>Why a probe did not compile. Direct: the error is on the probe's own line, not inside a header.</summary>
    private sealed record ProbeError(string Message, bool Direct, bool Macro);

    private static (List<(Probe Probe, ProbeError Error)> Probes, List<(int Unit, string Message)> Units, List<string> Unmapped)
        MapErrors(string stderr, Dictionary<int, Dictionary<int, ProbeLine>> lineMaps)
    {
        var groups = new List<ErrorGroup>();
        ErrorGroup? current = null;
        int? context = null; // the translation unit the compiler was last talking about
        foreach (var raw in stderr.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (IncludedFrom.Match(line) is { Success: true } inc)
            {
                if (UnitIndex(inc.Groups["file"].Value) is { } u) context = u;
                continue;
            }
            if (InFunction.Match(line) is { Success: true } fn)
            {
                if (UnitIndex(fn.Groups["file"].Value) is { } u) context = u;
                continue;
            }
            var d = Diagnostic.Match(line);
            if (!d.Success) continue;
            var file = d.Groups["file"].Value;
            var lineNo = int.Parse(d.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (UnitIndex(file) is { } unit) context = unit;
            switch (d.Groups["sev"].Value)
            {
                case "error" or "fatal error":
                    current = new ErrorGroup(file, lineNo, d.Groups["msg"].Value, context, new());
                    groups.Add(current);
                    break;
                case "note":
                    current?.Notes.Add((file, lineNo));
                    break;
                default:
                    current = null;
                    break;
            }
        }

        var probes = new List<(Probe, ProbeError)>();
        var units = new List<(int, string)>();
        var unmapped = new List<string>();
        ProbeLine? Locate(string file, int line) =>
            UnitIndex(file) is { } u && lineMaps.TryGetValue(u, out var map) && map.TryGetValue(line, out var p) ? p : null;
        foreach (var g in groups)
        {
            if (Locate(g.File, g.Line) is { } direct)
            {
                probes.Add((direct.Probe, new ProbeError(g.Message, Direct: true, direct.Macro)));
                continue;
            }
            // An error inside a macro the probe expands (the name exists, but what it stands for does not compile).
            if (g.Notes.Select(n => Locate(n.File, n.Line)).FirstOrDefault(p => p is not null) is { } expanded)
            {
                probes.Add((expanded.Probe, new ProbeError($"{Path.GetFileName(g.File)}:{g.Line}: {g.Message}", Direct: false, expanded.Macro)));
                continue;
            }
            var where = UnitIndex(g.File) is not null ? g.Message : $"{Path.GetFileName(g.File)}:{g.Line}: {g.Message}";
            var owner = UnitIndex(g.File) ?? g.Notes.Select(n => UnitIndex(n.File)).FirstOrDefault(u => u is not null) ?? g.Context;
            if (owner is { } o) units.Add((o, where));
            else unmapped.Add($"{g.File}:{g.Line}: {g.Message}");
        }
        if (groups.Count == 0) unmapped.Add("no compiler error could be read");
        return (probes, units, unmapped);
    }

    private static int? UnitIndex(string file)
    {
        var m = UnitFile.Match(Path.GetFileName(file));
        return m.Success ? int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    // ---- program output and comparison ------------------------------------------------------------------------

    private sealed record Output(bool Missing, long[] Values);

    private static Dictionary<int, Output> ParseOutput(string stdout)
    {
        var result = new Dictionary<int, Output>();
        foreach (var raw in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = raw.Trim().Split(' ');
            var id = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            var values = parts.Skip(2).Select(x => long.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            result[id] = new Output(parts[1] == "missing", values);
        }
        return result;
    }

    /// <summary>Whether a compiler error says the probe's own name does not exist (gcc's and clang's wording, C locale).</summary>
    private static bool SaysMissing(Probe p, string message) => p.Kind switch
    {
        ProbeKind.Constant => message.Contains("undeclared", StringComparison.Ordinal) && message.Contains($"'{p.Entry}'", StringComparison.Ordinal),
        ProbeKind.Struct => message.Contains("incomplete type", StringComparison.Ordinal) ||
                            message.Contains("isn't known", StringComparison.Ordinal) ||
                            message.Contains("never completed", StringComparison.Ordinal) ||
                            message.Contains("unknown type name", StringComparison.Ordinal),
        _ => p.Field is { } f && message.Contains("no member named", StringComparison.Ordinal) &&
             message.Contains($"'{f.Field.CName}'", StringComparison.Ordinal),
    };

    private static string Shape(long typeClass) => typeClass switch
    {
        1 or 2 or 3 or 4 => "integer",
        5 => "array",
        8 => "floating",
        12 => "struct",
        13 => "union",
        _ => $"type class {typeClass}",
    };

    private static string SpecShape(FieldLayout f) => f.Count > 0 ? "array" : f.Category == ValueCategory.Int ? "integer" : "struct";

    private static void Compare(
        List<Probe> probes, Dictionary<int, ProbeError> failedProbes, Dictionary<int, string> failedUnits,
        Dictionary<int, Output> outputs, List<HeaderMismatch> mismatches, Dictionary<string, long> facts)
    {
        var brokenFields = new HashSet<FieldLayout>(ReferenceEqualityComparer.Instance);
        void Add(Probe p, string what) => mismatches.Add(new HeaderMismatch(p.Entry, what));
        void Diff(Probe p, string what, long spec, long headers)
        {
            facts[$"{p.Entry} {what}"] = headers;
            if (spec != headers) Add(p, $"{what} spec={spec} headers={headers}");
        }

        foreach (var p in probes)
        {
            if (failedUnits.ContainsKey(p.Unit.Index)) continue;
            if (p.StructProbe is not null && failedProbes.ContainsKey(p.StructProbe.Id)) continue;
            if (p.Field is not null && brokenFields.Contains(p.Field)) continue;

            if (failedProbes.TryGetValue(p.Id, out var failure))
            {
                var error = failure.Message;
                if (p.Field is not null) brokenFields.Add(p.Field);
                if (p.Field is not null && error.Contains("bit-field", StringComparison.Ordinal))
                    Add(p, $"is a bitfield in the headers but not in the spec ({error})");
                else if (failure.Macro)
                    Add(p, $"is a macro in the headers but does not compile as an integer constant with them: {error}");
                else if (failure.Direct && p.Field is not null && SaysMissing(p, error))
                    Add(p, $"missing from the headers: {p.Struct!.CTypeName} has no such member");
                else if (failure.Direct && SaysMissing(p, error))
                    Add(p, $"missing from the headers of {p.Unit.Name} ({p.Unit.HeaderList})");
                else
                    Add(p, $"cannot be checked against the headers: {error}");
                continue;
            }
            if (!outputs.TryGetValue(p.Id, out var o) || (!o.Missing && o.Values.Length < 3 && p.Kind != ProbeKind.Bits))
            {
                Add(p, "the header check program printed nothing for it");
                continue;
            }

            var v = o.Values;
            switch (p.Kind)
            {
                case ProbeKind.Constant:
                    Diff(p, "value", p.Value, v[0]);
                    break;
                case ProbeKind.SinceConstant:
                    if (!o.Missing)
                    {
                        facts[$"{p.Entry} value"] = v[0];
                        Add(p, $"marked since \"{p.Constant!.Since}\" but the headers define it: value spec={p.Value} headers={v[0]}");
                    }
                    break;
                case ProbeKind.Struct when p.Prefix is { } prefix:
                {
                    // Members marked since are newer than the headers: compare up to the last member the headers have.
                    facts[$"{p.Entry} size"] = v[0];
                    facts[$"{p.Entry} align"] = v[1];
                    var upTo = $" (up to {prefix.LastPresent}, the last member not marked since)";
                    if (prefix.Size != v[0]) Add(p, $"size spec={prefix.Size} headers={v[0]}{upTo}");
                    if (prefix.Align != v[1]) Add(p, $"align spec={prefix.Align} headers={v[1]}{upTo}");
                    break;
                }
                case ProbeKind.Struct:
                    Diff(p, "size", p.Struct!.NativeCSize, v[0]);
                    Diff(p, "align", p.Struct.Align, v[1]);
                    break;
                case ProbeKind.SinceField:
                {
                    var f = p.Field!;
                    if (v[0] > f.Offset)
                        Add(p, $"marked since \"{f.Field.Since}\" but the headers' {p.Struct!.CTypeName} ({v[0]} bytes) reaches over its offset {f.Offset}");
                    else
                        facts[$"{p.Entry} beyond headers"] = 1;
                    break;
                }
                case ProbeKind.Layout:
                {
                    var f = p.Field!;
                    var shape = Shape(v[2]);
                    if (shape != SpecShape(f))
                    {
                        Add(p, $"shape spec={SpecShape(f)} headers={shape}");
                        brokenFields.Add(f);
                    }
                    Diff(p, "offset", f.Offset, v[0]);
                    Diff(p, "size", f.Size, v[1]);
                    break;
                }
                case ProbeKind.Count:
                    Diff(p, "count", p.Field!.Count, v[0]);
                    break;
                case ProbeKind.Sign:
                {
                    var f = p.Field!;
                    bool headerSigned = v[0] != 0, plainChar = v[1] != 0;
                    facts[$"{p.Entry} signed"] = v[0];
                    // Plain char is signed on x86_64 and unsigned on aarch64: the spec's "char" means bytes either way.
                    if (plainChar && f.Field.CType == "char") break;
                    if (headerSigned != f.Signed)
                        Add(p, $"signedness spec={Signedness(f.Signed)} headers={Signedness(headerSigned)}");
                    break;
                }
                case ProbeKind.StructType:
                    facts[$"{p.Entry} is {p.ExpectedType}"] = v[0];
                    if (v[0] == 0) Add(p, $"type spec={p.ExpectedType} headers=another type");
                    break;
                case ProbeKind.Bits:
                {
                    var f = p.Field!;
                    if (v.Length < 4 || v[0] < 0)
                    {
                        Add(p, "setting the member to all ones set no bit");
                        break;
                    }
                    long first = v[0], last = v[1], count = v[2];
                    bool negative = v[3] != 0;
                    if (count != last - first + 1)
                    {
                        Add(p, $"its bits are not contiguous in the headers (bits {first}..{last}, {count} set)");
                        break;
                    }
                    Diff(p, "bit position", (long)f.Offset * 8 + f.BitOffset, first);
                    Diff(p, "bit width", f.Bits, count);
                    facts[$"{p.Entry} signed"] = negative ? 1 : 0;
                    if (negative != f.Signed)
                        Add(p, $"signedness spec={Signedness(f.Signed)} headers={Signedness(negative)}");
                    break;
                }
            }
        }
    }

    private static string Signedness(bool signed) => signed ? "signed" : "unsigned";
}
