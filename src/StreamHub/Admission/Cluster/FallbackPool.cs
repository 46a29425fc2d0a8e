using System.Threading.RateLimiting;
using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// What this instance admits from while it is not a member of the cluster (Redis unreachable, or not joined
/// yet): an in-process <see cref="PriorityAdmission"/> of <c>MaxConcurrentStreams / ExpectedInstances</c>
/// permits, with the cluster's queue limits and timings. Every permit the instance already holds is counted
/// in it (a shadow lease), so the instance never runs more than that share on its own.
/// </summary>
internal sealed class FallbackPool : IDisposable
{
    private static readonly AdmissionTicket ShadowTicket = new("held", "held", Priority.Critical);

    private readonly ClusterLedger _ledger;
    private readonly ClusterLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _swap = new();
    private PriorityAdmission _admission;
    private CancellationTokenSource _ended = new();

    public FallbackPool(ClusterLink link, ClusterLedger ledger, ClusterLimits limits, TimeProvider time, ILogger<FallbackPool> logger)
    {
        _ledger = ledger;
        _limits = limits;
        _time = time;
        _logger = logger;
        _admission = new PriorityAdmission(limits.Fallback(limits.FallbackPool), time);
        Size = limits.FallbackPool;
        link.FellBack += Begin;
        link.Joined += End;
    }

    /// <summary>The pool of the current (or last) fallback period.</summary>
    public int Size { get; private set; }

    /// <summary>A permit from the fallback pool, a rejection, or null once the cluster admits again (queue there).</summary>
    public async ValueTask<RateLimitLease?> AcquireAsync(AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        PriorityAdmission admission;
        CancellationToken ended;
        lock (_swap)
        {
            admission = _admission;
            ended = _ended.Token;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ended);
        try
        {
            return await admission.AcquireAsync(ticket, 1, linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Counts a permit granted by the cluster while the instance was already on its own, if the pool has room.</summary>
    public RateLimitLease? TryShadow()
    {
        lock (_swap)
        {
            var lease = _admission.AttemptAcquire(ShadowTicket);
            if (lease.IsAcquired)
            {
                return lease;
            }

            lease.Dispose();
            return null;
        }
    }

    public AdmissionSnapshot Snapshot()
    {
        lock (_swap)
        {
            return _admission.Snapshot();
        }
    }

    public void Dispose()
    {
        lock (_swap)
        {
            _ended.Cancel();
            _admission.Dispose();
        }
    }

    /// <summary>
    /// Under the gate, when the instance leaves the cluster: a fresh pool with a shadow for every permit held.
    /// Held permits beyond the pool stay held; nothing starts until they drop under it.
    /// </summary>
    private void Begin()
    {
        var size = _limits.FallbackPool;
        var held = _ledger.Permits.Count;
        var admission = new PriorityAdmission(_limits.Fallback(Math.Max(size, held)), _time);
        foreach (var permit in _ledger.Permits.Values)
        {
            permit.Shadow?.Dispose();
            permit.Shadow = admission.AttemptAcquire(ShadowTicket);
        }

        if (held > size)
        {
            admission.UpdateLimits(_limits.Fallback(size));
        }

        PriorityAdmission previous;
        lock (_swap)
        {
            previous = _admission;
            _admission = admission;
            _ended = new CancellationTokenSource();
            Size = size;
        }

        previous.Dispose();
        _logger.LogWarning(
            "Cluster admission: this instance admits on its own with a pool of {Pool} (Admission:MaxConcurrentStreams / Admission:ExpectedInstances); {Held} permit(s) already held",
            size,
            held);
    }

    /// <summary>Under the gate, when the cluster admits again: waiters of the fallback pool queue in the cluster.</summary>
    private void End()
    {
        CancellationTokenSource ended;
        lock (_swap)
        {
            ended = _ended;
        }

        // Their cancellation callbacks take only the fallback pool's own lock.
        ended.Cancel();
    }
}
