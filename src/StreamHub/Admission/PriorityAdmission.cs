using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>
/// The pool of concurrent upstream streams, handed out strictly by priority, fairly across tenants and
/// from bounded queues. It is a <see cref="PartitionedRateLimiter{TResource}"/> rather than a plain
/// <see cref="RateLimiter"/> because the resource (tenant and priority) decides where a request queues
/// and who goes next, which a plain limiter never sees. One permit = one stream.
/// </summary>
/// <remarks>
/// <para>Order: a free slot goes to the waiter with the best effective priority (critical, high,
/// normal, low; a waiter rises one tier per <see cref="AdmissionOptions.AgingInterval"/> waited). Within a
/// tier, tenants take turns (round-robin; a tenant that starts waiting joins the end of the current round)
/// and each tenant's own requests go in arrival order.</para>
/// <para>Backpressure rule: with <c>limit = max(1, floor(threshold × pool))</c>, a request whose effective
/// priority is not critical starts only while <c>active &lt; limit</c>; a critical one starts while
/// <c>active &lt; pool</c>. Because the limit is at least 1, an idle pool always starts whoever waits.
/// Aging counts: a request aged into critical may use the headroom, which is what keeps low from
/// starving under sustained load.</para>
/// <para>Aging is applied whenever the limiter is touched (acquire, release, resize, snapshot), not on a
/// timer of its own, so an aged waiter that could use the critical headroom starts at the next event.</para>
/// <para>Queue positions: the first <see cref="PositionUpdateLimit"/> positions are kept current after
/// every queue change; a waiter further back hears its position once when it joins and again when it
/// moves into that window. Notifications run outside the lock, one batch at a time, so each waiter hears
/// its positions in order.</para>
/// </remarks>
internal sealed partial class PriorityAdmission : PartitionedRateLimiter<AdmissionTicket>
{
    /// <summary>How many leading queue positions are kept current for position callbacks.</summary>
    internal const int PositionUpdateLimit = 100;

    private const int TierCount = 4;
    private static readonly TimeSpan MinRetryAfter = TimeSpan.FromSeconds(1);
    private static readonly TimerCallback OnTimeoutCallback = static state => ((Waiter)state!).Owner.OnTimeout((Waiter)state!);
    private static readonly Action<object?, CancellationToken> OnCanceledCallback = static (state, token) => ((Waiter)state!).Owner.OnCanceled((Waiter)state!, token);

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TierQueue[] _tiers = [new(), new(), new(), new()];
    private readonly AgeList[] _ageLists = new AgeList[TierCount * TierCount];
    private readonly int[] _queuedByPriority = new int[TierCount];
    private readonly int[] _queueLimits = new int[TierCount];
    private readonly List<TenantQueue> _round = [];
    private readonly List<Waiter> _pendingNotifications = [];
    private readonly List<(IProgress<int> Progress, int Position)> _notificationBatch = [];

    private int _poolSize;
    private int _backpressureLimit;
    private TimeSpan _maxQueueWait;
    private TimeSpan _agingInterval;
    private int _active;
    private int _queued;
    private long _nextSeq;
    private bool _queueChanged;
    private bool _notifying;
    private bool _disposed;
    private long _successfulLeases;
    private long _failedLeases;
    private TimeSpan _averageHold = MinRetryAfter;

    public PriorityAdmission(AdmissionOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        for (var i = 0; i < _ageLists.Length; i++)
        {
            _ageLists[i] = new AgeList();
        }

        ApplyLimits(options);
    }

    /// <summary>
    /// Changes pool size, queue limits, threshold and timings at run time. Permits already held stay held:
    /// after a shrink nothing starts until active drops under the new limits; after a grow waiters start at
    /// once. Shorter queue limits reject new arrivals but keep those already waiting. A new
    /// <see cref="AdmissionOptions.MaxQueueWait"/> applies to requests that queue from now on.
    /// </summary>
    public void UpdateLimits(AdmissionOptions options)
    {
        Waiter? started;
        bool notify;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ApplyLimits(options);
            started = Advance(_time.GetTimestamp());
            notify = ClaimNotifications();
        }

