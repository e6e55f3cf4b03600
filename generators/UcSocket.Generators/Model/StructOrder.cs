using System;
using System.Collections.Generic;
using System.Threading;

namespace UcSocket.Generators.Model;

/// <summary>
/// Orders spec structs so that every struct comes after the structs it contains, without recursion (a file may
/// chain thousands of them): the strongly connected components of the containment graph (Tarjan's algorithm,
/// with an explicit stack) give the structs that contain themselves; the rest come out dependencies first.
/// </summary>
internal static class StructOrder
{
    /// <param name="dependencies">For each struct, the structs its members contain (all of them keys of the dictionary).</param>
    /// <returns>The structs in order, and those on a containment cycle.</returns>
    public static (List<string> Order, HashSet<string> Cyclic) Sort(IReadOnlyDictionary<string, List<string>> dependencies, CancellationToken ct)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var order = new List<string>();
        var cyclic = new HashSet<string>(StringComparer.Ordinal);
        var work = new Stack<(string Node, int Next)>();
        int counter = 0;

        var roots = new List<string>(dependencies.Keys);
        roots.Sort(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (index.ContainsKey(root)) continue;
            work.Push((root, 0));
            while (work.Count > 0)
            {
                ct.ThrowIfCancellationRequested();
                var (node, next) = work.Pop();
                if (next == 0)
                {
                    index[node] = low[node] = counter++;
                    stack.Push(node);
                    onStack.Add(node);
                }
                var deps = dependencies[node];
                if (next > 0)
                {
                    var child = deps[next - 1];
                    if (onStack.Contains(child)) low[node] = Math.Min(low[node], low[child]);
                }
                bool descended = false;
                for (int i = next; i < deps.Count; i++)
                {
                    var dep = deps[i];
                    if (!index.ContainsKey(dep))
                    {
                        work.Push((node, i + 1));
                        work.Push((dep, 0));
                        descended = true;
                        break;
                    }
                    if (onStack.Contains(dep)) low[node] = Math.Min(low[node], index[dep]);
                }
                if (descended) continue;
                if (low[node] == index[node])
                {
                    // A component, complete: its members' dependencies were all emitted before it.
                    var members = new List<string>();
                    string member;
                    do
                    {
                        member = stack.Pop();
                        onStack.Remove(member);
                        members.Add(member);
                    } while (member != node);
                    if (members.Count > 1 || dependencies[node].Contains(node)) cyclic.UnionWith(members);
                    else order.Add(node);
                }
            }
        }
        return (order, cyclic);
    }
}
