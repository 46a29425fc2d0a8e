namespace StreamHub.Contracts;

/// <summary>A progress sink that drops everything (tests, and front doors that show no progress).</summary>
internal sealed class NoProgress : IStreamProgress
{
    public static readonly NoProgress Instance = new();

    public ValueTask QueuedAsync(int position) => default;

    public ValueTask StartedAsync(string region) => default;

    public ValueTask UsageAsync(UsageReport usage) => default;
}
