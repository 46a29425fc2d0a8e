namespace StreamHub.Benchmarks.Load;

/// <summary>
/// One peer at one step: the median over the step's runs of each figure, taken figure by figure, and the
/// peer's figures divided by nginx's and YARP's medians at the same step.
/// </summary>
internal sealed class PeerMedian
{
    public required string Peer { get; init; }
    public required int Runs { get; init; }
    public double? FailedPercent { get; init; }
    public string? FailuresByCode { get; init; }
    public double? AddedTokenP50Ms { get; init; }
    public double? AddedTokenP99Ms { get; init; }
    public double? AddedFirstTokenP50Ms { get; init; }
    public double? AddedFirstTokenP99Ms { get; init; }
    public double? TransportP50Ms { get; init; }
    public double? TransportP99Ms { get; init; }
    public double? FirstTokenTransportP50Ms { get; init; }
    public double? TtftAddedP50Ms { get; init; }
    public double? TtftAddedP99Ms { get; init; }
    public double? TokenLatenessP50Ms { get; init; }
    public double? TokenLatenessP99Ms { get; init; }
    public double? InterTokenP99Ms { get; init; }
    public double? TokensPerSecond { get; init; }
    public double? PeakActive { get; init; }
    public double? ListenOverflows { get; init; }
    public double? PeerCpuMicrosPerToken { get; init; }
    public double? EmulatorCpuMicrosPerToken { get; init; }
    public double? ClientCpuSeconds { get; init; }
    public double? KbPerStream { get; init; }
    public double? RssIdleMb { get; init; }
    public double? RssPeakMb { get; init; }
    public double? RssAfterMb { get; init; }
    public double? PeakThreads { get; init; }
    public double? RedisCommandsPerToken { get; init; }
    public double? RedisServerCpuMicrosPerToken { get; init; }

    /// <summary>This peer's figure / nginx's: <c>cpu</c>, <c>kbPerStream</c>, <c>addedTokenP50</c>, <c>addedTokenP99</c>, <c>addedFirstTokenP50</c>.</summary>
    public Dictionary<string, double?> VsNginx { get; } = [];

    /// <summary>The same against YARP.</summary>
    public Dictionary<string, double?> VsYarp { get; } = [];

    /// <summary>Added per-token p50 minus nginx's (ms): the goal is within 1 ms.</summary>
    public double? AddedTokenP50MinusNginxMs { get; set; }
}
