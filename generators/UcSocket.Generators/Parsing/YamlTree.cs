using System.Collections.Generic;
using YamlDotNet.Core;

namespace UcSocket.Generators.Parsing;

internal enum YamlNodeKind { Scalar, Mapping, Sequence }

/// <summary>
/// A YAML node of a spec file: a scalar, a mapping of scalar keys, or a sequence. Built by <see cref="YamlReader"/>
/// from the parser's events (never by YamlDotNet's recursive representation model), within <see cref="Limits"/>.
/// </summary>
internal sealed class YamlNode
{
    private YamlNode(YamlNodeKind kind, string id, int start)
    {
        Kind = kind;
        Id = id;
        Start = start;
        End = start;
    }

    public YamlNodeKind Kind { get; }

    /// <summary>
    /// The node's place in its document as a path of child indexes (<c>v2/s0/v1</c>: the value of the third key,
    /// its first item, the value of that item's second key). Unlike an offset, it survives comment and whitespace
    /// edits, so models that name a node by it stay equal across such edits.
    /// </summary>
    public string Id { get; }

    /// <summary>Character offsets of the node in the file: [Start, End).</summary>
    public int Start { get; }

    public int End { get; set; }

    /// <summary>False when a syntax error cut the node short: some of its content may be missing.</summary>
    public bool Complete { get; set; }

    /// <summary>The text of a scalar (empty for an empty value).</summary>
    public string Value { get; private set; } = "";

    /// <summary>True for a plain (unquoted) scalar.</summary>
    public bool Plain { get; private set; }

    /// <summary>The keys and values of a mapping, in order; every key is a scalar.</summary>
    public List<KeyValuePair<YamlNode, YamlNode>> Pairs { get; } = new();

    /// <summary>The items of a sequence.</summary>
    public List<YamlNode> Items { get; } = new();

    public bool IsScalar => Kind == YamlNodeKind.Scalar;

    public static YamlNode Scalar(string id, int start, int end, string value, ScalarStyle style) =>
        new(YamlNodeKind.Scalar, id, start) { End = end, Value = value, Plain = style is ScalarStyle.Plain or ScalarStyle.Any, Complete = true };

    public static YamlNode Collection(YamlNodeKind kind, string id, int start) => new(kind, id, start);

    /// <summary>The value of <paramref name="key"/> in a mapping, or null.</summary>
    public YamlNode? this[string key]
    {
        get
        {
            foreach (var pair in Pairs)
                if (pair.Key.Value == key) return pair.Value;
            return null;
        }
    }

    /// <summary>The key node of <paramref name="key"/> in a mapping, or null.</summary>
    public YamlNode? KeyNode(string key)
    {
        foreach (var pair in Pairs)
            if (pair.Key.Value == key) return pair.Key;
        return null;
    }
}
