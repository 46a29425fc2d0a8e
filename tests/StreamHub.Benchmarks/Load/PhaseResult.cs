namespace StreamHub.Benchmarks.Load;

/// <summary>One phase of one run: the streams a client drove through one peer, and what the processes spent on them.</summary>
internal sealed class PhaseResult
{
    /// <summary>The peer's name (<c>direct</c>, <c>nginx</c>, <c>yarp</c>, <c>hub-json</c>, <c>hub-msgpack</c>, <c>hub-sse</c>).</summary>
    public required string Phase { get; init; }
    public required int Streams { get; init; }
    public required int Completed { get; init; }
    public required int Failed { get; init; }
    public required SortedDictionary<string, int> FailuresByCode { get; init; }
    public required long TokensDelivered { get; init; }
    public required double Seconds { get; init; }
    public required double TokensPerSecond { get; init; }
    public double PeakTokensPerSecond { get; set; }

    /// <summary>CPU pressure (PSI some avg10, %) and load average as the phase began: how contended the machine was.</summary>
    public string? Contention { get; set; }

    /// <summary>The most streams open at once (the ramp and the answer length decide whether all N overlap).</summary>
    public int PeakActive { get; set; }

    /// <summary>SYNs the kernel dropped because a listener's accept queue was full.</summary>
    public long ListenOverflows { get; set; }

    /// <summary>From the client's call to the first token.</summary>
    public required Percentiles TtftMs { get; init; }

    /// <summary>TTFT minus the emulator's configured first-token delay.</summary>
    public required Percentiles TtftAddedMs { get; init; }

    /// <summary>Arrival minus the emulator's schedule (start + FirstTokenDelay + k/R), every token.</summary>
    public required Percentiles TokenLatenessMs { get; init; }

    /// <summary>Arrival minus (first token's arrival + k/R), tokens after the first: forwarding jitter without the setup.</summary>
    public required Percentiles InterTokenLatenessMs { get; init; }

    /// <summary>Arrival minus the emulator's emit stamp in the token (same clock, same machine), every token.</summary>
    public required Percentiles TransportMs { get; init; }

    /// <summary>The same for each stream's first token only.</summary>
    public required Percentiles FirstTokenTransportMs { get; init; }

    /// <summary>Transport through this peer minus transport direct from the emulator, per percentile (set for every peer but direct).</summary>
    public Percentiles? AddedTokenMs { get; set; }

    /// <summary>TTFT through this peer minus TTFT direct, per percentile: the first token's added latency, set-up included.</summary>
    public Percentiles? AddedFirstTokenMs { get; set; }

    /// <summary>CPU seconds of the peer's processes (none for direct).</summary>
    public double? PeerCpuSeconds { get; set; }
    public double? PeerCpuMicrosPerToken { get; set; }

    /// <summary>CPU seconds of the emulator during the phase (it serves every phase).</summary>
    public double? EmulatorCpuSeconds { get; set; }
    public double? EmulatorCpuMicrosPerToken { get; set; }

    /// <summary>CPU seconds of the benchmark client itself.</summary>
    public double ClientCpuSeconds { get; set; }

    public long? RssIdleKb { get; set; }
    public long? RssPeakKb { get; set; }

    /// <summary>
    /// RSS after the light warm-up (two rounds of up to 200 streams, the whole warm-up of earlier runs), before the full
    /// one (until the JIT is quiet, as many streams as the phase).
    /// </summary>
    public long? RssBaselineKb { get; set; }

    /// <summary>(peak RSS during the phase − <see cref="RssBaselineKb"/>) / streams.</summary>
    public double? KbPerStream { get; set; }

    /// <summary>RSS 3 s after the last stream ended: what the finished streams left behind (watch buffers, pools).</summary>
    public long? RssAfterKb { get; set; }

    /// <summary>The most threads the peer's processes had during the phase.</summary>
    public int? PeakThreads { get; set; }

    /// <summary>Warm-up rounds before the phase (.NET peers: until their JIT was quiet).</summary>
    public int WarmupRounds { get; set; }

    /// <summary>
    /// Methods the peer's JIT compiled during the phase (and the 3 s after it), from its <c>System.Runtime</c> counters; near 0
    /// means the phase measured compiled code, not the compiler. Null for nginx.
    /// </summary>
    public double? MethodsJittedInPhase { get; set; }

    /// <summary>What redis-server ran for the phase (<c>hub-redis</c> only).</summary>
    public RedisUsage? Redis { get; set; }
}
