using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using UcSocket.Generators.Analysis;
using Xunit;
using static UcSocket.Generators.Tests.Analysis.AnalyzerHarness;

namespace UcSocket.Generators.Tests.Analysis;

/// <summary>
/// The code fix writes the typed form of each case (<see cref="TypedFormCases"/>), the fixed code compiles with no
/// error, and calls whose typed form would behave differently (or not compile) are offered no fix.
/// </summary>
public sealed class TypedFormCodeFixTests
{
    public static TheoryData<string> Cases => new(TypedFormCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheFixWritesTheTypedForm(string name)
    {
        var c = TypedFormCases.All.Single(x => x.Name == name);
        if (c.Before == c.After)
        {
            await Analyzer(Source(c.Before), typedForms: true).RunAsync(); // no typed form offered, nothing to fix
            return;
        }
        var test = CodeFix(Source(c.Before), Source(c.After));
        test.TestState.ExpectedDiagnostics.AddRange(TypedFormDiagnostics(c.Before, c.After));
        await test.RunAsync();
    }

    /// <summary>The UCS107 diagnostics of a case: one per ucode-style call, at the call.</summary>
    private static DiagnosticResult[] TypedFormDiagnostics(string statements, string typed)
    {
        var source = Source(statements);
        var descriptors = System.Text.RegularExpressions.Regex.Matches(typed, @"SockOpt\.(\w+)").Select(m => m.Value).ToList();
        var results = new System.Collections.Generic.List<DiagnosticResult>();
        foreach (var call in new[] { "s.SetOpt(", "s.GetOpt(" })
        {
            for (int at = source.IndexOf(call, System.StringComparison.Ordinal); at >= 0; at = source.IndexOf(call, at + 1, System.StringComparison.Ordinal))
            {
                int end = ClosingParenthesis(source, at + call.Length - 1);
                var (line, column) = Position(source, at);
                var (endLine, endColumn) = Position(source, end + 1);
                results.Add(new DiagnosticResult(AnalyzerDiagnostics.TypedFormAvailable).WithSpan(line, column, endLine, endColumn)
                    .WithArguments(call.Substring(2, 6), descriptors[results.Count]));
            }
        }
        return results.ToArray();
    }

    private static int ClosingParenthesis(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')' && --depth == 0) return i;
        }
        throw new System.InvalidOperationException("unbalanced parentheses");
    }

    private static (int Line, int Column) Position(string text, int offset)
    {
        int line = 1, column = 1;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return (line, column);
    }

    [Fact]
    public async Task CallsWhoseTypedFormWouldDifferGetNoFix()
    {
        // Each of these has a ucode-style form that the typed one would not reproduce for every value, or would not
        // compile in its place: no UCS107, so no fix.
        var test = Analyzer(Source("""
            long big = 1L << 40;
            string text = "5";
            byte wide = 200;
            var d = s.GetOpt(SOL_SOCKET, SO_LINGER);                           // var: the variable's type would change
            var n = (int)s.GetOpt(SOL_SOCKET, SO_RCVBUF)!;                     // unboxing: another exception on null
            object? p = s.GetOpt(SOL_SOCKET, SO_RCVBUF) is string t ? t : null; // a pattern the typed value cannot match
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, big);                              // range-checked at run time
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, text);                             // parsed at run time
            s.SetOpt(SOL_SOCKET, SO_RCVBUF, (object)5);                        // only its run-time type says
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = text });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { [text] = 1 });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?> { ["onoff"] = 1, ["onoff"] = 2 });
            s.SetOpt(SOL_SOCKET, SO_LINGER, new Dictionary<string, object?>(System.StringComparer.Ordinal) { ["onoff"] = 1 });
            {|#0:s.SetOpt(SOL_SOCKET, SO_RCVBUFFORCE, 1)|};                      // a write-only int option has one
            s.SetOpt(IPPROTO_IP, IP_TOS, (object?)null ?? 5);                  // object
            s.SetOpt(SOL_SOCKET, SO_BINDTODEVICE, "lo");                       // a kind the fix does not cover
            {|#1:s.GetOpt(SOL_SOCKET, SO_PEERCRED)|};                                 // discarded: the typed read does the same
            {|#2:s.SetOpt(SOL_SOCKET, SO_RCVBUF, wide)|};                             // a byte converts to int in C#
            """), typedForms: true);
        var typed = new[] { ("SetOpt", "SoRcvBufForce"), ("GetOpt", "SoPeerCred"), ("SetOpt", "SoRcvBuf") };
        for (int i = 0; i < typed.Length; i++)
            test.ExpectedDiagnostics.Add(new DiagnosticResult(AnalyzerDiagnostics.TypedFormAvailable).WithLocation(i)
                .WithArguments(typed[i].Item1, "SockOpt." + typed[i].Item2));
        await test.RunAsync();
    }
}
