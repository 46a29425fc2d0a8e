using System.Collections.Concurrent;
using StreamHub.Contracts;

namespace StreamHub.Observability;

/// <summary>
/// Running totals for operators (<c>GET /admin/stats</c>): outcomes by code, bounded latency samples, the
/// recent token rate and usage and cost per tenant. Tenants are the configured ones plus "anonymous", so
/// the per-tenant table stays small.
/// </summary>
internal sealed class StreamStatistics(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, long> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantUsage> _tenants = new(StringComparer.Ordinal);
    private readonly SlidingSample _timeToFirstToken = new();
    private readonly SlidingSample _duration = new();
    private readonly TokenRate _rate = new(time);
    private long _admitted;
    private long _completed;
    private long _canceled;
    private long _tokens;

    public void Admitted() => Interlocked.Increment(ref _admitted);

    public void Rejected(string code) => _rejected.AddOrUpdate(code, 1, static (_, n) => n + 1);

    public void Ended(string outcome, TimeSpan duration)
    {
        switch (outcome)
        {
            case "ok":
                Interlocked.Increment(ref _completed);
                break;
            case "canceled":
                Interlocked.Increment(ref _canceled);
                break;
            default:
                _failed.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
                break;
        }

        _duration.Add(duration.TotalMilliseconds);
    }

    public void FirstToken(TimeSpan elapsed) => _timeToFirstToken.Add(elapsed.TotalMilliseconds);

    public void Token()
    {
        Interlocked.Increment(ref _tokens);
        _rate.Add();
    }

    public void Usage(string tenant, UsageInfo usage, decimal? cost)
        => _tenants.GetOrAdd(tenant, static _ => new TenantUsage()).Add(usage, cost);

    public StreamTotals Totals() => new(
        Interlocked.Read(ref _admitted),
        Interlocked.Read(ref _completed),
        Interlocked.Read(ref _canceled),
        Interlocked.Read(ref _tokens),
        Sorted(_failed),
        Sorted(_rejected));

    public Percentiles TimeToFirstToken() => _timeToFirstToken.Summarize();

    public Percentiles Duration() => _duration.Summarize();

    public double TokensPerSecond() => _rate.PerSecond();

    public IReadOnlyList<TenantUsageReport> Tenants()
    {
        var list = new List<TenantUsageReport>(_tenants.Count);
        foreach (var (tenant, usage) in _tenants)
        {
            list.Add(usage.Report(tenant));
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Tenant, b.Tenant));
        return list;
    }

    private static SortedDictionary<string, long> Sorted(ConcurrentDictionary<string, long> counts)
        => new(counts, StringComparer.Ordinal);

    private sealed class TenantUsage
    {
        private readonly Lock _lock = new();
        private long _requests;
        private long _prompt;
        private long _completion;
        private decimal _cost;
        private long _unpriced;

        public void Add(UsageInfo usage, decimal? cost)
        {
            lock (_lock)
            {
                _requests++;
                _prompt += usage.PromptTokens;
                _completion += usage.CompletionTokens;
                if (cost is { } c)
                {
                    _cost += c;
                }
                else
                {
                    _unpriced++;
                }
            }
        }

        public TenantUsageReport Report(string tenant)
        {
            lock (_lock)
            {
                return new TenantUsageReport(tenant, _requests, _prompt, _completion, _prompt + _completion, _cost, _unpriced);
            }
        }
    }
}
