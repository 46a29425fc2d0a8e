namespace StreamHub.Benchmarks.Soak;

/// <summary>The JSON file of one soak: settings, every sample, and the summary figures.</summary>
internal sealed class SoakResult
{
    public required string StartedUtc { get; init; }
    public required string CommandLine { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public required string Peer { get; init; }
    public required int Streams { get; init; }
    public required int TokensPerStream { get; init; }
    public required double TokensPerSecondPerStream { get; init; }
    public required double Minutes { get; init; }
    public required int SampleSeconds { get; init; }
    public required double WarmupSeconds { get; init; }
    public List<SoakSample> Samples { get; } = [];
    public long StreamsStarted { get; set; }
    public long StreamsCompleted { get; set; }
    public long StreamsFailed { get; set; }
    public IReadOnlyDictionary<string, int>? FailuresByCode { get; set; }
    public long TokensDelivered { get; set; }

    /// <summary>Least-squares slope of RSS over the samples after warm-up and before draining, in MB per 10 minutes.</summary>
    public double? RssSlopeMbPer10Min { get; set; }
    public double? RssAfterWarmupMinMb { get; set; }
    public double? RssAfterWarmupMaxMb { get; set; }

    /// <summary>Peer CPU seconds over tokens delivered, after warm-up.</summary>
    public double? CpuMicrosPerTokenAfterWarmup { get; set; }
    public double? GcPauseMsTotal { get; set; }
    public int? ThreadsMin { get; set; }
    public int? ThreadsMax { get; set; }
    public string? Error { get; set; }
}
