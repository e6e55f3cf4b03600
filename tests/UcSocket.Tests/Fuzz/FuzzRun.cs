using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using FsCheck;
using FsCheck.Fluent;

namespace UcSocket.Tests.Fuzz;

/// <summary>
/// Runs one fuzz property through FsCheck. The normal test run checks a bounded number of cases per property;
/// <c>tools/fuzz.sh</c> runs the same properties with a large count. Environment:
/// <list type="bullet">
/// <item><c>UCSOCKET_FUZZ_CASES</c>: cases per property (default: the property's own bounded count).</item>
/// <item><c>UCSOCKET_FUZZ_SEED</c>: <c>seed,gamma</c> or <c>seed,gamma,size</c> (as a failure prints them, "Replay directly
/// at failing step with ...") to replay a run or its failing input.</item>
/// <item><c>UCSOCKET_FUZZ_LOG</c>: a file that gets one line per property run: name, cases, seconds, inputs a known
/// finding covered, and the outcome counts the property noted (<see cref="FuzzStats"/>), or FAILED and FsCheck's summary.</item>
/// </list>
/// </summary>
internal static class FuzzRun
{
    /// <summary>Cases per property in a campaign, or null in a normal run.</summary>
    public static int? CampaignCases { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : null;

    /// <summary>
    /// Checks <paramref name="property"/> (which throws on a violation) on <paramref name="cases"/> inputs from
    /// <paramref name="generator"/>, or on the campaign's count. A violation fails with the input and the seed.
    /// </summary>
    public static void Check<T>(string name, int cases, Gen<T> generator, Action<T> property, Func<T, System.Collections.Generic.IEnumerable<T>>? shrink = null)
    {
        int count = CampaignCases ?? cases;
        var arbitrary = shrink is null ? Arb.From(generator) : Arb.From(generator, shrink);
        var config = Config.QuickThrowOnFailure.WithMaxTest(count).WithQuietOnSuccess(true).WithName(name);
        if (ParseReplay(Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_SEED")) is { } replay)
            config = config.WithReplay(replay);

        FuzzStats.Reset();
        var clock = Stopwatch.StartNew();
        try
        {
            Prop.ForAll(arbitrary, property).Check(config);
        }
        catch (Exception ex)
        {
            Log(name, count, clock.Elapsed, FuzzStats.Known, "FAILED: " + ex.Message.Split('\n')[0]);
            throw;
        }
        Log(name, count, clock.Elapsed, FuzzStats.Known, FuzzStats.Summary());
    }

    private static Microsoft.FSharp.Core.FSharpOption<Replay>? ParseReplay(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries);
        ulong seed = ulong.Parse(parts[0], CultureInfo.InvariantCulture);
        ulong gamma = parts.Length > 1 ? ulong.Parse(parts[1], CultureInfo.InvariantCulture) : 0x9E3779B97F4A7C15;
        var size = parts.Length > 2 ? Microsoft.FSharp.Core.FSharpOption<int>.Some(int.Parse(parts[2], CultureInfo.InvariantCulture)) : null;
        return Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), size));
    }

    private static readonly Lock s_logGate = new();

    private static void Log(string name, int cases, TimeSpan elapsed, int covered, string stats)
    {
        var file = Environment.GetEnvironmentVariable("UCSOCKET_FUZZ_LOG");
        if (string.IsNullOrEmpty(file)) return;
        lock (s_logGate)
            File.AppendAllText(file, string.Create(CultureInfo.InvariantCulture, $"{name}\t{cases}\t{elapsed.TotalSeconds:F1}\t{covered}\t{stats}\n"));
    }
}
