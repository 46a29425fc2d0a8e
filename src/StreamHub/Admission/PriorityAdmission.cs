using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StreamHub.Streaming;

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

    private bool CanStart(int tier) => _active < _poolSize && (tier == 0 || _active < _backpressureLimit);

    private AdmissionLease Grant(long now)
    {
        _active++;
        _successfulLeases++;
        return new AdmissionLease(this, now);
    }

    private AdmissionLease Reject(string code, string reason, int tier)
    {
        _failedLeases++;
        var retryAfter = EstimateRetryAfter(tier);
        return AdmissionLease.Rejected(new AdmissionRejection(
            code,
            $"{reason}; retry in {AdmissionRejection.Seconds(retryAfter)} s",
            retryAfter));
    }

    // A hint, not a promise: the time for the pool to work through the requests at or above this priority,
    // at the average hold time, rounded up to whole seconds and kept within [1 s, MaxQueueWait].
    private TimeSpan EstimateRetryAfter(int tier)
    {
        var ahead = 0;
        for (var i = 0; i <= tier; i++)
        {
            ahead += _queuedByPriority[i];
        }

        var rounds = (ahead / _poolSize) + 1;
        var estimate = TimeSpan.FromSeconds(Math.Ceiling((_averageHold * rounds).TotalSeconds));
        return estimate < MinRetryAfter ? MinRetryAfter : estimate > _maxQueueWait ? _maxQueueWait : estimate;
    }

    /// <summary>Ages waiters and starts as many as the rules allow; returns the started ones as a chain.</summary>
    private Waiter? Advance(long now)
    {
        if (_queued == 0)
        {
            return null;
        }

        Promote(now);
        Waiter? first = null;
        Waiter? last = null;
        while (_queued > 0 && _active < _poolSize)
        {
            var tierIndex = 0;
            while (_tiers[tierIndex].Count == 0)
            {
                tierIndex++;
            }

            if (tierIndex != 0 && _active >= _backpressureLimit)
            {
                break;
            }

            var tier = _tiers[tierIndex];
            var queue = tier.Cursor!;
            var waiter = queue.Head!;
            tier.Cursor = queue.Next;
            Delist(waiter);
            waiter.State = WaiterState.Granted;
            waiter.Lease = Grant(now);
            if (last is null)
            {
                first = waiter;
            }
            else
            {
                last.NextStarted = waiter;
            }

            last = waiter;
        }

        RefreshPositions();
        return first;
    }

    // Moves waiters whose age earned a better tier, oldest first across all lists: each destination age
    // list then stays oldest first, and an older waiter joins its new tier's ring ahead of a younger one.
    private void Promote(long now)
    {
        while (true)
        {
            Waiter? oldest = null;
            var oldestTarget = 0;
            for (var native = 1; native < TierCount; native++)
            {
                for (var tier = 1; tier <= native; tier++)
                {
                    if (AgeListOf(tier, native).Head is { } head
                        && (oldest is null || head.Seq < oldest.Seq)
                        && TargetTier(head, now) is var target
                        && target < tier)
                    {
                        oldest = head;
                        oldestTarget = target;
                    }
                }
            }

            if (oldest is null)
            {
                return;
            }

            AgeListOf(oldest.Tier, oldest.Native).Remove(oldest);
            RemoveFromTier(oldest);
            AddToTier(oldest, oldestTarget);
            AgeListOf(oldestTarget, oldest.Native).Append(oldest);
            _queueChanged = true;
        }
    }

    private int TargetTier(Waiter waiter, long now)
    {
        var steps = _time.GetElapsedTime(waiter.EnqueuedAt, now).Ticks / _agingInterval.Ticks;
        return (int)(waiter.Native - Math.Min(steps, waiter.Native));
    }

    private void RefreshPositions()
    {
        if (_queueChanged)
        {
            _queueChanged = false;
            WalkInOrder(PositionUpdateLimit, null, 0);
        }
    }

    /// <summary>
    /// Visits waiters in the order they would start (no arrivals, no aging): tiers best first, within a tier
    /// round-robin from the cursor. Updates positions, or collects entries when asked to.
    /// </summary>
    private void WalkInOrder(int limit, List<QueuedRequest>? entries, long now)
    {
        var position = 0;
        foreach (var tier in _tiers)
        {
            if (tier.Cursor is not { } start)
            {
                continue;
            }

            _round.Clear();
            var queue = start;
            do
            {
                if (!Visit(queue.Head!, ++position, limit, entries, now))
                {
                    _round.Clear();
                    return;
                }

                queue.Walk = queue.Head!.Next;
                if (queue.Walk is not null)
                {
                    _round.Add(queue);
                }

                queue = queue.Next;
            }
            while (queue != start);

            while (_round.Count > 0)
            {
                var kept = 0;
                for (var i = 0; i < _round.Count; i++)
                {
                    var member = _round[i];
                    var waiter = member.Walk!;
                    if (!Visit(waiter, ++position, limit, entries, now))
                    {
                        _round.Clear();
                        return;
                    }

                    member.Walk = waiter.Next;
                    if (member.Walk is not null)
                    {
                        _round[kept++] = member;
                    }
                }

                _round.RemoveRange(kept, _round.Count - kept);
            }
        }
    }

    private bool Visit(Waiter waiter, int position, int limit, List<QueuedRequest>? entries, long now)
    {
        if (entries is not null)
        {
            entries.Add(new QueuedRequest(
                waiter.Ticket.RequestId,
                waiter.Ticket.Tenant,
                (Priority)waiter.Native,
                (Priority)waiter.Tier,
                _time.GetElapsedTime(waiter.EnqueuedAt, now),
                position));
        }
        else if (waiter.Position != position)
        {
            waiter.Position = position;
            ScheduleNotification(waiter);
        }

        return position < limit;
    }

    // Position of a waiter outside the tracked window, by counting instead of walking everyone: each
    // tenant ahead of it in the ring gets one more turn than its own index, each one behind as many.
    private int PositionOf(Waiter waiter)
    {
        var position = 1;
        for (var i = 0; i < waiter.Tier; i++)
        {
            position += _tiers[i].Count;
        }

        var own = waiter.Queue!;
        var index = 0;
        if (waiter != own.Tail)
        {
            for (var w = own.Head; w != waiter; w = w!.Next)
            {
                index++;
            }
        }
        else
        {
            index = own.Count - 1;
        }

        var start = _tiers[waiter.Tier].Cursor!;
        var before = true;
        var queue = start;
        do
        {
            if (queue == own)
            {
                before = false;
                position += index;
            }
            else
            {
                position += Math.Min(queue.Count, before ? index + 1 : index);
            }

            queue = queue.Next;
        }
        while (queue != start);

        return position;
    }

    private void ScheduleNotification(Waiter waiter)
    {
        if (waiter.Ticket.QueuePosition is not null && !waiter.NotifyPending)
        {
            waiter.NotifyPending = true;
            _pendingNotifications.Add(waiter);
        }
    }

    // Under the lock: whoever finds notifications pending and nobody delivering becomes the deliverer.
    private bool ClaimNotifications()
    {
        if (_notifying || _pendingNotifications.Count == 0)
        {
            return false;
        }

        _notifying = true;
        return true;
    }

    private void Notify(bool claimed)
    {
        if (!claimed)
        {
            return;
        }

        while (true)
        {
            lock (_lock)
            {
                _notificationBatch.Clear();
                foreach (var waiter in _pendingNotifications)
                {
                    waiter.NotifyPending = false;
                    if (waiter.State == WaiterState.Queued && waiter.Position != waiter.ReportedPosition)
                    {
                        waiter.ReportedPosition = waiter.Position;
                        _notificationBatch.Add((waiter.Ticket.QueuePosition!, waiter.Position));
                    }
                }

                _pendingNotifications.Clear();
                if (_notificationBatch.Count == 0)
                {
                    _notifying = false;
                    return;
                }
            }

            foreach (var (progress, position) in _notificationBatch)
            {
                try
                {
                    progress.Report(position);
                }
                catch (Exception)
                {
                    // A caller's broken callback must not cost other waiters their updates.
                }
            }
        }
    }

    /// <summary>Sets the wait timeout and cancellation, outside the lock because either may fire at once.</summary>
    private void Arm(Waiter waiter, CancellationToken cancellationToken)
    {
        var timer = _time.CreateTimer(OnTimeoutCallback, waiter, waiter.MaxWait, Timeout.InfiniteTimeSpan);
        var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(OnCanceledCallback, waiter)
            : default;
        bool stillQueued;
        lock (_lock)
        {
            stillQueued = waiter.State == WaiterState.Queued;
            if (stillQueued)
            {
                waiter.Timer = timer;
                waiter.Registration = registration;
            }
        }

        if (!stillQueued)
        {
            // Whoever took it out of the queue saw neither yet: they are ours to undo.
            timer.Dispose();
            registration.Unregister();
        }
    }

    private static void Disarm(Waiter waiter, bool unregister)
    {
        waiter.Timer?.Dispose();
        if (unregister)
        {
            waiter.Registration.Unregister();
        }
    }

    private static void Start(Waiter? started)
    {
        while (started is not null)
        {
            var next = started.NextStarted;
            started.NextStarted = null;
            Disarm(started, unregister: true);
            started.TrySetResult(started.Lease!);
            started = next;
        }
    }

    private void OnCanceled(Waiter waiter, CancellationToken cancellationToken)
    {
        bool notify;
        lock (_lock)
        {
            if (waiter.State != WaiterState.Queued)
            {
                return;
            }

            Delist(waiter);
            waiter.State = WaiterState.Canceled;
            RefreshPositions();
            notify = ClaimNotifications();
        }

        Disarm(waiter, unregister: false);
        waiter.TrySetCanceled(cancellationToken);
        Notify(notify);
    }

    private void OnTimeout(Waiter waiter)
    {
        bool notify;
        AdmissionLease lease;
        lock (_lock)
        {
            if (waiter.State != WaiterState.Queued)
            {
                return;
            }

            Delist(waiter);
            waiter.State = WaiterState.TimedOut;
            lease = Reject(
                ErrorCodes.QueueTimeout,
                $"waited {AdmissionRejection.Seconds(waiter.MaxWait)} s in the {Name(waiter.Native)} queue",
                waiter.Native);
            RefreshPositions();
            notify = ClaimNotifications();
        }

        Disarm(waiter, unregister: true);
        waiter.TrySetResult(lease);
        Notify(notify);
    }
}
