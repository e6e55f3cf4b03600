using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace UcSocket.Generators.Model;

/// <summary>Names: casing, what counts as a C or C# name, escaping, and "did you mean" suggestions.</summary>
public static class Naming
{
    /// <summary>Members every C# type has: a spec name must not hide them.</summary>
    internal static readonly HashSet<string> ObjectMembers = new(StringComparer.Ordinal)
        { "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize" };

    /// <summary>SO_LINGER -> SoLinger, snd_wscale -> SndWscale, ip_mreqn -> IpMreqn.</summary>
    public static string Pascal(string name)
    {
        var sb = new StringBuilder(name.Length);
        bool upper = true;
        foreach (char c in name)
        {
            if (!IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            upper = false;
        }
        if (sb.Length == 0 || !char.IsLetter(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    /// <summary>A C identifier as the kernel's headers use them: ASCII letters, digits and underscores, not starting with a digit.</summary>
    public static bool IsCIdentifier(string name)
    {
        if (name.Length == 0 || char.IsDigit(name[0])) return false;
        foreach (char c in name)
            if (!(IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    /// <summary>
    /// Why <paramref name="name"/> cannot be the C# name of a type or member the generator declares, or null if it can:
    /// a C# identifier that starts with an upper-case letter (so never a keyword, contextual or not, and never a
    /// lower-case type name the compiler warns about), or with an underscore and a letter or digit.
    /// </summary>
    public static string? CSharpNameProblem(string name)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || name.StartsWith("@", StringComparison.Ordinal)) return "is not a C# identifier";
        if (!(char.IsUpper(name[0]) || (name[0] == '_' && name.Length > 1 && char.IsLetterOrDigit(name[1]))))
            return "must start with an upper-case letter (C# names are PascalCase, and never keywords)";
        if (ObjectMembers.Contains(name)) return "is the name of a member every C# type has";
        return null;
    }

    /// <summary>A C name as a C# identifier: keywords get an <c>@</c> (<c>class</c> -> <c>@class</c>).</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// The namespace to generate into, with keyword parts escaped (<c>My.class</c> -> <c>My.@class</c>); null when
    /// <paramref name="ns"/> is no dotted list of C# identifiers.
    /// </summary>
    public static string? Namespace(string ns)
    {
        var parts = ns.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            var part = parts[i].StartsWith("@", StringComparison.Ordinal) ? parts[i].Substring(1) : parts[i];
            if (!SyntaxFacts.IsValidIdentifier(part)) return null;
            parts[i] = Identifier(part);
        }
        return string.Join(".", parts);
    }

    /// <summary>The candidate closest to <paramref name="name"/>, if one is close enough to be a likely typo.</summary>
    public static string? Suggest(string name, IEnumerable<string> candidates)
    {
        if (name.Length == 0 || name.Length > 64) return null;
        string? best = null;
        int bestDistance = Math.Max(1, Math.Min(3, name.Length / 3)) + 1;
        foreach (var candidate in candidates)
        {
            if (candidate == name || Math.Abs(candidate.Length - name.Length) >= bestDistance) continue;
            int d = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(name, candidate, bestDistance);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
                if (d == 0) break;
            }
        }
        return best;
    }

    /// <summary>" (did you mean 'X'?)" or "".</summary>
    public static string DidYouMean(string name, IEnumerable<string> candidates) =>
        Suggest(name, candidates) is { } s ? $" (did you mean '{s}'?)" : "";

    /// <summary>Edit distance with transpositions, case-insensitive; gives up (returns <paramref name="limit"/>) past the limit.</summary>
    private static int Distance(string a, string b, int limit)
    {
        var prev2 = new int[b.Length + 1];
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                int v = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 2]) && char.ToUpperInvariant(a[i - 2]) == char.ToUpperInvariant(b[j - 1]))
                    v = Math.Min(v, prev2[j - 2] + 1);
                cur[j] = v;
                rowMin = Math.Min(rowMin, v);
            }
            if (rowMin >= limit) return limit;
            (prev2, prev, cur) = (prev, cur, prev2);
        }
        return prev[b.Length];
    }

    private static bool IsAsciiLetterOrDigit(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';
}
