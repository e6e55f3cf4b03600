using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using UcSocket.Generators;
using Xunit;

namespace UcSocket.Generators.Tests;

/// <summary>
/// Where a project's generated classes go: a namespace of their own by default, and a warning when the project puts
/// them where they hide the library's SockOpt, Sockets and Cmsg from its own code.
/// </summary>
public class ConsumerNamespaceTests
{
    private const string Yaml = """
        constants:
          ICMP:
            SOL_TEST: 255
            ICMP_FILTER: 1
        options:
          - { level: SOL_TEST, name: ICMP_FILTER, type: int }
        """;

    private static GeneratorDriverRunResult Run(params (string Key, string Value)[] properties) =>
        CSharpGeneratorDriver.Create(new[] { new SpecGenerator().AsSourceGenerator() },
                additionalTexts: new[] { GeneratorHarness.Text("icmp.yaml", Yaml) },
                parseOptions: GeneratorHarness.ParseOptions,
                optionsProvider: GeneratorHarness.Properties(properties))
            .RunGenerators(GeneratorHarness.EmptyCompilation()).GetRunResult();

    private static string[] Namespaces(GeneratorDriverRunResult result) => result.Results.Single().GeneratedSources
        .SelectMany(s => s.SourceText.ToString().Split('\n'))
        .Where(l => l.StartsWith("namespace ")).Select(l => l.Trim()).Distinct().ToArray();

    [Fact]
    public void WithoutThePropertyTheClassesGoUnderTheRootNamespace()
    {
        var result = Run((SpecGenerator.RootNamespaceProperty, "MyApp"));
        Assert.Equal(new[] { "namespace MyApp.SocketSpec;" }, Namespaces(result));
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void TheDefaultNamespaceLeavesTheLibrarysSockOptToTheProjectsCode()
    {
        var result = Run((SpecGenerator.RootNamespaceProperty, "MyApp"));
        // The consumer's own code in its root namespace, using the library's SockOpt by its short name.
        var user = CSharpSyntaxTree.ParseText("""
            using UcSocket;
            namespace MyApp;
            public static class Use
            {
                public static object Linger => SockOpt.SoLinger;
                public static object Own => MyApp.SocketSpec.SockOpt.IcmpFilter;
            }
            """, GeneratorHarness.ParseOptions, path: "Use.cs");
        var trees = result.GeneratedTrees.Add(user);
        var compilation = CSharpCompilation.Create("Consumer", trees, GeneratorHarness.LibraryReferences, GeneratorHarness.CompilationOptions);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("MyApp", "MyApp")]
    [InlineData("MyCompany", "MyCompany.MyApp")]
    public void AnExplicitNamespaceThatHidesTheLibrarysClassesIsAWarningNamingTheFix(string ns, string root)
    {
        var result = Run((SpecGenerator.NamespaceProperty, ns), (SpecGenerator.RootNamespaceProperty, root));
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal("UCS012", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        var message = warning.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("SockOpt and Sockets", message);
        Assert.Contains($"'{ns}'", message);
        Assert.Contains($"'{root}.SocketSpec'", message);
        Assert.Equal(new[] { $"namespace {ns};" }, Namespaces(result)); // still generated: a warning, not an error
    }

    [Theory]
    [InlineData("Icmp", "MyApp")]
    [InlineData("MyApp.Icmp", "MyApp")]
    [InlineData("MyAppX", "MyApp")]
    [InlineData("My", "MyApp")]
    public void ANamespaceOfTheirOwnIsSilent(string ns, string root)
    {
        var result = Run((SpecGenerator.NamespaceProperty, ns), (SpecGenerator.RootNamespaceProperty, root));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { $"namespace {ns};" }, Namespaces(result));
    }
}
