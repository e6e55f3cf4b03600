using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using UcSocket.CodeFixes;
using UcSocket.Generators.Analysis;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// The analyzer and code fix under the Roslyn test framework, set up as a project that references the package sees
/// them: the real UcSocket.dll, the repository's spec as additional files, nullable on. No reference-assembly package
/// is downloaded (the tests run without a network): the framework's reference assemblies are added by hand.
/// </summary>
internal static class AnalyzerHarness
{
    /// <summary>The usings and the method around <see cref="Source"/>'s statements.</summary>
    public static string Source(string statements) => $$"""
        #nullable enable
        using System.Collections.Generic;
        using UcSocket;
        using static UcSocket.Sockets;

        internal static class Calls
        {
            internal static void Run(SocketHandle s)
            {
        {{Indent(statements)}}
            }
        }
        """;

    private static string Indent(string statements) =>
        string.Join("\n", statements.Split('\n').Select(l => l.Length == 0 ? l : "        " + l.TrimEnd('\r')));

    /// <summary>An analyzer test; UCS107 (the hidden typed-form suggestion) is left out unless <paramref name="typedForms"/>.</summary>
    public static CSharpAnalyzerTest<UcodeCallAnalyzer, DefaultVerifier> Analyzer(string source, bool typedForms = false)
    {
        var test = new CSharpAnalyzerTest<UcodeCallAnalyzer, DefaultVerifier> { TestCode = source };
        Configure(test, test.TestState);
        if (!typedForms) test.DisabledDiagnostics.Add(AnalyzerDiagnostics.TypedFormAvailableId);
        return test;
    }

    public static CSharpCodeFixTest<UcodeCallAnalyzer, TypedFormCodeFix, DefaultVerifier> CodeFix(string source, string fixedSource)
    {
        var test = new CSharpCodeFixTest<UcodeCallAnalyzer, TypedFormCodeFix, DefaultVerifier> { TestCode = source, FixedCode = fixedSource };
        Configure(test, test.TestState); // the fixed state inherits the references and additional files
        return test;
    }

    /// <summary>The repository's spec files as the project's additional files, at their real paths.</summary>
    public static IEnumerable<(string Path, string Text)> RepoSpec() =>
        Directory.GetFiles(Path.Combine(GeneratorHarness.RepoRoot, "spec"), "*.yaml").OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (p, File.ReadAllText(p)));

    private static void Configure<TVerifier>(AnalyzerTest<TVerifier> test, SolutionState state) where TVerifier : IVerifier, new()
    {
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        state.AdditionalReferences.AddRange(GeneratorHarness.LibraryReferences);
        foreach (var file in RepoSpec()) state.AdditionalFiles.Add(file);
        test.SolutionTransforms.Add((solution, project) =>
        {
            var options = (CSharpCompilationOptions)solution.GetProject(project)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(project, options.WithNullableContextOptions(NullableContextOptions.Enable));
        });
    }
}
