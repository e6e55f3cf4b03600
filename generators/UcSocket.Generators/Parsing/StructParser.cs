using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Parsing;

/// <summary>Reads the <c>structs:</c> section, and checks each struct's names against each other and the members its generated type has.</summary>
internal static class StructParser
{
    private static readonly string[] StructKeys = { "ctype", "type", "packed", "align", "doc", "fields" };

    private static readonly string[] FieldKeys = { "c", "name", "property", "type", "kind", "bits", "count", "length", "order", "since", "offset", "trailing" };

    private static readonly Regex CTypeName = new(@"^((struct|union) )?[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>Members of every generated struct besides its properties (see Emit/StructEmitter).</summary>
    internal static readonly HashSet<string> GeneratedStructMembers = new(StringComparer.Ordinal)
        { "NativeSize", "CTypeName", "Read", "ReadCore", "TryWrite", "ToDictionary", "TryFromDictionary", "PrintMembers", "Deconstruct", "EqualityContract" };

    public static void ParseStructs(ParseContext ctx, YamlNode node, List<StructSpec> structs, CancellationToken ct)
    {
        if (node.Kind != YamlNodeKind.Mapping)
        {
            if (node.Complete) ctx.Invalid(node, "structs", "'structs' maps struct tags to their definitions");
            return;
        }
        foreach (var entry in node.Pairs)
        {
            ct.ThrowIfCancellationRequested();
            if (!entry.Value.Complete) continue;
            var s = ParseStruct(ctx, entry.Key, entry.Value, ct);
            if (s is not null) structs.Add(s);
        }
    }

    private static StructSpec? ParseStruct(ParseContext ctx, YamlNode key, YamlNode def, CancellationToken ct)
    {
        var tag = key.Value;
        if (!Naming.IsCIdentifier(tag))
        {
            ctx.Invalid(key, "structs", $"a struct tag is a C identifier, e.g. linger for struct linger, not '{ParseContext.Quote(tag)}'");
            return null;
        }
        var what = "struct " + tag;
        if (def.Kind != YamlNodeKind.Mapping)
        {
            ctx.Invalid(def, what, "a struct is a mapping with 'fields'");
            return null;
        }
        bool ok = ctx.CheckKeys(def, what, StructKeys);
        var ctype = CTypes.Normalize(ctx.Text(def, "ctype", what, ref ok) ?? "struct " + tag);
        if (!CTypeName.IsMatch(ctype))
        {
            ctx.Invalid(def["ctype"]!, what, $"'ctype' is a C type name such as struct linger, not '{ParseContext.Quote(ctype)}'");
            ok = false;
        }
        var typeNode = def["type"];
        var typeName = ctx.Text(def, "type", what, ref ok) ?? Naming.Pascal(tag);
        if (Naming.CSharpNameProblem(typeName) is { } problem)
        {
            ctx.Invalid(typeNode ?? key, what, typeNode is not null
                ? $"'type: {ParseContext.Quote(typeName)}' {problem}"
                : $"the C# name '{typeName}' made from the tag {problem}; give one with 'type:'");
            ok = false;
        }
        var packedText = ctx.Text(def, "packed", what, ref ok);
        if (packedText is not null and not ("true" or "false"))
        {
            ctx.Invalid(def["packed"]!, what, "'packed' is true or false");
            ok = false;
        }
        int align = 0;
        var alignText = ctx.Text(def, "align", what, ref ok);
        if (alignText is not null && (!ParseContext.TryParseCount(alignText, 64, out align) || align == 0 || (align & (align - 1)) != 0))
        {
            ctx.Invalid(def["align"]!, what, "align must be a power of two between 1 and 64");
            ok = false;
        }
        var doc = ctx.Text(def, "doc", what, ref ok);
        var fieldsNode = def["fields"];
        if (fieldsNode is null || fieldsNode.Kind != YamlNodeKind.Sequence || fieldsNode.Items.Count == 0)
        {
            ctx.Invalid(fieldsNode ?? def, what, "a struct needs a non-empty 'fields' list");
            ok = false;
            fieldsNode = null;
        }
        if (fieldsNode is not null && fieldsNode.Items.Count > Limits.MaxFields)
        {
            ctx.Report(Diagnostics.Limit, fieldsNode.Items[Limits.MaxFields], $"{what} has {fieldsNode.Items.Count} fields", $"{Limits.MaxFields} fields per struct");
            ok = false;
            fieldsNode = null;
        }
        var fields = new List<FieldSpec>();
        var names = new Names(ctx, what, typeName);
        foreach (var f in fieldsNode?.Items ?? new List<YamlNode>())
        {
            ct.ThrowIfCancellationRequested();
            var field = ParseField(ctx, tag, f, ref ok);
            if (field is not null && names.Add(field, f)) fields.Add(field);
            else ok = false;
        }
        return new StructSpec(tag, ctype, typeName, packedText == "true", doc, fields.ToEquatableArray(), align,
            ctx.Ref(key), ctx.Ref(typeNode ?? key), Broken: !ok);
    }

    /// <summary>
    /// The names of one struct's fields: C members, ucode names and C# members (each property, and the nested
    /// <c>{Property}Array</c> type of an array) must be unique, and no C# member may take the struct's own name or
    /// a member the generated struct has.
    /// </summary>
    private sealed class Names
    {
        private readonly ParseContext _ctx;
        private readonly string _what;
        private readonly string _typeName;
        private readonly Dictionary<string, YamlNode> _c = new(StringComparer.Ordinal);
        private readonly Dictionary<string, YamlNode> _ucode = new(StringComparer.Ordinal);
        private readonly Dictionary<string, YamlNode> _members = new(StringComparer.Ordinal);

        public Names(ParseContext ctx, string what, string typeName)
        {
            _ctx = ctx;
            _what = what;
            _typeName = typeName;
        }

        public bool Add(FieldSpec f, YamlNode node)
        {
            // One report per field: the first of its names that is taken.
            bool ok = Unique(_c, f.CName, node["c"] ?? node, $"{_what}: the C member {f.CName}")
                && Unique(_ucode, f.Name, node["name"] ?? node["c"] ?? node, $"{_what}: the field name '{f.Name}'");
            if (!ok) return false;
            var at = node["property"] ?? node["name"] ?? node["c"] ?? node;
            foreach (var member in f.Count > 0 ? new[] { f.Property, f.Property + "Array" } : new[] { f.Property })
            {
                if (member == _typeName || GeneratedStructMembers.Contains(member))
                {
                    _ctx.Invalid(at, $"{_what}.{f.CName}", $"the C# name {member} is taken by the generated struct's "
                        + (member == _typeName ? "own type name" : "member of that name") + "; give another with 'property:'");
                    ok = false;
                }
                else
                {
                    ok &= Unique(_members, member, at, $"{_what}: the C# member {member} (of field {f.CName})");
                }
            }
            return ok;
        }

        private bool Unique(Dictionary<string, YamlNode> seen, string name, YamlNode at, string what)
        {
            if (seen.TryGetValue(name, out var first))
            {
                _ctx.Report(Diagnostics.Duplicate, at, first, what, DiagnosticInfo.RelatedPlaceholder);
                return false;
            }
            seen[name] = at;
            return true;
        }
    }

    private static FieldSpec? ParseField(ParseContext ctx, string tag, YamlNode f, ref bool structOk)
    {
        var what = "struct " + tag;
        if (f.Kind != YamlNodeKind.Mapping)
        {
            ctx.Invalid(f, what, "a field is a mapping such as { c: l_onoff, name: onoff, type: int }");
            return null;
        }
        bool ok = ctx.CheckKeys(f, what + " field", FieldKeys);
        var cname = ctx.Text(f, "c", what, ref ok);
        if (cname is null || Array.Exists(cname.Split('.'), part => !Naming.IsCIdentifier(part)))
        {
            ctx.Invalid(f["c"] ?? f, what, "every field needs 'c', its C member name (a.b for a member of a nested struct or union)");
            return null;
        }
        what = $"struct {tag}.{cname}";
        var name = ctx.Text(f, "name", what, ref ok) ?? cname;
        if (!Naming.IsCIdentifier(name))
        {
            ctx.Invalid(f["name"] ?? f, what, $"the field name is a ucode field name (letters, digits and _), not '{ParseContext.Quote(name)}'");
            ok = false;
        }
        var propertyGiven = ctx.Text(f, "property", what, ref ok);
        var property = propertyGiven ?? Naming.Pascal(name);
        if (Naming.CSharpNameProblem(property) is { } problem)
        {
            ctx.Invalid(f["property"] ?? f["name"] ?? f, what, propertyGiven is not null
                ? $"'property: {ParseContext.Quote(property)}' {problem}"
                : $"the C# name '{property}' made from the field name {problem}; give one with 'property:'");
            ok = false;
        }
        var ctype = ctx.Text(f, "type", what, ref ok);
        if (string.IsNullOrWhiteSpace(ctype))
        {
            if (f["type"] is null || f["type"]!.IsScalar) ctx.Report(Diagnostics.MissingFieldType, f["type"] ?? f, "struct " + tag, cname);
            ctype = null;
            structOk = false;
        }
        else
        {
            ctype = CTypes.Normalize(ctype!);
        }
        int bits = 0, count = 0, offset = -1;
        var bitsText = ctx.Text(f, "bits", what, ref ok);
        if (bitsText is not null && (!ParseContext.TryParseCount(bitsText, 64, out bits) || bits == 0))
        {
            ctx.Invalid(f["bits"]!, what, "bits is a width between 1 and 64");
            ok = false;
        }
        var countText = ctx.Text(f, "count", what, ref ok);
        if (countText is not null && (!ParseContext.TryParseCount(countText, Limits.MaxCount, out count) || count == 0))
        {
            ctx.Invalid(f["count"]!, what, $"count is an array length between 1 and {Limits.MaxCount}");
            ok = false;
        }
        var order = ctx.Text(f, "order", what, ref ok) ?? "host";
        if (order is not ("host" or "big"))
        {
            ctx.Invalid(f["order"]!, what, $"order is host or big, not '{ParseContext.Quote(order)}'");
            ok = false;
        }
        var offsetText = ctx.Text(f, "offset", what, ref ok);
        if (offsetText is not null && !ParseContext.TryParseCount(offsetText, Limits.MaxCount, out offset))
        {
            ctx.Invalid(f["offset"]!, what, $"offset is a byte offset between 0 and {Limits.MaxCount}");
            ok = false;
        }
        var trailingText = ctx.Text(f, "trailing", what, ref ok);
        if (trailingText is not null and not ("true" or "false"))
        {
            ctx.Invalid(f["trailing"]!, what, "trailing is true or false");
            ok = false;
        }
        var length = ctx.Text(f, "length", what, ref ok);
        if (length is not null && Array.Exists(length.Split('.'), part => !Naming.IsCIdentifier(part)))
        {
            ctx.Invalid(f["length"]!, what, "length names the C member that holds the used length");
            ok = false;
        }
        var since = ctx.Text(f, "since", what, ref ok);
        ok &= SpecParser.CheckSince(ctx, f, what, since);
        var kindText = ctx.Text(f, "kind", what, ref ok);
        FieldKind kind;
        if (kindText is null) kind = DefaultKind(ctype, count);
        else if (!FieldKinds.TryParse(kindText, out kind))
        {
            ctx.Invalid(f["kind"]!, what, $"unknown field kind '{ParseContext.Quote(kindText)}'{Naming.DidYouMean(kindText, FieldKinds.Names)} (expected one of: {string.Join(", ", FieldKinds.Names)})");
            ok = false;
        }
        if (!ok)
        {
            structOk = false;
            return null;
        }
        return new FieldSpec(cname, name, property, ctype, kind, bits, count, length, order == "big", since, offset, trailingText == "true",
            ctx.Ref(f), ctx.Ref(f["property"] ?? f["name"] ?? f), ctx.Ref(f["type"] ?? f), ctx.Ref(f["name"] ?? f["c"] ?? f));
    }

    private static FieldKind DefaultKind(string? ctype, int count)
    {
        if (ctype is null) return FieldKind.Int;
        if (ctype == "struct in_addr") return FieldKind.Ipv4;
        if (ctype == "struct in6_addr") return FieldKind.Ipv6;
        if (CTypes.StructTag(ctype) is not null) return FieldKind.Struct;
        if (count > 0 && CTypes.TryGetScalar(ctype, out var s) && s.Size == 1) return FieldKind.Bytes;
        return FieldKind.Int;
    }
}
