namespace StreamHub.Benchmarks.Load;

/// <summary>The JSON file of one runner invocation.</summary>
internal sealed class RunFile
{
    public required string StartedUtc { get; init; }
    public required string CommandLine { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public required List<RunResult> Runs { get; init; }

    /// <summary>Per step, per peer: the median of each headline figure over the step's runs, and ratios to nginx and YARP.</summary>
    public required List<StepMedians> Medians { get; init; }
    public string? StoppedBecause { get; set; }

    /// <summary>Conditions of this machine that limit a step (e.g. too few file descriptors for a proxy's sockets).</summary>
    public List<string> Warnings { get; } = [];
}
