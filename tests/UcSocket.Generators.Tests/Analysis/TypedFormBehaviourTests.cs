using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// The code fix's output does what the ucode-style call did: each case of <see cref="TypedFormCases"/> is compiled
/// before and after the fix against the real library and run on a UNIX socket pair (no network) and on a closed
/// handle. The result (value and its type), the error record (message and code) and the option read back afterwards
/// must be the same.
/// </summary>
public sealed class TypedFormBehaviourTests
{
    private static readonly Lazy<Type> Program = new(Compile);

    public static TheoryData<string> Cases => new(TypedFormCases.All.Where(c => c.Before != c.After).Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheTypedFormBehavesAsTheUcodeStyleCall(string name)
    {
        int index = TypedFormCases.All.ToList().FindIndex(c => c.Name == name);
        foreach (bool closed in new[] { false, true })
        {
            var before = Run(index, "Before", closed);
            var after = Run(index, "After", closed);
            Assert.True(before == after, $"{name} ({(closed ? "closed handle" : "socket pair")}):\n before: {before}\n after:  {after}");
        }
    }

    [Fact]
    public void TheComparisonSeesADifference()
    {
        // The readout tells a boxed long from a boxed int and a failure from a success, so that equal readouts mean
        // equal behaviour: the same call with another value must read differently.
        var text = (Func<object?, string>)Delegate.CreateDelegate(typeof(Func<object?, string>), Program.Value.GetMethod("Text")!);
        Assert.NotEqual(text(5), text(5L));
        Assert.NotEqual(text(true), text(1));
        Assert.NotEqual(text(null), text(false));
    }

    private static string Run(int index, string form, bool closed)
    {
        using var pair = Sockets.Pair()!;
        var socket = pair[0];
        if (closed) socket.Close();
        return (string)Program.Value.GetMethod($"Case{index}_{form}")!.Invoke(null, new object[] { socket })!;
    }

    private static Type Compile()
    {
        var source = new StringBuilder("""
            #nullable enable
            using System.Collections.Generic;
            using System.Linq;
            using UcSocket;
            using static UcSocket.Sockets;

            public static class Cases
            {
                public static string Text(object? value) => value switch
                {
                    null => "null",
                    IDictionary<string, object?> d => "{" + string.Join(", ", d.OrderBy(e => e.Key).Select(e => e.Key + "=" + Text(e.Value))) + "}",
                    _ => value + ":" + value.GetType().Name,
                };

                private static string Outcome(SocketHandle s, object? result) =>
                    Text(result) + " | " + (s.Error() ?? "no error") + " (" + s.Error(numeric: true) + ")";

            """);
        for (int i = 0; i < TypedFormCases.All.Count; i++)
        {
            var c = TypedFormCases.All[i];
            foreach (var (form, statements) in new[] { ("Before", c.Before), ("After", c.After) })
                source.Append($$"""
                        public static string Case{{i}}_{{form}}(SocketHandle s)
                        {
                            {{statements.Replace("\n", "\n            ")}}
                            var outcome = Outcome(s, result);
                            return outcome + " | read back " + Text(s.GetOpt({{c.ReadBack}}));
                        }

                    """);
        }
        source.Append("}\n");
        var tree = CSharpSyntaxTree.ParseText(source.ToString(), GeneratorHarness.ParseOptions);
        var compilation = CSharpCompilation.Create("TypedFormCases", new[] { tree }, GeneratorHarness.LibraryReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        if (!emit.Success)
            throw new InvalidOperationException("the cases do not compile:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = new System.Runtime.Loader.AssemblyLoadContext(null, isCollectible: true).LoadFromStream(new MemoryStream(pe.ToArray()));
        return assembly.GetType("Cases")!;
    }
}
