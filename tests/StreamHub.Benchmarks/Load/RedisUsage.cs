namespace StreamHub.Benchmarks.Load;

/// <summary>What redis-server ran during a <c>hub-redis</c> phase (from the phase's start to 3 s after its last stream).</summary>
internal sealed class RedisUsage
{
    /// <summary>Commands as <c>INFO commandstats</c> counts them: each command inside a script or transaction too.</summary>
    public long Commands { get; init; }

    /// <summary>Commands per token the client received.</summary>
    public double? CommandsPerToken { get; init; }

    /// <summary>The same per command (<c>xadd</c>, <c>publish</c>, <c>expire</c>, …).</summary>
    public required SortedDictionary<string, double> PerTokenByCommand { get; init; }

    /// <summary>redis-server's own CPU per token.</summary>
    public double? ServerCpuMicrosPerToken { get; init; }
}