        Start(started);
        Notify(notify);
    }

    public override RateLimiterStatistics? GetStatistics(AdmissionTicket resource)
    {
        lock (_lock)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = Math.Max(0, _poolSize - _active),
                CurrentQueuedCount = _queued,
                TotalSuccessfulLeases = _successfulLeases,
                TotalFailedLeases = _failedLeases,
            };
        }
    }

    /// <summary>The pool, the queues and every waiter with its age and position.</summary>
    public AdmissionSnapshot Snapshot()
    {
        Waiter? started;
        bool notify;
        AdmissionSnapshot snapshot;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            started = _disposed ? null : Advance(now);
            notify = ClaimNotifications();
            var entries = new List<QueuedRequest>(_queued);
            WalkInOrder(int.MaxValue, entries, now);
            snapshot = new AdmissionSnapshot(
                _poolSize,
                _active,
                _backpressureLimit,
                _active >= _backpressureLimit,
                (int[])_queuedByPriority.Clone(),
                entries);
        }

        Start(started);
        Notify(notify);
        return snapshot;
    }

    protected override RateLimitLease AttemptAcquireCore(AdmissionTicket resource, int permitCount)
    {
        var tier = CheckArguments(resource, permitCount);
        Waiter? started;
        bool notify;
        AdmissionLease lease;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetTimestamp();
            started = Advance(now);
            notify = ClaimNotifications();
            lease = CanStart(tier)
                ? Grant(now)
                : Reject(ErrorCodes.QueueFull, $"no free stream slot for {Name(tier)} requests", tier);
        }

        Start(started);
        Notify(notify);
        return lease;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(AdmissionTicket resource, int permitCount, CancellationToken cancellationToken)
    {
        var tier = CheckArguments(resource, permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
        }

        Waiter? started;
        Waiter? waiter = null;
        AdmissionLease? lease = null;
        bool notify;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _time.GetTimestamp();

            // Start whoever may start first: then "free slot and nobody eligible ahead" is just CanStart.
            started = Advance(now);
            if (CanStart(tier))
            {
                lease = Grant(now);
            }
            else if (_queuedByPriority[tier] >= _queueLimits[tier])
            {
                lease = Reject(
                    ErrorCodes.QueueFull,
                    $"the {Name(tier)} queue holds {_queueLimits[tier]} requests",
                    tier);
            }
            else
            {
                waiter = new Waiter(this, resource, tier, ++_nextSeq, now, _maxQueueWait);
                Enlist(waiter);
                RefreshPositions();
                if (waiter.Position == 0)
                {
                    // Beyond the tracked window: tell it where it stands once.
                    waiter.Position = PositionOf(waiter);
                    ScheduleNotification(waiter);
                }
            }

            notify = ClaimNotifications();
        }

        Start(started);
        if (waiter is not null)
        {
            Arm(waiter, cancellationToken);
        }

        Notify(notify);
        return waiter is null ? new ValueTask<RateLimitLease>(lease!) : new ValueTask<RateLimitLease>(waiter.Task);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing)
            {
                CloseQueues();
            }
        }
        finally
        {
            base.Dispose(disposing);
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        CloseQueues();
        return base.DisposeAsyncCore();
    }

    // Waiters still queued at shutdown get a shutting_down rejection rather than a task that never ends.
    private void CloseQueues()
    {
        Waiter? closed = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var tier in _tiers)
            {
                while (tier.Cursor is { } queue)
                {
                    var waiter = queue.Head!;
                    Delist(waiter);
                    waiter.State = WaiterState.Closed;
                    waiter.NextStarted = closed;
                    closed = waiter;
                }
            }
        }

        var rejection = new AdmissionRejection(ErrorCodes.ShuttingDown, "the service is shutting down", MinRetryAfter);
        for (var waiter = closed; waiter is not null; waiter = waiter.NextStarted)
        {
            Disarm(waiter, unregister: true);
            waiter.TrySetResult(AdmissionLease.Rejected(rejection));
        }
    }

    /// <summary>Returns a lease's permit; called once per lease by <see cref="AdmissionLease"/>.</summary>
    internal void Release(AdmissionLease lease)
    {
        Waiter? started = null;
        bool notify;
        lock (_lock)
        {
            _active--;
            var now = _time.GetTimestamp();

            // A running average of how long streams hold a permit makes the retry hints honest.
            _averageHold += (_time.GetElapsedTime(lease.StartedAt, now) - _averageHold) / 8;
            if (!_disposed)
            {
                started = Advance(now);
            }

            notify = ClaimNotifications();
        }

        Start(started);
        Notify(notify);
    }

    private static int CheckArguments(AdmissionTicket resource, int permitCount)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        if ((uint)resource.Priority >= TierCount)
        {
            throw new ArgumentOutOfRangeException(nameof(resource), resource.Priority, "Unknown priority.");
        }

        return (int)resource.Priority;
    }

    private static string Name(int tier) => tier switch
    {
        0 => "critical",
        1 => "high",
        2 => "normal",
        _ => "low",
    };

    private void ApplyLimits(AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new AdmissionOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(AdmissionOptions.SectionName, typeof(AdmissionOptions), result.Failures);
        }

        _poolSize = options.MaxConcurrentStreams;

        // The epsilon keeps 0.8 × 10 at 8 despite binary floating point.
        _backpressureLimit = Math.Max(1, (int)Math.Floor((options.BackpressureThreshold * _poolSize) + 1e-9));
        _maxQueueWait = options.MaxQueueWait;
        _agingInterval = options.AgingInterval;
        for (var tier = 0; tier < TierCount; tier++)
        {
            _queueLimits[tier] = options.QueueLimits[(Priority)tier];
        }
    }
}
