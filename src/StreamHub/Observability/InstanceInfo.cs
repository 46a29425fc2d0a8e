namespace StreamHub.Observability;

/// <summary>Which process answered: the machine's name and an id made once per process.</summary>
public sealed record InstanceInfo(string MachineName, string InstanceId, DateTimeOffset StartedAt)
{
    internal static string NewId() => Guid.NewGuid().ToString("N")[..12];

    internal static InstanceInfo Create(string instanceId, TimeProvider time)
        => new(Environment.MachineName, instanceId, time.GetUtcNow());
}
