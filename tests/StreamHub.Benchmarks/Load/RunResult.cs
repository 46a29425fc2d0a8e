namespace StreamHub.Benchmarks.Load;

/// <summary>One run of one ladder step: one fresh emulator, then each peer in turn (each in fresh processes).</summary>
internal sealed class RunResult
{
    public required int Streams { get; init; }
    public required int Run { get; init; }
    public required double TokensPerSecondPerStream { get; init; }
    public required int TokensPerStream { get; init; }
    public required double FirstTokenDelayMs { get; init; }
    public required int StreamsPerConnection { get; init; }
    public required double RampMs { get; init; }

    /// <summary>One phase per peer, in the order they ran.</summary>
    public List<PhaseResult> Peers { get; } = [];

    /// <summary>Peers that could not be measured in this run, with why (e.g. nginx missing, a start that failed).</summary>
    public Dictionary<string, string> Errors { get; } = [];
}
