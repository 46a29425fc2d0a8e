using System.Threading.RateLimiting;

namespace StreamHub.Admission;

/// <summary>
/// The in-process admission: one pool of concurrent upstream streams, handed out strictly by priority,
/// fairly across tenants and from bounded queues. One permit = one stream. It is a
/// <see cref="PartitionedRateLimiter{TResource}"/> rather than a plain <see cref="RateLimiter"/> because the
/// resource (tenant and priority) decides where a request queues and who goes next.
/// </summary>
/// <remarks>
/// <para>This class is the thread-safe front and nothing more. Who may start is <see cref="AdmissionRule"/>
/// (strict tiers, backpressure headroom, aging); the line is <see cref="AdmissionQueue"/> (round-robin across
/// tenants per tier, arrival order per tenant); the moves on both are <see cref="AdmissionScheduler"/>;
/// <c>Queued</c> positions are <see cref="QueuePositions"/>.</para>
/// <para>Every change goes through one sequence (<c>Change</c>): the move under the lock, then the waiters' tasks,
/// timers and position callbacks outside it.</para>
/// </remarks>
internal sealed class PriorityAdmission : PartitionedRateLimiter<AdmissionTicket>, IStreamAdmission
{
    /// <summary>How many leading queue positions are kept current for position callbacks.</summary>
    internal const int PositionUpdateLimit = QueuePositions.TrackedLimit;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly AdmissionScheduler _scheduler;
    private readonly QueuePositions _positions;
    private readonly TimerCallback _onTimeout;
    private readonly Action<object?, CancellationToken> _onCanceled;
    private volatile AdmissionOptions _limits;

    public PriorityAdmission(AdmissionOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _limits = options;
        _scheduler = new AdmissionScheduler(new AdmissionRule(options), timeProvider, Release);
        _positions = new QueuePositions(_lock, _scheduler.Queue, _scheduler.Order);
        _onTimeout = state => Change((Waiter)state!, static (scheduler, waiter, _) => scheduler.TimeOut(waiter));
        _onCanceled = (state, _) => Change((Waiter)state!, static (scheduler, waiter, _) => scheduler.Cancel(waiter));
    }

    /// <inheritdoc/>
    public AdmissionOptions Limits => _limits;

    /// <inheritdoc/>
    public void UpdateLimits(AdmissionOptions options)
    {
        Change(options, static (scheduler, options, now) =>
        {
            ThrowIfClosed(scheduler);
            scheduler.Resize(new AdmissionRule(options), now);
        });
        _limits = options;
    }

    public override RateLimiterStatistics? GetStatistics(AdmissionTicket resource)
    {
        lock (_lock)
        {
            return _scheduler.Statistics();
        }
    }

    /// <inheritdoc/>
    public AdmissionSnapshot Snapshot() => Change(0, static (scheduler, _, now) => scheduler.Snapshot(now));

    protected override RateLimitLease AttemptAcquireCore(AdmissionTicket resource, int permitCount)
    {
        var tier = CheckArguments(resource, permitCount);
        return Change(tier, static (scheduler, tier, now) =>
        {
            ThrowIfClosed(scheduler);
            return scheduler.TryStart(tier, now);
        });
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(AdmissionTicket resource, int permitCount, CancellationToken cancellationToken)
    {
        var tier = CheckArguments(resource, permitCount);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RateLimitLease>(cancellationToken);
        }

        return Change((resource, tier, cancellationToken), static (scheduler, arrival, now) =>
        {
            ThrowIfClosed(scheduler);
            return scheduler.Admit(arrival.resource, arrival.tier, now, arrival.cancellationToken);
        });
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            if (disposing)
            {
                Close();
            }
        }
        finally
        {
            base.Dispose(disposing);
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Close();
        return base.DisposeAsyncCore();
    }

    private static int CheckArguments(AdmissionTicket resource, int permitCount)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        if ((uint)resource.Priority >= AdmissionRule.Tiers)
        {
            throw new ArgumentOutOfRangeException(nameof(resource), resource.Priority, "Unknown priority.");
        }

        return (int)resource.Priority;
    }

    private static void ThrowIfClosed(AdmissionScheduler scheduler) =>
        ObjectDisposedException.ThrowIf(scheduler.Closed, typeof(PriorityAdmission));

    private void Close() => Change(0, static (scheduler, _, _) => scheduler.Close());

    /// <summary>Returns a lease's permit; each lease calls it once, on its first dispose.</summary>
    private void Release(AdmissionLease lease) => Change(lease, static (scheduler, lease, now) => scheduler.Return(lease, now));

    private void Change<TArg>(TArg arg, Action<AdmissionScheduler, TArg, long> move) =>
        Change((arg, move), static (scheduler, call, now) =>
        {
            call.move(scheduler, call.arg, now);
            return true;
        });

    /// <summary>
    /// The one way the admission changes. Under the lock: the move (which ages waiters and starts whoever may
    /// start wherever its meaning needs it), then the tracked positions brought up to date and claimed for
    /// delivery. Outside it: the waiters that left the line get their outcome, a newcomer's timeout and
    /// cancellation are armed, and positions are delivered. Outside because a timer or a token that fires at
    /// once, and a caller's position callback, must never run inside the lock.
    /// </summary>
    private TResult Change<TArg, TResult>(TArg arg, Func<AdmissionScheduler, TArg, long, TResult> move)
    {
        TResult result;
        Waiter? completed;
        Waiter? arrival;
        bool deliver;
        lock (_lock)
        {
            result = move(_scheduler, arg, _time.GetTimestamp());
            _positions.Refresh();
            arrival = _scheduler.TakeArrival();
            if (arrival is not null)
            {
                _positions.Place(arrival);
            }

            completed = _scheduler.TakeCompleted();
            deliver = _positions.Claim();
        }

        while (completed is not null)
        {
            var next = completed.NextCompleted;
            completed.NextCompleted = null;
            completed.Complete();
            completed = next;
        }

        if (arrival is not null)
        {
            Arm(arrival);
        }

        _positions.Deliver(deliver);
        return result;
    }

    /// <summary>Sets a newcomer's wait timeout and cancellation; either may fire at once.</summary>
    private void Arm(Waiter waiter)
    {
        var timer = _time.CreateTimer(_onTimeout, waiter, waiter.MaxWait, Timeout.InfiniteTimeSpan);
        var registration = waiter.CancellationToken.CanBeCanceled
            ? waiter.CancellationToken.UnsafeRegister(_onCanceled, waiter)
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
            // Whoever took it out of the line saw neither yet: they are ours to undo.
            timer.Dispose();
            registration.Unregister();
        }
    }
}
