using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using UcSocket.Generators.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace UcSocket.Generators.Parsing;

/// <summary>Reads one spec file into a <see cref="SpecFile"/>. Never throws: every problem becomes a diagnostic.</summary>
public static class SpecParser
{
    private static readonly HashSet<string> TopLevelKeys = new(StringComparer.Ordinal)
        { "headers", "constants", "structs", "options", "cmsgs", "families" };

    private static readonly HashSet<string> OptionKinds = new(StringComparer.Ordinal)
        { "bool", "int", "uint", "string", "cstring", "ifname", "ipv4", "ipv6", "none", "uint64", "uintlist" };

    private static readonly HashSet<string> PayloadKinds = new(StringComparer.Ordinal)
        { "int", "uint", "be32", "bytes", "sockaddr", "fds" };

    private static readonly HashSet<string> FieldKinds = new(StringComparer.Ordinal)
        { "int", "ipv4", "ipv6", "ifindex", "hwaddr", "path", "bytes", "sockaddr", "struct" };

    public static SpecFile Parse(string path, string text, CancellationToken cancellationToken = default)
    {
        var ctx = new Context(path);
        var stem = System.IO.Path.GetFileNameWithoutExtension(path);
        var headers = new List<string>();
        var constants = new List<ConstantSpec>();
        var structs = new List<StructSpec>();
        var options = new List<OptionSpec>();
        var cmsgs = new List<CmsgSpec>();
        var families = new List<FamilySpec>();

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            cancellationToken.ThrowIfCancellationRequested();
            if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is not YamlScalarNode { Value: null or "" })
            {
                if (stream.Documents[0].RootNode is not YamlMappingNode root)
                {
                    ctx.Invalid(stream.Documents[0].RootNode, "a spec file must be a mapping of headers, constants, structs, options, cmsgs and families");
                }
                else
                {
                    foreach (var entry in root.Children)
                    {
                        var key = Scalar(entry.Key);
                        switch (key)
                        {
                            case "headers": ParseHeaders(ctx, entry.Value, headers); break;
                            case "constants": ParseConstants(ctx, entry.Value, constants); break;
                            case "structs": ParseStructs(ctx, entry.Value, structs); break;
                            case "options": ParseOptions(ctx, entry.Value, options); break;
                            case "cmsgs": ParseCmsgs(ctx, entry.Value, cmsgs); break;
                            case "families": ParseFamilies(ctx, entry.Value, families); break;
                            default:
                                ctx.Invalid(entry.Key, $"unknown top-level key '{key}' (expected one of: {string.Join(", ", TopLevelKeys)})");
                                break;
                        }
                    }
                }
            }
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException?.Message ?? ex.Message;
            var pos = Pos(ex.Start, ex.End);
            // YamlDotNet places a tab-indentation error at the start of the enclosing mapping; point at the tab.
            if (message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0) pos = IndentingTab(text, (int)ex.Start.Line) ?? pos;
            ctx.Report(Diagnostics.YamlSyntax, pos, message);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            ctx.Report(Diagnostics.InternalError, SourcePos.None, ex.GetType().Name + ": " + ex.Message);
        }

        return new SpecFile(path, stem, headers.ToEquatableArray(), constants.ToEquatableArray(), structs.ToEquatableArray(),
            options.ToEquatableArray(), cmsgs.ToEquatableArray(), families.ToEquatableArray(), ctx.Diagnostics.ToEquatableArray());
    }

    private static void ParseHeaders(Context ctx, YamlNode node, List<string> headers)
    {
        if (node is not YamlSequenceNode seq)
        {
            ctx.Invalid(node, "'headers' must be a list of header file names");
            return;
        }
        foreach (var item in seq)
        {
            var h = Scalar(item);
            if (string.IsNullOrEmpty(h)) ctx.Invalid(item, "a header must be a file name such as sys/socket.h");
            else headers.Add(h!);
        }
    }

    private static void ParseConstants(Context ctx, YamlNode node, List<ConstantSpec> constants)
    {
        if (node is not YamlMappingNode groups)
        {
            ctx.Invalid(node, "'constants' must map group names (AF, SO, ...) to mappings of NAME: value");
            return;
        }
        foreach (var group in groups.Children)
        {
            var groupName = Scalar(group.Key) ?? "";
            if (group.Value is not YamlMappingNode entries)
            {
                ctx.Invalid(group.Value, $"constant group '{groupName}' must be a mapping of NAME: value");
                continue;
            }
            foreach (var entry in entries.Children)
            {
                var name = Scalar(entry.Key);
                if (name is null || !Naming.IsIdentifier(name))
                {
                    ctx.Invalid(entry.Key, "a constant name must be a C identifier");
                    continue;
                }
                string? since = null, doc = null;
                YamlNode valueNode = entry.Value;
                if (entry.Value is YamlMappingNode detail)
                {
                    if (!ctx.CheckKeys(detail, $"constant {name}", "value", "since", "doc")) continue;
                    var v = Child(detail, "value");
                    if (v is null)
                    {
                        ctx.Invalid(detail, $"constant {name} has no value");
                        continue;
                    }
                    valueNode = v;
                    since = Scalar(Child(detail, "since"));
                    doc = Scalar(Child(detail, "doc"));
                }
                if (!TryParseInteger(Scalar(valueNode), out long value))
                {
                    ctx.Invalid(valueNode, $"constant {name} must have an integer value (decimal, 0x hex or negative)");
                    continue;
                }
                constants.Add(new ConstantSpec(name, groupName, value, since, doc, Pos(entry.Key)));
            }
        }
    }

    private static void ParseStructs(Context ctx, YamlNode node, List<StructSpec> structs)
    {
        if (node is not YamlMappingNode map)
        {
            ctx.Invalid(node, "'structs' must map struct tags to their definitions");
            return;
        }
        foreach (var entry in map.Children)
        {
            var tag = Scalar(entry.Key);
            if (tag is null || !Naming.IsIdentifier(tag))
            {
                ctx.Invalid(entry.Key, "a struct tag must be a C identifier, e.g. linger for struct linger");
                continue;
            }
            if (entry.Value is not YamlMappingNode def)
            {
                ctx.Invalid(entry.Value, $"struct {tag} must be a mapping with 'fields'");
                continue;
            }
            if (!ctx.CheckKeys(def, $"struct {tag}", "ctype", "type", "packed", "doc", "fields")) continue;
            var ctype = Scalar(Child(def, "ctype")) ?? "struct " + tag;
            var typeName = Scalar(Child(def, "type")) ?? Naming.Pascal(tag);
            if (!Naming.IsIdentifier(typeName))
            {
                ctx.Invalid(Child(def, "type")!, $"struct {tag}: type '{typeName}' is not a C# identifier");
                continue;
            }
            bool packed = Scalar(Child(def, "packed")) is "true";
            var fieldsNode = Child(def, "fields");
            if (fieldsNode is not YamlSequenceNode fieldSeq || fieldSeq.Children.Count == 0)
            {
                ctx.Invalid(fieldsNode ?? def, $"struct {tag} needs a non-empty 'fields' list");
                continue;
            }
            var fields = new List<FieldSpec>();
            foreach (var f in fieldSeq)
            {
                var field = ParseField(ctx, tag, f);
                if (field is not null) fields.Add(field);
            }
            structs.Add(new StructSpec(tag, ctype, typeName, packed, Scalar(Child(def, "doc")), fields.ToEquatableArray(), Pos(entry.Key)));
        }
    }

    private static FieldSpec? ParseField(Context ctx, string tag, YamlNode node)
    {
        if (node is not YamlMappingNode f)
        {
            ctx.Invalid(node, $"struct {tag}: a field must be a mapping such as {{ c: l_onoff, name: onoff, type: int }}");
            return null;
        }
        if (!ctx.CheckKeys(f, $"struct {tag} field", "c", "name", "property", "type", "kind", "bits", "count", "length", "order", "since")) return null;
        var cname = Scalar(Child(f, "c"));
        if (cname is null || !Naming.IsIdentifier(cname))
        {
            ctx.Invalid(f, $"struct {tag}: every field needs 'c', its C member name");
            return null;
        }
        var name = Scalar(Child(f, "name")) ?? cname;
        var property = Scalar(Child(f, "property")) ?? Naming.Pascal(name);
        if (!Naming.IsIdentifier(property))
        {
            ctx.Invalid(f, $"struct {tag}.{cname}: property '{property}' is not a C# identifier");
            return null;
        }
        var ctype = Scalar(Child(f, "type"));
        if (string.IsNullOrWhiteSpace(ctype))
        {
            ctx.Report(Diagnostics.MissingFieldType, Pos(f), $"struct {tag}: field '{cname}' has no type");
            ctype = null;
        }
        int bits = 0, count = 0;
        var bitsText = Scalar(Child(f, "bits"));
        if (bitsText is not null && (!int.TryParse(bitsText, NumberStyles.None, CultureInfo.InvariantCulture, out bits) || bits <= 0 || bits > 64))
        {
            ctx.Invalid(Child(f, "bits")!, $"struct {tag}.{cname}: bits must be a width between 1 and 64");
            return null;
        }
        var countText = Scalar(Child(f, "count"));
        if (countText is not null && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count <= 0 || count > 65536))
        {
            ctx.Invalid(Child(f, "count")!, $"struct {tag}.{cname}: count must be a positive array length");
            return null;
        }
        var order = Scalar(Child(f, "order")) ?? "host";
        if (order is not ("host" or "big"))
        {
            ctx.Invalid(Child(f, "order")!, $"struct {tag}.{cname}: order must be host or big");
            return null;
        }
        var kind = Scalar(Child(f, "kind")) ?? DefaultFieldKind(ctype, count);
        if (!FieldKinds.Contains(kind))
        {
            ctx.Invalid(Child(f, "kind")!, $"struct {tag}.{cname}: unknown field kind '{kind}' (expected one of: {string.Join(", ", FieldKinds)})");
            return null;
        }
        return new FieldSpec(cname, name, property, ctype is null ? null : CTypes.Normalize(ctype), kind, bits, count,
            Scalar(Child(f, "length")), order, Pos(f), Scalar(Child(f, "since")));
    }

    private static string DefaultFieldKind(string? ctype, int count)
    {
        if (ctype is null) return "int";
        var n = CTypes.Normalize(ctype);
        if (n == "struct in_addr") return "ipv4";
        if (n == "struct in6_addr") return "ipv6";
        if (CTypes.StructTag(n) is not null) return "struct";
        if (count > 0 && CTypes.TryGetScalar(n, out var s) && s.Size == 1) return "bytes";
        return "int";
    }

    private static void ParseOptions(Context ctx, YamlNode node, List<OptionSpec> options)
    {
        if (node is not YamlSequenceNode seq)
        {
            ctx.Invalid(node, "'options' must be a list of { level, name, type } entries");
            return;
        }
        foreach (var item in seq)
        {
            if (item is not YamlMappingNode o)
            {
                ctx.Invalid(item, "an option must be a mapping such as { level: SOL_SOCKET, name: SO_LINGER, type: struct linger }");
                continue;
            }
            if (!ctx.CheckKeys(o, "option", "level", "name", "type", "get", "set", "access", "property", "doc", "test")) continue;
            var level = Scalar(Child(o, "level"));
            var name = Scalar(Child(o, "name"));
            if (level is null || name is null)
            {
                ctx.Invalid(o, "an option needs 'level' and 'name' (constant names such as SOL_SOCKET and SO_LINGER)");
                continue;
            }
            var typeNode = Child(o, "type");
            var getNode = Child(o, "get");
            var setNode = Child(o, "set");
            var access = Scalar(Child(o, "access")) ?? "readwrite";
            if (access is not ("read" or "write" or "readwrite"))
            {
                ctx.Invalid(Child(o, "access")!, $"option {name}: access must be read, write or readwrite");
                continue;
            }
            ValueKind? get = null, set = null;
            bool ok = true;
            if (typeNode is not null)
            {
                if (getNode is not null || setNode is not null)
                {
                    ctx.Invalid(o, $"option {name}: give either 'type' or 'get'/'set', not both");
                    continue;
                }
                var kind = ParseKind(ctx, typeNode, $"option {name}", OptionKinds, ref ok);
                if (kind is not null && kind.Kind == "none") access = "write";
                if (access != "write") get = kind;
                if (access != "read") set = kind;
            }
            else if (getNode is not null || setNode is not null)
            {
                if (getNode is not null) get = ParseKind(ctx, getNode, $"option {name} get", OptionKinds, ref ok);
                if (setNode is not null) set = ParseKind(ctx, setNode, $"option {name} set", OptionKinds, ref ok);
            }
            else
            {
                ctx.Invalid(o, $"option {name} needs a 'type' (or 'get' and/or 'set')");
                continue;
            }
            if (!ok) continue;
            var property = Scalar(Child(o, "property")) ?? Naming.Pascal(name);
            options.Add(new OptionSpec(level, name, get, set, property, Scalar(Child(o, "doc")), Pos(o)));
        }
    }

    private static void ParseCmsgs(Context ctx, YamlNode node, List<CmsgSpec> cmsgs)
    {
        if (node is not YamlSequenceNode seq)
        {
            ctx.Invalid(node, "'cmsgs' must be a list of { level, type, payload } entries");
            return;
        }
        foreach (var item in seq)
        {
            if (item is not YamlMappingNode c)
            {
                ctx.Invalid(item, "a cmsg must be a mapping such as { level: SOL_SOCKET, type: SCM_RIGHTS, payload: fds }");
                continue;
            }
            if (!ctx.CheckKeys(c, "cmsg", "level", "type", "payload", "property", "doc", "test")) continue;
            var level = Scalar(Child(c, "level"));
            var type = Scalar(Child(c, "type"));
            var payloadNode = Child(c, "payload");
            if (level is null || type is null || payloadNode is null)
            {
                ctx.Invalid(c, "a cmsg needs 'level', 'type' and 'payload'");
                continue;
            }
            bool ok = true;
            var payload = ParseKind(ctx, payloadNode, $"cmsg {type}", PayloadKinds, ref ok);
            if (!ok || payload is null) continue;
            var property = Scalar(Child(c, "property")) ?? Naming.Pascal(type);
            cmsgs.Add(new CmsgSpec(level, type, payload, property, Scalar(Child(c, "doc")), Pos(c)));
        }
    }

    private static void ParseFamilies(Context ctx, YamlNode node, List<FamilySpec> families)
    {
        if (node is not YamlSequenceNode seq)
        {
            ctx.Invalid(node, "'families' must be a list of { family, struct } entries");
            return;
        }
        foreach (var item in seq)
        {
            if (item is not YamlMappingNode f)
            {
                ctx.Invalid(item, "a family must be a mapping such as { family: AF_INET, struct: sockaddr_in }");
                continue;
            }
            if (!ctx.CheckKeys(f, "family", "family", "struct", "property")) continue;
            var family = Scalar(Child(f, "family"));
            var tag = Scalar(Child(f, "struct"));
            if (family is null || tag is null)
            {
                ctx.Invalid(f, "a family needs 'family' (e.g. AF_INET) and 'struct' (e.g. sockaddr_in)");
                continue;
            }
            var st = CTypes.StructTag(tag) ?? tag;
            families.Add(new FamilySpec(family, st, Scalar(Child(f, "property")) ?? Naming.Pascal(family), Pos(f)));
        }
    }

    private static ValueKind? ParseKind(Context ctx, YamlNode node, string what, HashSet<string> kinds, ref bool ok)
    {
        var text = Scalar(node);
        if (text is null)
        {
            ctx.Invalid(node, $"{what}: the value kind must be a word such as int or 'struct linger'");
            ok = false;
            return null;
        }
        var n = CTypes.Normalize(text);
        var tag = CTypes.StructTag(n);
        if (tag is not null) return new ValueKind("struct", tag);
        if (kinds.Contains(n)) return new ValueKind(n, null);
        ctx.Report(Diagnostics.UnknownType, Pos(node), $"{what}: unknown value kind '{n}' (expected one of: {string.Join(", ", kinds)}, or struct <tag>)");
        ok = false;
        return null;
    }

    /// <summary>The first tab in the indentation of a line at or after <paramref name="fromLine"/> (1-based), if any.</summary>
    private static SourcePos? IndentingTab(string text, int fromLine)
    {
        int line = 1, start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            if (line >= fromLine)
            {
                for (int i = start; i < end && (text[i] == ' ' || text[i] == '\t'); i++)
                    if (text[i] == '\t') return new SourcePos(i, i + 1, line, i - start + 1, line, i - start + 2);
            }
            start = end + 1;
            line++;
        }
        return null;
    }

    internal static bool TryParseInteger(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text!.Trim();
        bool negative = t.StartsWith("-", StringComparison.Ordinal);
        if (negative) t = t.Substring(1);
        bool ok;
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            ok = ulong.TryParse(t.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var u) && u <= long.MaxValue;
            value = (long)u;
        }
        else
        {
            ok = long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }
        if (negative) value = -value;
        return ok;
    }

    private static string? Scalar(YamlNode? node) => node is YamlScalarNode s ? s.Value : null;

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    internal static SourcePos Pos(YamlNode node) => Pos(node.Start, node.End);

    private static SourcePos Pos(Mark start, Mark end) =>
        new((int)start.Index, (int)Math.Max(start.Index, end.Index), (int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column);

    private sealed class Context
    {
        private readonly string _path;
        public readonly List<DiagnosticInfo> Diagnostics = new();

        public Context(string path) => _path = path;

        public void Report(DiagnosticSpec spec, SourcePos pos, string message) =>
            Diagnostics.Add(new DiagnosticInfo(spec.Id, message, _path, pos));

        public void Invalid(YamlNode node, string message) => Report(Parsing.Diagnostics.InvalidEntry, Pos(node), message);

        public bool CheckKeys(YamlMappingNode map, string what, params string[] allowed)
        {
            bool ok = true;
            foreach (var key in map.Children.Keys)
            {
                var k = Scalar(key);
                if (k is null || Array.IndexOf(allowed, k) < 0)
                {
                    Invalid(key, $"{what}: unknown key '{k}' (expected one of: {string.Join(", ", allowed)})");
                    ok = false;
                }
            }
            return ok;
        }
    }
}
