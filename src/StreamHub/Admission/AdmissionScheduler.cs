using System.Threading.RateLimiting;
using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>
/// The admission's state and the moves that change it: permits held, the waiting line, the rule in force.
/// Single-threaded and deterministic for a given clock reading: <see cref="PriorityAdmission"/> makes every
/// move under its lock, then completes outside it the waiters that left the line (<see cref="TakeCompleted"/>)
/// and arms the one that joined (<see cref="TakeArrival"/>).
/// </summary>
/// <remarks>
/// Aging is applied, and whoever may start is started, whenever the admission is touched by an arrival, a
/// returned permit, new limits or a snapshot (<see cref="Advance"/>), not on a timer of its own: an aged
/// waiter that could use the critical headroom starts at the next such event. Cancels and timeouts only
/// take a waiter out.
/// </remarks>
internal sealed class AdmissionScheduler
{
    private readonly TimeProvider _time;
    private readonly PermitPool _pool;
    private Waiter? _completedHead;
    private Waiter? _completedTail;
    private Waiter? _arrival;
    private long _nextSeq;

    /// <param name="rule">The limits to start with.</param>
    /// <param name="time">The clock of every timestamp passed in.</param>
    /// <param name="release">What each granted lease calls, once, to return its permit.</param>
    public AdmissionScheduler(AdmissionRule rule, TimeProvider time, Action<AdmissionLease> release)
    {
        Rule = rule;
        _time = time;
        _pool = new PermitPool(time, release);
        Queue = new AdmissionQueue(time);
        Order = new StartOrder(Queue, time);
    }

    public AdmissionRule Rule { get; private set; }

    public AdmissionQueue Queue { get; }

    public StartOrder Order { get; }

    /// <summary>Permits held; may exceed the pool just after a shrink.</summary>
    public int Active => _pool.Active;

    /// <summary>Set once the admission is disposed: nothing starts any more.</summary>
    public bool Closed { get; private set; }

    /// <summary>New limits. Permits already held stay held; waiters start at once if the new limits allow.</summary>
    public void Resize(AdmissionRule rule, long now)
    {
        Rule = rule;
        Advance(now);
    }

    /// <summary>An arrival: a permit now, a rejection (queue full) or a place in the line.</summary>
    public ValueTask<RateLimitLease> Admit(AdmissionTicket ticket, int tier, long now, CancellationToken cancellationToken)
    {
        // Start whoever may start first: then "free slot and nobody eligible ahead" is just CanStart.
        Advance(now);
        if (Rule.CanStart(tier, Active))
        {
            return new ValueTask<RateLimitLease>(_pool.Grant(now));
        }

        if (Queue.Requested(tier) >= Rule.QueueLimit(tier))
        {
            var full = $"the {AdmissionRule.Name(tier)} queue holds {Rule.QueueLimit(tier)} requests";
            return new ValueTask<RateLimitLease>(Reject(ErrorCodes.QueueFull, full, tier));
        }

        var waiter = new Waiter(ticket, tier, ++_nextSeq, now, Rule.MaxQueueWait, cancellationToken);
        Queue.Enlist(waiter);
        _arrival = waiter;
        return new ValueTask<RateLimitLease>(waiter.Task);
    }

    /// <summary>An arrival that will not wait: a permit now or a rejection.</summary>
    public AdmissionLease TryStart(int tier, long now)
    {
        Advance(now);
        return Rule.CanStart(tier, Active)
            ? _pool.Grant(now)
            : Reject(ErrorCodes.QueueFull, $"no free stream slot for {AdmissionRule.Name(tier)} requests", tier);
    }

    /// <summary>A permit comes back; whoever may start now does.</summary>
    public void Return(AdmissionLease lease, long now)
    {
        _pool.Return(lease, now);
        Advance(now);
    }

    public void Cancel(Waiter waiter)
    {
        if (waiter.State == WaiterState.Queued)
        {
            Queue.Delist(waiter);
            Leave(waiter, WaiterState.Canceled, null);
        }
    }

    public void TimeOut(Waiter waiter)
    {
        if (waiter.State == WaiterState.Queued)
        {
            Queue.Delist(waiter);
            var reason = $"waited {AdmissionRejection.Seconds(waiter.MaxWait)} s in the {AdmissionRule.Name(waiter.Requested)} queue";
            Leave(waiter, WaiterState.TimedOut, Reject(ErrorCodes.QueueTimeout, reason, waiter.Requested));
        }
    }

    /// <summary>Shutdown: waiters get a shutting_down rejection rather than a task that never ends.</summary>
    public void Close()
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        var rejection = new AdmissionRejection(ErrorCodes.ShuttingDown, "the service is shutting down", AdmissionRule.MinRetryAfter);
        for (var tier = 0; tier < AdmissionRule.Tiers; tier++)
        {
            while (Queue.Tier(tier).Cursor is { } tenant)
            {
                var waiter = tenant.Head!;
                Queue.Delist(waiter);
                Leave(waiter, WaiterState.Closed, AdmissionLease.Rejected(rejection));
            }
        }
    }

    /// <summary>The pool, the queues and every waiter with its age and position, after aging.</summary>
    public AdmissionSnapshot Snapshot(long now)
    {
        Advance(now);
        var backpressure = Active >= Rule.BackpressureLimit;
        return new AdmissionSnapshot(Rule.PoolSize, Active, Rule.BackpressureLimit, backpressure, Queue.RequestedCounts(), Order.Describe(now));
    }

    public RateLimiterStatistics Statistics() => _pool.Statistics(Rule, Queue.Count);

    /// <summary>The waiters that left the line since the last call, in the order they left, as a chain.</summary>
    public Waiter? TakeCompleted()
    {
        var head = _completedHead;
        _completedHead = _completedTail = null;
        return head;
    }

    /// <summary>The waiter that joined the line since the last call, if any.</summary>
    public Waiter? TakeArrival()
    {
        var arrival = _arrival;
        _arrival = null;
        return arrival;
    }

    /// <summary>Ages waiters, then starts as many as the rule allows, each the one whose turn it is.</summary>
    private void Advance(long now)
    {
        if (Closed || Queue.Count == 0)
        {
            return;
        }

        Queue.Promote(now, Rule);
        while (Rule.NextTier(Queue.WaitingByTier, Active) is var tier && tier >= 0)
        {
            Leave(Queue.TakeTurn(tier), WaiterState.Granted, _pool.Grant(now));
        }
    }

    // The retry hint counts everyone waiting at or above the request's own priority.
    private AdmissionLease Reject(string code, string reason, int tier) => _pool.Reject(code, reason, Rule, Queue.RequestedUpTo(tier));

    private void Leave(Waiter waiter, WaiterState state, AdmissionLease? outcome)
    {
        waiter.State = state;
        waiter.Lease = outcome;
        if (_completedTail is null)
        {
            _completedHead = waiter;
        }
        else
        {
            _completedTail.NextCompleted = waiter;
        }

        _completedTail = waiter;
    }
}
