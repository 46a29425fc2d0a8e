namespace StreamHub.Benchmarks.Load;

/// <summary>One ladder step's medians, one entry per peer.</summary>
internal sealed class StepMedians
{
    public required int Streams { get; init; }
    public required int Runs { get; init; }
    public required List<PeerMedian> Peers { get; init; }
}
