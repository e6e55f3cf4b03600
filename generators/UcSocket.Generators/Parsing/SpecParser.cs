using System.Collections.Generic;
using System.Text.RegularExpressions;
using System.Threading;
using UcSocket.Generators.Model;

namespace UcSocket.Generators.Parsing;

/// <summary>
/// Reads one spec file into a <see cref="ParsedSpec"/>. Never throws for any input: every problem becomes a
/// diagnostic at the node it is about. An entry that a syntax error cut short is left out silently (the syntax
/// error is reported); every complete entry before it is kept, so one typo does not erase the whole file.
/// </summary>
public static class SpecParser
{
    private static readonly string[] TopLevelKeys = { "headers", "level", "constants", "structs", "options", "cmsgs", "families" };

    private static readonly Regex Version = new(@"^[0-9]{1,3}(\.[0-9]{1,3}){1,2}$", RegexOptions.CultureInvariant);

    public static ParsedSpec Parse(string path, string text, CancellationToken cancellationToken = default)
    {
        var ctx = new ParseContext(path, text);
        var content = new Content();
        var root = YamlReader.Read(text, ctx, cancellationToken);
        if (root is not null && !(root.IsScalar && root.Value.Length == 0 && root.Complete))
        {
            if (root.Kind != YamlNodeKind.Mapping)
            {
                if (root.Complete) ctx.Invalid(root, "this file", "a spec file is a mapping of headers, level, constants, structs, options, cmsgs and families");
            }
            else
            {
                ParseRoot(ctx, root, content, cancellationToken);
            }
        }
        var file = new SpecFile(path, System.IO.Path.GetFileNameWithoutExtension(path), content.Headers.ToEquatableArray(),
            content.Constants.ToEquatableArray(), content.Structs.ToEquatableArray(), content.Options.ToEquatableArray(),
            content.Cmsgs.ToEquatableArray(), content.Families.ToEquatableArray(), ctx.Incomplete);
        if (!ctx.HasErrors && file.DefinesNothing) ctx.ReportAt(Diagnostics.Empty, 0, 0);
        return new ParsedSpec(file, ctx.Positions, ctx.Diagnostics);
    }

    /// <summary>The node a failure to read or parse a file is reported at: the start of the file.</summary>
    public const string FailureNode = "!failed";

    /// <summary>A file that could not be read or parsed (a bug, reported as UCS008 at its start).</summary>
    public static ParsedSpec Failed(string path, string message) => new(
        new SpecFile(path, System.IO.Path.GetFileNameWithoutExtension(path), default, default, default, default, default, default, Incomplete: true),
        new EquatableArray<NodePosition>(new[] { new NodePosition(FailureNode, new SourcePos(0, 0, 0, 0, 0, 0)) }),
        new EquatableArray<DiagnosticInfo>(new[] { new DiagnosticInfo(Diagnostics.InternalError.Id, path, FailureNode, new EquatableArray<string>(new[] { message })) }));

    private sealed class Content
    {
        public readonly List<string> Headers = new();
        public readonly List<ConstantSpec> Constants = new();
        public readonly List<StructSpec> Structs = new();
        public readonly List<OptionSpec> Options = new();
        public readonly List<CmsgSpec> Cmsgs = new();
        public readonly List<FamilySpec> Families = new();
    }

