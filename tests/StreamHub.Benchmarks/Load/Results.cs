namespace StreamHub.Benchmarks.Load;

/// <summary>One phase of one run: the streams a client drove, and what the server processes spent on them.</summary>
internal sealed class PhaseResult
{
    public required string Phase { get; init; }
    public required int Streams { get; init; }
    public required int Completed { get; init; }
    public required int Failed { get; init; }
    public required SortedDictionary<string, int> FailuresByCode { get; init; }
    public required long TokensDelivered { get; init; }
    public required double Seconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public double PeakTokensPerSecond { get; set; }

    /// <summary>The most streams open at once (the ramp and the answer length decide whether all N overlap).</summary>
    public int PeakActive { get; set; }

    /// <summary>SYNs the kernel dropped because a listener's accept queue was full (Kestrel's backlog is 512).</summary>
    public long ListenOverflows { get; set; }

    /// <summary>From the client's call to the first token.</summary>
    public required Percentiles TtftMs { get; init; }

    /// <summary>TTFT minus the emulator's configured first-token delay.</summary>
    public required Percentiles TtftAddedMs { get; init; }

    /// <summary>Arrival minus the emulator's schedule (start + FirstTokenDelay + k/R), every token.</summary>
    public required Percentiles TokenLatenessMs { get; init; }

    /// <summary>Arrival minus (first token's arrival + k/R), tokens after the first: forwarding jitter without the setup.</summary>
    public required Percentiles InterTokenLatenessMs { get; init; }

    /// <summary>Direct only: arrival minus the emulator's <c>x_emit_ts</c> stamp (same clock, same machine).</summary>
    public Percentiles? TransportMs { get; init; }

    /// <summary>CPU seconds of the server this phase talked to (StreamHub, or the emulator for direct).</summary>
    public double? ServerCpuSeconds { get; set; }

    /// <summary>CPU seconds of the emulator during the phase (it serves both phases).</summary>
    public double? EmulatorCpuSeconds { get; set; }

    /// <summary>CPU seconds of the benchmark client itself.</summary>
    public double ClientCpuSeconds { get; set; }

    public double? ServerCpuMicrosPerToken { get; set; }
    public double? EmulatorCpuMicrosPerToken { get; set; }
    public long? RssIdleKb { get; set; }
    public long? RssPeakKb { get; set; }
    public double? KbPerStream { get; set; }

    /// <summary>RSS 3 s after the last stream ended: what the finished streams left behind (watch buffers, pools).</summary>
    public long? RssAfterKb { get; set; }
}

/// <summary>One run of one ladder step (fresh processes).</summary>
internal sealed class RunResult
{
    public required int Streams { get; init; }
    public required int Run { get; init; }
    public required double TokensPerSecondPerStream { get; init; }
    public required int TokensPerStream { get; init; }
    public required double FirstTokenDelayMs { get; init; }
    public required int StreamsPerConnection { get; init; }
    public required double RampMs { get; init; }
    /// <summary>CPU pressure (PSI some avg10, %) and load average as each phase began: how contended the machine was.</summary>
    public Dictionary<string, string> Contention { get; } = [];

    public PhaseResult? Hub { get; set; }
    public PhaseResult? Direct { get; set; }

    /// <summary>StreamHub CPU per delivered token / emulator CPU per token in the direct phase.</summary>
    public double? CpuPerTokenRatio { get; set; }

    /// <summary>Per-token lateness through StreamHub minus direct, at p50/p95/p99 (the latency StreamHub adds).</summary>
    public Percentiles? AddedTokenLatencyMs { get; set; }

    public string? Error { get; set; }
}

/// <summary>The JSON file of one runner invocation.</summary>
internal sealed class RunFile
{
    public required string StartedUtc { get; init; }
    public required string CommandLine { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public required List<RunResult> Runs { get; init; }
    public required List<Dictionary<string, object?>> Medians { get; init; }
    public string? StoppedBecause { get; set; }
}
