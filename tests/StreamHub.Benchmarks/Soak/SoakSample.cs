namespace StreamHub.Benchmarks.Soak;

/// <summary>One sampling interval of a soak (figures "per interval" cover the time since the previous sample).</summary>
internal sealed record SoakSample
{
    public required double ElapsedSeconds { get; init; }

    /// <summary>True once no new streams start (the last ones are finishing): left out of the slope.</summary>
    public bool Draining { get; init; }
    public required double RssMb { get; init; }
    public required int Threads { get; init; }
    public required int ActiveStreams { get; init; }
    public required long Completed { get; init; }
    public required long Failed { get; init; }
    public required double TokensPerSecond { get; init; }
    public double? CpuMicrosPerToken { get; init; }
    public double? CpuPercent { get; init; }
    public double? EmulatorCpuMicrosPerToken { get; init; }
    public double? TransportP50Ms { get; init; }
    public double? TransportP99Ms { get; init; }

    /// <summary>GC pause time in the interval (from <c>total-pause-time-by-gc</c>), .NET peers only.</summary>
    public double? GcPauseMs { get; init; }
    public double? Gen0Collections { get; init; }
    public double? Gen1Collections { get; init; }
    public double? Gen2Collections { get; init; }
    public double? GcHeapMb { get; init; }
    public double? ThreadPoolThreads { get; init; }
}