    private static void ParseRoot(ParseContext ctx, YamlNode root, Content content, CancellationToken ct)
    {
        // The file-level default level comes first, whatever its place in the file.
        YamlNode? level = root["level"];
        if (level is not null && (!level.IsScalar || !Naming.IsCIdentifier(level.Value)))
        {
            if (level.Complete) ctx.Invalid(level, "level", "the file's default level is a constant name such as SOL_SOCKET");
            level = null;
        }
        foreach (var entry in root.Pairs)
        {
            ct.ThrowIfCancellationRequested();
            var node = entry.Value;
            switch (entry.Key.Value)
            {
                case "level": break;
                case "headers": ParseHeaders(ctx, node, content.Headers); break;
                case "constants": ParseConstants(ctx, node, content.Constants); break;
                case "structs": StructParser.ParseStructs(ctx, node, content.Structs, ct); break;
                case "options": ParseEntries(ctx, node, "options", "an option", e => ParseOption(ctx, e, level, content)); break;
                case "cmsgs": ParseEntries(ctx, node, "cmsgs", "a cmsg", e => ParseCmsg(ctx, e, level, content)); break;
                case "families": ParseEntries(ctx, node, "families", "a family", e => ParseFamily(ctx, e, content)); break;
                default:
                    ctx.Invalid(entry.Key, "this file", $"unknown top-level key '{ParseContext.Quote(entry.Key.Value)}'"
                        + $"{Naming.DidYouMean(entry.Key.Value, TopLevelKeys)} (expected one of: {string.Join(", ", TopLevelKeys)})");
                    break;
            }
        }
    }

    private static void ParseHeaders(ParseContext ctx, YamlNode node, List<string> headers)
    {
        if (node.Kind != YamlNodeKind.Sequence)
        {
            if (node.Complete) ctx.Invalid(node, "headers", "'headers' is a list of header file names such as [sys/socket.h]");
            return;
        }
        foreach (var item in node.Items)
        {
            if (!item.Complete) continue;
            if (!item.IsScalar || item.Value.Length == 0) ctx.Invalid(item, "headers", "a header is a file name such as sys/socket.h");
            else headers.Add(item.Value);
        }
    }

    private static void ParseConstants(ParseContext ctx, YamlNode node, List<ConstantSpec> constants)
    {
        if (node.Kind != YamlNodeKind.Mapping)
        {
            if (node.Complete) ctx.Invalid(node, "constants", "'constants' maps group names (AF, SO, ...) to mappings of NAME: value");
            return;
        }
        foreach (var group in node.Pairs)
        {
            var groupName = group.Key.Value;
            if (!Naming.IsCIdentifier(groupName))
            {
                ctx.Invalid(group.Key, "constants", $"a group name is a C identifier such as SO, not '{ParseContext.Quote(groupName)}'");
                continue;
            }
            if (group.Value.Kind != YamlNodeKind.Mapping)
            {
                if (group.Value.Complete) ctx.Invalid(group.Value, $"constant group {groupName}", "a group is a mapping of NAME: value");
                continue;
            }
            foreach (var entry in group.Value.Pairs)
                if (entry.Value.Complete) ParseConstant(ctx, groupName, entry.Key, entry.Value, constants);
        }
    }

    private static void ParseConstant(ParseContext ctx, string group, YamlNode key, YamlNode value, List<ConstantSpec> constants)
    {
        var name = key.Value;
        if (!ConstantName(ctx, key, "constants", name)) return;
        string? since = null, doc = null;
        var valueNode = value;
        if (value.Kind == YamlNodeKind.Mapping)
        {
            bool ok = ctx.CheckKeys(value, $"constant {name}", "value", "since", "doc");
            since = ctx.Text(value, "since", $"constant {name}", ref ok);
            doc = ctx.Text(value, "doc", $"constant {name}", ref ok);
            if (!ok || !CheckSince(ctx, value, $"constant {name}", since)) return;
            valueNode = value["value"]!;
            if (valueNode is null)
            {
                ctx.Invalid(value, $"constant {name}", "it has no 'value'");
                return;
            }
        }
        if (!valueNode.IsScalar || !ParseContext.TryParseInteger(valueNode.Value, out long number))
        {
            ctx.Invalid(valueNode, $"constant {name}", "the value is an integer: decimal, 0x hex or negative, within 64 bits");
            return;
        }
        constants.Add(new ConstantSpec(name, group, number, since, doc, ctx.Ref(key)));
    }

