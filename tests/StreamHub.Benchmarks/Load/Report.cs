using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>The console line of a run, StreamHub/direct ratios, and the median over a step's runs.</summary>
internal static class Report
{
    public static void Compare(RunResult r)
    {
        if (r.Hub is not { } hub || r.Direct is not { } direct)
        {
            return;
        }

        if (hub.ServerCpuMicrosPerToken is { } h && direct.EmulatorCpuMicrosPerToken is { } e && e > 0)
        {
            r.CpuPerTokenRatio = Math.Round(h / e, 2);
        }

        var a = hub.TokenLatenessMs;
        var b = direct.TokenLatenessMs;
        r.AddedTokenLatencyMs = new Percentiles(
            Math.Round(a.P50 - b.P50, 3), Math.Round(a.P95 - b.P95, 3), Math.Round(a.P99 - b.P99, 3), Math.Round(a.Max - b.Max, 3), a.Count);
    }

    public static string Line(RunResult r)
    {
        if (r.Error is not null)
        {
            return "  error: " + r.Error;
        }

        var lines = new List<string>();
        foreach (var p in new[] { r.Direct, r.Hub })
        {
            if (p is null)
            {
                continue;
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Phase,-6} ok {p.Completed}/{p.Streams} failed {p.Failed} {Codes(p)} peak-active {p.PeakActive} syn-drops {p.ListenOverflows} | ttft+ p50 {p.TtftAddedMs.P50:0.0} p95 {p.TtftAddedMs.P95:0.0} p99 {p.TtftAddedMs.P99:0.0} ms | token late p50 {p.TokenLatenessMs.P50:0.0} p95 {p.TokenLatenessMs.P95:0.0} p99 {p.TokenLatenessMs.P99:0.0} ms | inter p99 {p.InterTokenLatenessMs.P99:0.0} ms | {p.TokensPerSecond:0}/s | server cpu {p.ServerCpuSeconds:0.00}s ({p.ServerCpuMicrosPerToken:0.0} us/tok) emu {p.EmulatorCpuSeconds:0.00}s client {p.ClientCpuSeconds:0.00}s | rss {p.RssIdleKb / 1024}->{p.RssPeakKb / 1024}->{p.RssAfterKb / 1024} MB ({p.KbPerStream:0.0} KB/stream)"));
        }

        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"  ratio cpu/token hub/emulator {r.CpuPerTokenRatio:0.00}x | added per-token latency p50 {r.AddedTokenLatencyMs?.P50:0.0} p95 {r.AddedTokenLatencyMs?.P95:0.0} p99 {r.AddedTokenLatencyMs?.P99:0.0} ms"));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Codes(PhaseResult p) => p.FailuresByCode.Count == 0 ? "" : "(" + string.Join(", ", p.FailuresByCode.Select(kv => $"{kv.Key} {kv.Value}")) + ")";

    /// <summary>The median of each headline figure over a step's runs (each figure separately).</summary>
    public static Dictionary<string, object?> Median(List<RunResult> runs)
    {
        var ok = runs.Where(r => r.Hub is not null).ToList();
        double? M(Func<RunResult, double?> f)
        {
            var values = ok.Select(f).Where(v => v is { } d && !double.IsNaN(d)).Select(v => v!.Value).OrderBy(v => v).ToArray();
            return values.Length == 0 ? null : values.Length % 2 == 1 ? values[values.Length / 2] : Math.Round((values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2, 3);
        }

        return new Dictionary<string, object?>
        {
            ["streams"] = runs[0].Streams,
            ["runs"] = runs.Count,
            ["runsWithResults"] = ok.Count,
            ["failedPercent"] = ok.Count == 0 ? 100.0 : M(r => 100.0 * r.Hub!.Failed / r.Hub.Streams),
            ["failuresByCode"] = string.Join("; ", ok.Select(r => string.Join(",", r.Hub!.FailuresByCode.Select(kv => $"{kv.Key}={kv.Value}"))).Where(s => s.Length > 0)),
            ["hubTtftAddedP50Ms"] = M(r => r.Hub!.TtftAddedMs.P50),
            ["hubTtftAddedP95Ms"] = M(r => r.Hub!.TtftAddedMs.P95),
            ["hubTtftAddedP99Ms"] = M(r => r.Hub!.TtftAddedMs.P99),
            ["directTtftAddedP99Ms"] = M(r => r.Direct?.TtftAddedMs.P99),
            ["hubTokenLatenessP50Ms"] = M(r => r.Hub!.TokenLatenessMs.P50),
            ["hubTokenLatenessP95Ms"] = M(r => r.Hub!.TokenLatenessMs.P95),
            ["hubTokenLatenessP99Ms"] = M(r => r.Hub!.TokenLatenessMs.P99),
            ["directTokenLatenessP99Ms"] = M(r => r.Direct?.TokenLatenessMs.P99),
            ["addedTokenLatencyP50Ms"] = M(r => r.AddedTokenLatencyMs?.P50),
            ["addedTokenLatencyP99Ms"] = M(r => r.AddedTokenLatencyMs?.P99),
            ["hubInterTokenP99Ms"] = M(r => r.Hub!.InterTokenLatenessMs.P99),
            ["directInterTokenP99Ms"] = M(r => r.Direct?.InterTokenLatenessMs.P99),
            ["directTransportP99Ms"] = M(r => r.Direct?.TransportMs?.P99),
            ["hubPeakActive"] = M(r => r.Hub!.PeakActive),
            ["hubListenOverflows"] = M(r => r.Hub!.ListenOverflows),
            ["directListenOverflows"] = M(r => r.Direct?.ListenOverflows),
            ["hubTokensPerSecond"] = M(r => r.Hub!.TokensPerSecond),
            ["hubPeakTokensPerSecond"] = M(r => r.Hub!.PeakTokensPerSecond),
            ["hubCpuSeconds"] = M(r => r.Hub!.ServerCpuSeconds),
            ["hubCpuMicrosPerToken"] = M(r => r.Hub!.ServerCpuMicrosPerToken),
            ["emulatorCpuMicrosPerTokenDirect"] = M(r => r.Direct?.EmulatorCpuMicrosPerToken),
            ["cpuPerTokenRatio"] = M(r => r.CpuPerTokenRatio),
            ["hubRssIdleMb"] = M(r => r.Hub!.RssIdleKb / 1024.0),
            ["hubRssPeakMb"] = M(r => r.Hub!.RssPeakKb / 1024.0),
            ["kbPerStream"] = M(r => r.Hub!.KbPerStream),
            ["hubRssAfterMb"] = M(r => r.Hub!.RssAfterKb / 1024.0),
        };
    }
}
