using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace UcSocket.Benchmarks;

/// <summary>
/// Runs every benchmark class with one bounded in-process job (MemoryDiagnoser on), then prints one table per
/// workload: medians per implementation, the C program's median (from --c-results), ratios, allocations, and
/// the targets. Usage: UcSocket.Benchmarks [--c-results FILE] [--out FILE] [--quick] [BenchmarkDotNet arguments].
/// </summary>
public static class Program
{
    private static readonly Type[] Classes =
    {
        typeof(PingPong), typeof(GetOpt), typeof(SetOpt), typeof(UcodeOpt), typeof(Codec),
        typeof(UdpPerCall), typeof(UdpBatched), typeof(UdpGsoGro), typeof(Breakdown),
        typeof(AsyncPingPong), typeof(AsyncEcho), typeof(AsyncRights),
    };

    public static int Main(string[] args)
    {
        string? cResults = null, output = null;
        bool quick = false;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--c-results" && i + 1 < args.Length) cResults = args[++i];
            else if (args[i] == "--out" && i + 1 < args.Length) output = args[++i];
            else if (args[i] == "--quick") quick = true; // a smoke run: every benchmark once, numbers meaningless
            else rest.Add(args[i]);
        }
        if (!rest.Contains("--filter")) rest.AddRange(new[] { "--filter", "*" });

        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(quick ? 1 : 3)
            .WithIterationCount(quick ? 3 : 9)
            .WithIterationTime(TimeInterval.FromMilliseconds(quick ? 20 : 200))
            .WithId("bounded");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .WithOptions(ConfigOptions.JoinSummary);