    /// <summary>Checks a constant's name: a C identifier that is no member every C# class has.</summary>
    private static bool ConstantName(ParseContext ctx, YamlNode at, string what, string name)
    {
        if (!Naming.IsCIdentifier(name))
        {
            ctx.Invalid(at, what, $"a constant name is a C identifier (letters, digits and _), not '{ParseContext.Quote(name)}'");
            return false;
        }
        if (Naming.ObjectMembers.Contains(name) || name == "Sockets")
        {
            ctx.Invalid(at, what, $"'{name}' cannot be a constant of the class Sockets: it is {(name == "Sockets" ? "the class's own name" : "the name of a member every C# class has")}");
            return false;
        }
        return true;
    }

    internal static bool CheckSince(ParseContext ctx, YamlNode map, string what, string? since)
    {
        if (since is null || Version.IsMatch(since)) return true;
        ctx.Invalid(map["since"]!, what, $"'since' is a kernel version such as \"6.5\", not '{ParseContext.Quote(since)}'");
        return false;
    }

    private static void ParseEntries(ParseContext ctx, YamlNode node, string key, string what, System.Action<YamlNode> parse)
    {
        if (node.Kind != YamlNodeKind.Sequence)
        {
            if (node.Complete) ctx.Invalid(node, key, $"'{key}' is a list of entries");
            return;
        }
        foreach (var item in node.Items)
        {
            if (!item.Complete) continue; // cut short by a syntax error, reported there
            if (item.Kind != YamlNodeKind.Mapping) ctx.Invalid(item, key, $"{what} is a mapping such as {Example(key)}");
            else parse(item);
        }
    }

    private static string Example(string key) => key switch
    {
        "options" => "{ level: SOL_SOCKET, name: SO_LINGER, type: struct linger }",
        "cmsgs" => "{ level: SOL_SOCKET, type: SCM_RIGHTS, payload: fds }",
        _ => "{ family: AF_INET, struct: sockaddr_in }",
    };

    private static void ParseOption(ParseContext ctx, YamlNode o, YamlNode? defaultLevel, Content content)
    {
        bool ok = ctx.CheckKeys(o, "option", "level", "name", "value", "since", "type", "get", "set", "access", "property", "doc", "test");
        var nameNode = o["name"];
        if (nameNode is null || !nameNode.IsScalar)
        {
            ctx.Invalid(nameNode ?? o, "option", "an option needs 'name', a constant name such as SO_LINGER");
            return;
        }
        var name = nameNode.Value;
        var what = $"option {ParseContext.Quote(name)}";
        if (!ConstantName(ctx, nameNode, what, name)) return;
        var levelNode = Level(ctx, o, what, defaultLevel, ref ok);
        var access = ctx.Text(o, "access", what, ref ok) ?? "readwrite";
        var doc = ctx.Text(o, "doc", what, ref ok);
        if (access is not ("read" or "write" or "readwrite"))
        {
            ctx.Invalid(o["access"]!, what, $"access is read, write or readwrite, not '{ParseContext.Quote(access)}'{Naming.DidYouMean(access, new[] { "read", "write", "readwrite" })}");
            ok = false;
        }
        YamlNode? typeNode = o["type"], getNode = o["get"], setNode = o["set"];
        ValueKind? get = null, set = null;
        if (typeNode is not null)
        {
            if (getNode is not null || setNode is not null)
            {
                ctx.Invalid(typeNode, what, "give either 'type' or 'get'/'set', not both");
                return;
            }
            var kind = ParseKind(ctx, typeNode, what, option: true, ref ok);
            if (kind?.Kind == ValueKindId.None) access = "write";
            if (access != "write") get = kind;
            if (access != "read") set = kind;
            getNode = access != "write" ? typeNode : null;
            setNode = access != "read" ? typeNode : null;
        }
        else if (getNode is not null || setNode is not null)
        {
            if (getNode is not null) get = ParseKind(ctx, getNode, what + " get", option: true, ref ok);
            if (setNode is not null) set = ParseKind(ctx, setNode, what + " set", option: true, ref ok);
        }
        else
        {
            ctx.Invalid(o, what, "it needs a 'type' (or 'get' and/or 'set'), e.g. type: int");
            return;
        }
        var property = Property(ctx, o, what, name, "SockOpt", ref ok);
        if (!ok || levelNode is null || property is null) return;
        if (!InlineConstant(ctx, o, what, name, nameNode, doc, content)) return;
        content.Options.Add(new OptionSpec(levelNode.Value, name, get, set, property.Value.Name, doc,
            ctx.Ref(o), ctx.Ref(levelNode), ctx.Ref(nameNode), getNode is null ? null : ctx.Ref(getNode), setNode is null ? null : ctx.Ref(setNode), property.Value.Node));
    }

    private static void ParseCmsg(ParseContext ctx, YamlNode c, YamlNode? defaultLevel, Content content)
    {
        bool ok = ctx.CheckKeys(c, "cmsg", "level", "type", "value", "since", "payload", "property", "doc", "test");
        var typeNode = c["type"];
        if (typeNode is null || !typeNode.IsScalar)
        {
            ctx.Invalid(typeNode ?? c, "cmsg", "a cmsg needs 'type', a constant name such as SCM_RIGHTS");
            return;
        }
        var type = typeNode.Value;
        var what = $"cmsg {ParseContext.Quote(type)}";
        if (!ConstantName(ctx, typeNode, what, type)) return;
        var levelNode = Level(ctx, c, what, defaultLevel, ref ok);
        var doc = ctx.Text(c, "doc", what, ref ok);
        var payloadNode = c["payload"];
        if (payloadNode is null)
        {
            ctx.Invalid(c, what, "it needs a 'payload', e.g. payload: int");
            return;
        }
        var payload = ParseKind(ctx, payloadNode, what, option: false, ref ok);
        var property = Property(ctx, c, what, type, "Cmsg", ref ok);
        if (!ok || payload is null || levelNode is null || property is null) return;
        if (!InlineConstant(ctx, c, what, type, typeNode, doc, content)) return;
        content.Cmsgs.Add(new CmsgSpec(levelNode.Value, type, payload, property.Value.Name, doc,
            ctx.Ref(c), ctx.Ref(levelNode), ctx.Ref(typeNode), ctx.Ref(payloadNode), property.Value.Node));
    }

    private static void ParseFamily(ParseContext ctx, YamlNode f, Content content)
    {
        bool ok = ctx.CheckKeys(f, "family", "family", "struct", "property");
        YamlNode? familyNode = f["family"], structNode = f["struct"];
        if (familyNode is null || structNode is null || !familyNode.IsScalar || !structNode.IsScalar)
        {
            ctx.Invalid(f, "family", "a family needs 'family' (e.g. AF_INET) and 'struct' (e.g. sockaddr_in)");
            return;
        }
        var family = familyNode.Value;
        var what = $"family {ParseContext.Quote(family)}";
        if (!ConstantName(ctx, familyNode, what, family)) return;
        var tag = CTypes.StructTag(structNode.Value) ?? CTypes.Normalize(structNode.Value);
        if (!Naming.IsCIdentifier(tag))
        {
            ctx.Invalid(structNode, what, $"'struct' names a spec struct such as sockaddr_in, not '{ParseContext.Quote(structNode.Value)}'");
            return;
        }
        var property = Property(ctx, f, what, family, null, ref ok);
        if (!ok || property is null) return;
        content.Families.Add(new FamilySpec(family, tag, property.Value.Name, ctx.Ref(f), ctx.Ref(familyNode), ctx.Ref(structNode), property.Value.Node));
    }

    /// <summary>The entry's level node, or the file's default; reports when there is neither.</summary>
    private static YamlNode? Level(ParseContext ctx, YamlNode entry, string what, YamlNode? defaultLevel, ref bool ok)
    {
        var node = entry["level"];
        if (node is null)
        {
            if (defaultLevel is null)
            {
                ctx.Invalid(entry, what, "it needs a 'level' (a constant name such as SOL_SOCKET), or the file a default 'level:'");
                ok = false;
            }
            return defaultLevel;
        }
        if (!node.IsScalar || !Naming.IsCIdentifier(node.Value))
        {
            ctx.Invalid(node, what, "'level' is a constant name such as SOL_SOCKET");
            ok = false;
            return null;
        }
        return node;
    }

    /// <summary>The C# name from 'property:', or made from the constant's name; null (reported) when it cannot be one.</summary>
    /// <param name="enclosing">The generated class the name is a member of: it cannot take the class's own name.</param>
    internal static (string Name, string Node)? Property(ParseContext ctx, YamlNode entry, string what, string from, string? enclosing, ref bool ok)
    {
        var given = ctx.Text(entry, "property", what, ref ok);
        var name = given ?? Naming.Pascal(from);
        if ((name == enclosing ? $"is the name of the class {enclosing} it is a member of" : Naming.CSharpNameProblem(name)) is { } problem)
        {
            ctx.Invalid(entry["property"] ?? entry, what, given is not null
                ? $"'property: {ParseContext.Quote(name)}' {problem}"
                : $"the C# name '{ParseContext.Quote(name)}' made from '{ParseContext.Quote(from)}' {problem}; give one with 'property:'");
            return null;
        }
        return (name, ctx.Ref(entry["property"] ?? entry));
    }

    /// <summary>An option's or cmsg's own 'value:' (and 'since:') defines its constant, in the group named by the name's prefix.</summary>
    private static bool InlineConstant(ParseContext ctx, YamlNode entry, string what, string name, YamlNode nameNode, string? doc, Content content)
    {
        bool ok = true;
        var since = ctx.Text(entry, "since", what, ref ok);
        var value = entry["value"];
        if (value is null)
        {
            if (since is null) return ok;
            ctx.Invalid(entry["since"]!, what, "'since' goes with 'value' (it dates the constant the entry defines)");
            return false;
        }
        if (!ok || !CheckSince(ctx, entry, what, since)) return false;
        if (!value.IsScalar || !ParseContext.TryParseInteger(value.Value, out long number))
        {
            ctx.Invalid(value, what, "'value' is the constant's integer value: decimal, 0x hex or negative, within 64 bits");
            return false;
        }
        int underscore = name.IndexOf('_', 1);
        var group = underscore > 0 ? name.Substring(0, underscore) : name;
        content.Constants.Add(new ConstantSpec(name, group, number, since, doc, ctx.Ref(nameNode)));
        return true;
    }

    internal static ValueKind? ParseKind(ParseContext ctx, YamlNode node, string what, bool option, ref bool ok)
    {
        if (!node.IsScalar || node.Value.Length == 0)
        {
            ctx.Invalid(node, what, "the value kind is a word such as int, or 'struct linger'");
            ok = false;
            return null;
        }
        var n = CTypes.Normalize(node.Value);
        if (CTypes.StructTag(n) is { } tag)
        {
            if (Naming.IsCIdentifier(tag)) return new ValueKind(ValueKindId.Struct, tag);
            ctx.Invalid(node, what, $"'struct {ParseContext.Quote(tag)}' does not name a struct: a struct tag is a C identifier");
            ok = false;
            return null;
        }
        if (ValueKinds.TryParse(n, option, out var kind)) return new ValueKind(kind, null);
        var names = ValueKinds.Names(option);
        ctx.Report(Diagnostics.UnknownType, node, what, ParseContext.Quote(n),
            Naming.Suggest(n, names) is { } near ? $" (did you mean '{near}'?)" : $" (expected one of: {string.Join(", ", names)}, or struct <tag>)");
        ok = false;
        return null;
    }
}
