using System.Globalization;

namespace StreamHub.Benchmarks.Soak;

/// <summary>The soak's summary figures (RSS slope after warm-up above all) and its console lines.</summary>
internal static class SoakSummary
{
    public static void Fill(SoakResult soak)
    {
        var steady = soak.Samples.Where(InSlope(soak)).ToList();
        if (LinearFit.Of(steady.ConvertAll(s => (s.ElapsedSeconds, s.RssMb))) is { } fit)
        {
            soak.RssSlopeMbPer10Min = Math.Round(fit.Slope * 600, 2);
        }

        if (steady.Count > 0)
        {
            soak.RssAfterWarmupMinMb = steady.Min(s => s.RssMb);
            soak.RssAfterWarmupMaxMb = steady.Max(s => s.RssMb);
        }

        var pauses = soak.Samples.Where(s => s.GcPauseMs is not null).ToList();
        soak.GcPauseMsTotal = pauses.Count == 0 ? null : Math.Round(pauses.Sum(s => s.GcPauseMs!.Value), 1);
        var running = soak.Samples.Where(s => !s.Draining && s.Threads > 0).ToList();
        soak.ThreadsMin = running.Count == 0 ? null : running.Min(s => s.Threads);
        soak.ThreadsMax = running.Count == 0 ? null : running.Max(s => s.Threads);
    }

    /// <summary>The samples the RSS slope is fitted to: after the warm-up, while new streams still start.</summary>
    public static Func<SoakSample, bool> InSlope(SoakResult soak) => s => !s.Draining && s.ElapsedSeconds >= soak.WarmupSeconds;

    public static string Line(SoakSample s) => string.Create(CultureInfo.InvariantCulture,
        $"  {s.ElapsedSeconds,7:0.0}s{(s.Draining ? " drain" : "")} active {s.ActiveStreams,6} done {s.Completed,8} failed {s.Failed,5} {s.TokensPerSecond,8:0}/s"
        + $" | rss {s.RssMb,7:0.0} MB threads {s.Threads,4} | cpu {s.CpuMicrosPerToken,6:0.0} us/tok ({s.CpuPercent:0}%)"
        + $" | gc pause {s.GcPauseMs:0.0} ms (gen0 {s.Gen0Collections} gen1 {s.Gen1Collections} gen2 {s.Gen2Collections}) heap {s.GcHeapMb:0} MB"
        + $" | transport p50 {s.TransportP50Ms:0.00} p99 {s.TransportP99Ms:0.00} ms");

    public static string Text(SoakResult soak) => string.Create(CultureInfo.InvariantCulture,
        $"""
        soak {soak.Peer}: {soak.StreamsStarted} streams started, {soak.StreamsCompleted} completed, {soak.StreamsFailed} failed {Codes(soak)}; {soak.TokensDelivered} tokens
          RSS after warm-up ({soak.WarmupSeconds:0} s): {soak.RssAfterWarmupMinMb} to {soak.RssAfterWarmupMaxMb} MB, slope {soak.RssSlopeMbPer10Min} MB per 10 min
          CPU per token after warm-up: {soak.CpuMicrosPerTokenAfterWarmup} us; GC pauses {soak.GcPauseMsTotal} ms in all; threads {soak.ThreadsMin} to {soak.ThreadsMax}
        """);

    private static string Codes(SoakResult soak)
        => soak.FailuresByCode is { Count: > 0 } codes ? "(" + string.Join(", ", codes.Select(kv => $"{kv.Key} {kv.Value}")) + ")" : "";
}