        var summaries = BenchmarkSwitcher.FromTypes(Classes).Run(rest.ToArray(), config).ToList();
        var rows = Collect(summaries);
        var c = ReadC(cResults);
        string table = Render(rows, c);
        Console.WriteLine();
        Console.WriteLine(table);
        if (output is not null) File.WriteAllText(output, table);
        return rows.Count == 0 ? 1 : 0;
    }

    private sealed record Measure(double Median, long? Allocated);

    private static Dictionary<string, Dictionary<string, Measure>> Collect(IEnumerable<Summary> summaries)
    {
        var rows = new Dictionary<string, Dictionary<string, Measure>>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var bc = report.BenchmarkCase;
            if (report.ResultStatistics is null) continue;
            string workload = bc.Parameters["Workload"] as string ?? bc.Descriptor.Type.Name;
            string impl = bc.Descriptor.WorkloadMethod.Name;
            if (workload == "breakdown") (workload, impl) = ("breakdown: " + impl, "UcSocket");
            long? allocated = report.GcStats.GetBytesAllocatedPerOperation(bc);
            double median = report.ResultStatistics.Median;
            if (workload.StartsWith("async echo ", StringComparison.Ordinal))
            {
                // One invocation echoes every connection's messages: per message.
                int messages = AsyncEcho.MessagesOf(workload);
                median /= messages;
                allocated = allocated is { } a ? a / messages : null;
            }
            if (!rows.TryGetValue(workload, out var row)) rows[workload] = row = new();
            row[impl] = new Measure(median, allocated);
        }
        return rows;
    }

    private static Dictionary<string, double> ReadC(string? path)
    {
        var result = new Dictionary<string, double>();
        if (path is null || !File.Exists(path)) return result;
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double ns))
                result[parts[0]] = ns;
        }
        return result;
    }

    // Workload order and the target each row is held to.
    private static readonly (string Workload, string Target)[] Order =
    {
        ("ping-pong 1 B", "typed"), ("getsockopt int", "typed"), ("getsockopt linger", "typed"), ("getsockopt tcp_info", "typed"),
        ("setsockopt int", "typed"), ("setsockopt linger", "typed"),
        ("ucode getopt int", "ucode"), ("ucode setopt int", "ucode"), ("ucode getopt linger (dict)", "ucode"), ("ucode setopt linger (dict)", "ucode"),
        ("codec linger", "codec"), ("codec ip_mreqn", "codec"), ("codec tcp_info", "codec"), ("codec cmsg rights+timestamp", "codec"),
        ("udp 64 B per-call", ""), ("udp 64 B batched x32", "batch"), ("udp 64 B gso/gro x32", ""),
        ("async ping-pong socketpair", "async-latency"), ("async ping-pong tcp", "async-latency"),
        ("async echo 1 conn", "async-throughput"), ("async echo 100 conn", "async-throughput"), ("async echo 1000 conn", "async-throughput"),
        ("async recvmsg SCM_RIGHTS", ""),
    };

    private static string Render(Dictionary<string, Dictionary<string, Measure>> rows, Dictionary<string, double> c)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Medians in ns per operation (per datagram for the UDP rows). \"raw .NET\" is direct Tmds.LibC P/Invoke on plain");
        sb.AppendLine("descriptors (for the codec rows: a blittable struct write and read of the same bytes). Allocated: bytes per operation.");
        sb.AppendLine();
        sb.AppendLine("| workload | UcSocket | System.Net.Sockets | raw .NET | C | UcSocket / raw | UcSocket / S.N.S | UcSocket / C | raw / C | alloc UcSocket | alloc S.N.S | alloc raw |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (workload, _) in Order)
        {
            if (!rows.TryGetValue(workload, out var row)) continue;
            double uc = Get(row, "UcSocket"), sns = Get(row, "SystemNet"), raw = Get(row, "Raw");
            double cc = c.TryGetValue(workload, out double v) ? v : double.NaN;
            sb.Append(CultureInfo.InvariantCulture, $"| {workload} | {Ns(uc)} | {Ns(sns)} | {Ns(raw)} | {Ns(cc)} | {Ratio(uc, raw)} | {Ratio(uc, sns)} | {Ratio(uc, cc)} | {Ratio(raw, cc)} | ");
            sb.AppendLine(CultureInfo.InvariantCulture, $"{Alloc(row, "UcSocket")} | {Alloc(row, "SystemNet")} | {Alloc(row, "Raw")} |");
        }

        sb.AppendLine();
        sb.AppendLine("Pieces of a typed call, without a syscall (ns per operation):");
        sb.AppendLine();
        sb.AppendLine("| piece | ns |");
        sb.AppendLine("|---|---:|");
        foreach (var (workload, row) in rows.Where(r => r.Key.StartsWith("breakdown: ", StringComparison.Ordinal)).OrderBy(r => r.Key, StringComparer.Ordinal))
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {workload[11..]} | {Ns(Get(row, "UcSocket"))} |");

        sb.AppendLine();
        sb.AppendLine("| target | measured | met |");
        sb.AppendLine("|---|---:|:---:|");
        foreach (var (workload, target) in Order)
        {
            if (!rows.TryGetValue(workload, out var row)) continue;
            double uc = Get(row, "UcSocket"), raw = Get(row, "Raw");
            switch (target)
            {
                case "typed":
                    Target(sb, $"{workload}: UcSocket <= 1.05x raw", uc / raw, uc / raw <= 1.05);
                    long? a = row.TryGetValue("UcSocket", out var m) ? m.Allocated : null;
                    Line(sb, $"{workload}: UcSocket allocates 0 B", a is null ? "n/a" : $"{a} B", a == 0);
                    break;
                case "ucode":
                    Target(sb, $"{workload}: UcSocket <= 1.3x raw", uc / raw, uc / raw <= 1.3);
                    break;
                case "codec":
                    Target(sb, $"{workload}: UcSocket <= 1.5x blittable", uc / raw, uc / raw <= 1.5);
                    break;
                case "async-latency":
                    double snsLatency = Get(row, "SystemNet");
                    Target(sb, $"{workload}: UcSocket <= 1.05x System.Net.Sockets", uc / snsLatency, uc / snsLatency <= 1.05);
                    break;
                case "async-throughput":
                    double snsEcho = Get(row, "SystemNet");
                    Target(sb, $"{workload}: messages/s UcSocket / System.Net.Sockets >= 1.0x", snsEcho / uc, snsEcho / uc >= 1.0);
                    break;
                case "batch":
                    double sns = rows.TryGetValue("udp 64 B per-call", out var perCall) ? Get(perCall, "SystemNet") : double.NaN;
                    Target(sb, "batched: System.Net.Sockets SendTo/ReceiveFrom / UcSocket SendMmsg/RecvMmsg >= 3x", sns / uc, sns / uc >= 3);
                    double cb = c.TryGetValue(workload, out double cv) ? cv : double.NaN;
                    Target(sb, "batched: C sendmmsg/recvmmsg / UcSocket SendMmsg/RecvMmsg >= 0.9x", cb / uc, cb / uc >= 0.9);
                    break;
            }
        }
        return sb.ToString();
    }

    private static void Target(StringBuilder sb, string what, double ratio, bool met) =>
        Line(sb, what, double.IsNaN(ratio) ? "n/a" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x", met && !double.IsNaN(ratio));

    private static void Line(StringBuilder sb, string what, string measured, bool met) =>
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {measured} | {(met ? "yes" : "**no**")} |");

    private static double Get(Dictionary<string, Measure> row, string impl) => row.TryGetValue(impl, out var m) ? m.Median : double.NaN;

    private static string Alloc(Dictionary<string, Measure> row, string impl) =>
        row.TryGetValue(impl, out var m) && m.Allocated is { } a ? a.ToString(CultureInfo.InvariantCulture) : "";

    private static string Ns(double ns) => double.IsNaN(ns) ? "" : ns.ToString(ns < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);
}
