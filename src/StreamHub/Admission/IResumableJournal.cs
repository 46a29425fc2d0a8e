namespace StreamHub.Admission;

/// <summary>
/// Where resumable requests are recorded while they run, so that one whose instance dies can be finished by
/// another (<c>Admission:Scope=Cluster</c>); in one process there is nobody to hand over to and nothing is kept.
/// </summary>
internal interface IResumableJournal
{
    /// <summary>Records a resumable request run here; dispose the result when it has ended.</summary>
    ValueTask<IAsyncDisposable> BeginAsync(ResumableRecord record, CancellationToken cancellationToken);

    /// <summary>Completes when requests of a dead instance may be waiting for a survivor (read it before claiming).</summary>
    Task Orphans { get; }

    /// <summary>The next request of a dead instance, now owned by this instance; null when none waits.</summary>
    ValueTask<ClaimedRequest?> ClaimAsync(CancellationToken cancellationToken);
}
