using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Xunit;
using Xunit.Abstractions;

namespace UcSocket.Generators.Tests.Robustness;

/// <summary>
/// Property: for any input <see cref="SpecInputs"/> makes, the generator keeps its contract (<see cref="SpecOracle"/>):
/// it returns within its budget, and either reports UCS errors at valid positions or generates code that compiles
/// with no error and no warning. The normal run tries a bounded number of inputs; a long campaign is
///
///     UCSOCKET_FUZZ_CASES=100000 dotnet test tests/UcSocket.Generators.Tests -c Release --filter SpecFuzzTests \
///         --logger "console;verbosity=detailed"
///
/// (UCSOCKET_FUZZ_SEED=a,b replays FsCheck's seed from a failure report; UCSOCKET_FUZZ_LOG=file logs progress).
/// See tests/README.md.
/// </summary>
public class SpecFuzzTests
{
    /// <summary>
    /// Per input, generator run only: the watchdog. A run takes milliseconds (the campaign reports the slowest); the
    /// budget is generous because the 2-core machines are shared, and a hang is unbounded anyway.
    /// </summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;

    public SpecFuzzTests(ITestOutputHelper output) => _output = output;

    /// <summary>UCSOCKET_FUZZ_LOG: a file a long campaign appends its progress to every 1,000 inputs.</summary>
    private static string? Progress => Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_LOG") is { Length: > 0 } path ? path : null;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_CASES"), out var n) && n > 0 ? n : 150;

    [Fact]
    public void AnyInputIsRefusedAtValidPositionsOrCompilesCleanly()
    {
        int rejected = 0, compiled = 0;
        SpecOracle.WarmUp();
        var watch = Stopwatch.StartNew();
        var config = Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithEndSize(20);
        if (Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_SEED") is { Length: > 0 } seed)
        {
            var parts = seed.Split(',').Select(p => ulong.Parse(p.Trim(' ', '(', ')'))).ToArray();
            config = config.WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(parts[0], parts[1]), FSharpOption<int>.None)));
        }
        if (Cases > 1000) config = config.WithParallelRunConfig(FSharpOption<ParallelRunConfig>.Some(new ParallelRunConfig(Environment.ProcessorCount)));

        Check.One(config, Prop.ForAll(SpecInputs.Cases.ToArbitrary(), (FuzzCase input) =>
        {
            try
            {
                if (SpecOracle.Check(input.Files, Budget) == Verdict.Rejected) Interlocked.Increment(ref rejected);
                else Interlocked.Increment(ref compiled);
                if (Progress is { } log && (rejected + compiled) % 1000 == 0)
                    System.IO.File.AppendAllText(log, $"{rejected + compiled} inputs, {rejected} refused, {compiled} compiled, {watch.Elapsed.TotalSeconds:0} s\n");
            }
            catch (ContractException e)
            {
                throw new ContractException(e.Message + "\n=== input ===\n" + input);
            }
        }));

        _output.WriteLine($"{rejected + compiled} inputs in {watch.Elapsed.TotalSeconds:0} s: {rejected} refused with UCS errors at valid positions, "
            + $"{compiled} accepted and compiled cleanly; {SpecOracle.CompiledDistinct} distinct outputs compiled; slowest generator run {SpecOracle.SlowestMilliseconds} ms.");
        // The inputs must exercise both outcomes, or the property says little.
        if (Cases >= 50) Assert.True(rejected > 0 && compiled > 0, $"one-sided inputs: {rejected} refused, {compiled} compiled");
    }
}
