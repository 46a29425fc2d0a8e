using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Tenant limits that hold across the cluster: one script call takes the request, its estimated tokens and a
/// concurrency slot from the tenant's budget in Redis (windows as in <see cref="TenantLimits"/>, on Redis's
/// clock); one call at the end returns the slot and corrects the tokens. A dead instance's slots return with
/// its lease. While the instance is on its own, each limit is shared out over <c>Admission:ExpectedInstances</c>
/// and counted here, running requests included.
/// </summary>
internal sealed class ClusterTenantLimits : ITenantLimits
{
    private readonly ClusterLink _link;
    private readonly ClusterLedger _ledger;
    private readonly ClusterRejoin _rejoin;
    private readonly int _instances;
    private readonly TenantLimits _local;
    private readonly ILogger _logger;

    public ClusterTenantLimits(ClusterLink link, ClusterLedger ledger, ClusterRejoin rejoin, TimeProvider time, ILogger<ClusterTenantLimits> logger)
    {
        _link = link;
        _ledger = ledger;
        _rejoin = rejoin;
        _instances = link.Member.ExpectedInstances;
        _local = new TenantLimits(time);
        _logger = logger;
        link.FellBack += CountHeldLocally;
    }

    public async ValueTask<ITenantLease> AcquireAsync(string tenant, TenantLimitSettings limits, int estimatedTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedTokens);
        if (_link.InCluster && await TryClusterAsync(tenant, limits, estimatedTokens) is { } lease)
        {
            return lease;
        }

        if (!_local.TryAcquire(tenant, Share(limits), estimatedTokens, out var local, out var rejection))
        {
            throw rejection.ToException();
        }

        var own = new ClusterTenantLease(this, _ledger.NextId(), tenant, estimatedTokens) { Local = local };
        lock (_link.Gate)
        {
            _ledger.TenantLeases.Add(own.Id, own);
            if (_link.InCluster)
            {
                _rejoin.AddLate([], [own], []);
            }
        }

        return own;
    }

    internal void Correct(ClusterTenantLease lease, int actualTokens)
    {
        lease.Actual = actualTokens;
        lease.Local?.Correct(actualTokens);
        if (lease.Released && _link.InCluster)
        {
            _ = SendAsync(lease, release: false);
        }
    }

    internal void Release(ClusterTenantLease lease)
    {
        bool inCluster;
        TenantLease? local;
        lock (_link.Gate)
        {
            _ledger.TenantLeases.Remove(lease.Id);
            inCluster = _link.InCluster;
            local = lease.Local;
            lease.Local = null;
        }

        local?.Dispose();
        if (inCluster)
        {
            _ = SendAsync(lease, release: true);
        }
    }

    /// <summary>Fire and forget: a lease Redis never hears the end of is dropped by the next rejoin, or with the lease.</summary>
    internal async Task SendAsync(ClusterTenantLease lease, bool release)
    {
        var values = lease.ReleaseArguments(_link, release);
        try
        {
            await _link.EvaluateAsync(ClusterScript.TenantRelease, values);
        }
        catch (ClusterUnavailableException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Cluster admission: returning tenant lease {Lease} failed", lease.Id);
        }
    }

    private async Task<ClusterTenantLease?> TryClusterAsync(string tenant, TenantLimitSettings limits, int estimatedTokens)
    {
        var lease = new ClusterTenantLease(this, _ledger.NextId(), tenant, estimatedTokens);
        lock (_link.Gate)
        {
            _ledger.TenantLeases.Add(lease.Id, lease);
        }

        var values = _link.Arguments(6);
        values[3] = lease.Id;
        values[4] = tenant;
        values[5] = limits.RequestsPerMinute ?? -1;
        values[6] = limits.TokensPerMinute ?? -1;
        values[7] = limits.MaxConcurrentStreams ?? -1;
        values[8] = estimatedTokens;
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await _link.EvaluateAsync(ClusterScript.TenantAcquire, values))!;
        }
        catch (ClusterUnavailableException)
        {
            Forget(lease);
            return null;
        }

        switch ((string?)reply[0])
        {
            case "ok":
                lease.WindowId = (long)reply[1];
                return lease;
            case "rejoin":
                Forget(lease);
                _link.Rejoin();
                return null;
            default:
                Forget(lease);
                var reason = (string?)reply[0] switch
                {
                    "c" => TenantRejection.Streams(tenant, limits.MaxConcurrentStreams ?? 0),
                    "r" => TenantRejection.Requests(tenant, limits.RequestsPerMinute ?? 0),
                    _ => TenantRejection.Tokens(tenant, limits.TokensPerMinute ?? 0),
                };
                throw TenantRejection.Of(reason, TimeSpan.FromMilliseconds((long)reply[1])).ToException();
        }
    }

    private void Forget(ClusterTenantLease lease)
    {
        lock (_link.Gate)
        {
            _ledger.TenantLeases.Remove(lease.Id);
        }
    }

    /// <summary>This instance's share of each limit while it counts on its own.</summary>
    private TenantLimitSettings Share(TenantLimitSettings limits) => _instances == 1 ? limits : new TenantLimitSettings(
        Divide(limits.RequestsPerMinute), Divide(limits.TokensPerMinute), Divide(limits.MaxConcurrentStreams));

    private int? Divide(int? limit) => limit is { } value ? Math.Max(1, (value + _instances - 1) / _instances) : null;

    /// <summary>Under the gate, on leaving the cluster: the requests already running count against this instance's share.</summary>
    private void CountHeldLocally()
    {
        foreach (var lease in _ledger.TenantLeases.Values)
        {
            if (lease.Local is null && _local.TryAcquire(lease.Tenant, TenantLimitSettings.Unlimited, 0, out var shadow, out _))
            {
                lease.Local = shadow;
            }
        }
    }
}
