namespace StreamHub.Admission.Cluster;

/// <summary>
/// A request of this instance waiting in the cluster's line. Its task ends with a granted lease, a rejection
/// lease (queue timeout), null when it must queue again (moved to the fallback pool, or Redis lost the line),
/// or canceled. Whoever takes it out of <see cref="ClusterLedger.Waiters"/> (under the gate) completes it, so it
/// completes once.
/// </summary>
internal sealed class ClusterWaiter(ClusterDepartures departures, string id, AdmissionTicket ticket, int tier)
    : TaskCompletionSource<AdmissionLease?>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private int _reported;

    /// <summary>Whose timeout and cancellation callbacks take it out of the line.</summary>
    public ClusterDepartures Departures { get; } = departures;

    public string Id { get; } = id;

    public AdmissionTicket Ticket { get; } = ticket;

    public int Tier { get; } = tier;

    /// <summary>Set (under the gate) once Redis answered that it queued: only such waiters can miss a grant.</summary>
    public bool Queued { get; set; }

    /// <summary>How long it may wait (<c>Admission:MaxQueueWait</c> when it queued).</summary>
    public TimeSpan MaxWait { get; set; }

    public ITimer? Timer { get; set; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>Tells the caller its cluster-wide position when it changed; a broken callback is the caller's loss only.</summary>
    public void Report(int position)
    {
        if (Ticket.QueuePosition is not { } progress || Interlocked.Exchange(ref _reported, position) == position)
        {
            return;
        }

        try
        {
            progress.Report(position);
        }
        catch (Exception)
        {
            // A caller's broken callback must not cost other waiters their updates.
        }
    }

    /// <summary>Stops the timeout and the cancellation callback (outside the gate).</summary>
    public void Disarm()
    {
        Timer?.Dispose();
        Registration.Unregister();
    }
}
