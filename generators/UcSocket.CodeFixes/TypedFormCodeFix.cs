using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using UcSocket.Generators.Analysis;

namespace UcSocket.CodeFixes;

/// <summary>
/// Rewrites a ucode-style <c>SetOpt(level, option, value)</c> or <c>GetOpt(level, option)</c> with constant level and
/// option into the typed form the analyzer worked out (UCS107): <c>SetOpt(SockOpt.SoLinger, new Linger(OnOff: 1,
/// Seconds: 5))</c>. Everything the rewrite needs is in the diagnostic's properties, types named as the place of the
/// call names them.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TypedFormCodeFix)), Shared]
public sealed class TypedFormCodeFix : CodeFixProvider
{
    private const string DiagnosticId = AnalyzerDiagnostics.TypedFormAvailableId;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(AnalyzerDiagnostics.Properties.Descriptor, out var descriptor) || descriptor is null) continue;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not { } node
                || node.FirstAncestorOrSelf<InvocationExpressionSyntax>() is not { } invocation) continue;
            context.RegisterCodeFix(
                CodeAction.Create($"Use the typed descriptor {descriptor}",
                    ct => Rewrite(context.Document, invocation, diagnostic, descriptor, ct), equivalenceKey: DiagnosticId),
                diagnostic);
        }
    }

    private static async Task<Document> Rewrite(Document document, InvocationExpressionSyntax invocation, Diagnostic diagnostic, string descriptor, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root is null) return document;
        var arguments = new[] { Argument(descriptor) }.ToList();
        if (diagnostic.Properties.TryGetValue(AnalyzerDiagnostics.Properties.Value, out var value) && value is not null) arguments.Add(Argument(value));
        var list = invocation.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(arguments,
            Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), arguments.Count - 1)));
        ExpressionSyntax replacement = invocation.WithArgumentList(list);
        if (diagnostic.Properties.TryGetValue(AnalyzerDiagnostics.Properties.GetForm, out var form) && form == AnalyzerDiagnostics.Properties.GetAsDictionary)
        {
            // The ucode form's value: the struct's dictionary, or null when the read failed.
            replacement = SyntaxFactory.ConditionalAccessExpression(
                    ((InvocationExpressionSyntax)replacement).WithoutTrivia(),
                    SyntaxFactory.InvocationExpression(SyntaxFactory.MemberBindingExpression(SyntaxFactory.IdentifierName("ToDictionary"))))
                .WithTriviaFrom(invocation);
        }
        return document.WithSyntaxRoot(root.ReplaceNode(invocation, replacement));
    }

    private static ArgumentSyntax Argument(string text) =>
        SyntaxFactory.Argument(SyntaxFactory.ParseExpression(text).WithAdditionalAnnotations(Formatter.Annotation));
}
