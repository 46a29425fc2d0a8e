namespace StreamHub.Observability;

/// <summary>Which process answered: the machine's name and an id made once per process.</summary>
public sealed record InstanceInfo(string MachineName, string InstanceId, DateTimeOffset StartedAt)
{
    internal static InstanceInfo Create(TimeProvider time)
        => new(Environment.MachineName, Guid.NewGuid().ToString("N")[..12], time.GetUtcNow());
}
