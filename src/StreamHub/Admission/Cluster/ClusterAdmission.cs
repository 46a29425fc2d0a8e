using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// <c>Admission:Scope=Cluster</c>: one pool of upstream streams, one set of queues, for every instance on the
/// Redis. <see cref="AdmissionRule"/> decides inside Lua scripts exactly as <see cref="PriorityAdmission"/>
/// decides in process (strict tiers, aging, round-robin across tenants, backpressure on the cluster's pool).
/// While Redis is unreachable the instance admits from its <see cref="FallbackPool"/>; a request waiting in one
/// when the other takes over queues again there.
/// </summary>
/// <remarks>
/// <para>The switch back is bounded: when an instance returns from an outage (or Redis lost its state), a settle
/// window of <c>Admission:LeaseTimeout</c> starts in which every expected instance not yet heard from keeps its
/// fallback share (<c>MaxConcurrentStreams / ExpectedInstances</c>) reserved, so the cluster's grants plus what
/// instances still on their own run stay within the pool. Each instance registers everything it runs when it
/// rejoins; an instance still unreachable when the window ends is taken for dead.</para>
/// <para>What is not bounded: an instance cut off alone (the others still reach Redis) runs its fallback share
/// on top of the cluster's pool once its lease has expired, since it cannot be told from a dead one.</para>
/// </remarks>
internal sealed class ClusterAdmission(
    ClusterLink link,
    ClusterLine line,
    ClusterPermits permits,
    ClusterLedger ledger,
    FallbackPool fallback,
    ClusterLimits limits,
    ClusterSnapshots snapshots) : IStreamAdmission, IDisposable
{
    private static readonly AdmissionLease Closed = AdmissionLease.Rejected(
        new AdmissionRejection(Contracts.ErrorCodes.ShuttingDown, "the service is shutting down", AdmissionRule.MinRetryAfter));

    private volatile bool _closed;

    /// <inheritdoc/>
    public AdmissionOptions Limits => limits.Current;

    /// <inheritdoc/>
    public async ValueTask<RateLimitLease> AcquireAsync(AdmissionTicket resource, int permitCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        if ((uint)resource.Priority >= AdmissionRule.Tiers)
        {
            throw new ArgumentOutOfRangeException(nameof(resource), resource.Priority, "Unknown priority.");
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_closed)
            {
                return Closed;
            }

            if (link.InCluster)
            {
                if (await line.AcquireAsync(resource, cancellationToken) is { } lease)
                {
                    return lease;
                }

                continue;
            }

            var local = await fallback.AcquireAsync(resource, cancellationToken);
            if (local is null)
            {
                continue;
            }

            if (!local.IsAcquired)
            {
                return local;
            }

            lock (link.Gate)
            {
                return permits.Hold(ledger.NextId(), resource, local);
            }
        }
    }

    /// <inheritdoc/>
    public AdmissionSnapshot Snapshot() => snapshots.Read();

    /// <inheritdoc/>
    /// <remarks>
    /// Changes the cluster's limits for every instance (one script; the others hear of it by pub/sub). While
    /// Redis is unreachable there are no cluster limits to change: it throws <see cref="ClusterUnavailableException"/>.
    /// </remarks>
    public void UpdateLimits(AdmissionOptions options)
    {
        var result = new AdmissionOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(AdmissionOptions.SectionName, typeof(AdmissionOptions), result.Failures);
        }

        if (!link.InCluster)
        {
            throw new ClusterUnavailableException("the cluster's limits live in Redis, which this instance cannot reach now");
        }

        var values = link.Arguments(9);
        ClusterLimits.Write(options, values, 3);
        link.Evaluate(ClusterScript.Limits, values);
        limits.Set(options);
    }

    public void Dispose()
    {
        _closed = true;
        line.Requeue(null);
        fallback.Dispose();
    }
}
