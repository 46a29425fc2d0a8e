namespace StreamHub.Admission;

/// <summary>One instance: a request that outlives its instance has nobody to go to, so nothing is recorded.</summary>
internal sealed class LocalResumableJournal : IResumableJournal, IAsyncDisposable
{
    private static readonly TaskCompletionSource Never = new();

    public Task Orphans => Never.Task;

    public ValueTask<IAsyncDisposable> BeginAsync(ResumableRecord record, CancellationToken cancellationToken) => new(this);

    public ValueTask<ClaimedRequest?> ClaimAsync(CancellationToken cancellationToken) => default;

    public ValueTask DisposeAsync() => default;
}
