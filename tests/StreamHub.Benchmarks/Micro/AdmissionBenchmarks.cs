using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using StreamHub.Admission;
using StreamHub.Contracts;

namespace StreamHub.Benchmarks.Micro;

/// <summary>
/// <see cref="PriorityAdmission"/> with 4 tiers and 1,000 tenants: a permit from a free pool and back, and a
/// request that queues and is started by a release. The real clock, as in production (each queued request
/// arms a real MaxQueueWait timer); aging and queue timeouts are set to minutes so they never fire during a run.
/// (A FakeTimeProvider was tried first: its own timer bookkeeping is O(timers) and dominated the queued case.)
/// </summary>
[MemoryDiagnoser]
public class AdmissionBenchmarks
{
    private const int Tenants = 1000;
    private AdmissionTicket[] _tickets = [];
    private AdmissionTicket[] _background = [];
    private PriorityAdmission _free = null!;
    private PriorityAdmission _full = null!;
    private RateLimitLease _held = null!;
    private readonly List<Task<RateLimitLease>> _standing = [];
    private int _next;

    /// <summary>Low-priority waiters from 1,000 tenants already queued behind each measured request.</summary>
    [Params(0, 1000)]
    public int QueuedBehind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Tenant t asks at tier t % 3 (critical, high, normal) so it always goes ahead of the low background.
        _tickets = new AdmissionTicket[Tenants * 3];
        for (var i = 0; i < _tickets.Length; i++)
        {
            _tickets[i] = new AdmissionTicket($"r{i}", $"tenant-{i % Tenants}", (Priority)(i % 3));
        }

        _background = new AdmissionTicket[Tenants];
        for (var i = 0; i < Tenants; i++)
        {
            _background[i] = new AdmissionTicket($"bg{i}", $"tenant-{i}", Priority.Low);
        }

        var time = TimeProvider.System;
        _free = new PriorityAdmission(Options(pool: 100_000), time);
        _full = new PriorityAdmission(Options(pool: 1), time);
        _held = _full.AttemptAcquire(_tickets[0]);
        for (var i = 0; i < QueuedBehind; i++)
        {
            _standing.Add(_full.AcquireAsync(_background[i]).AsTask());
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _held.Dispose();
        _free.Dispose();
        _full.Dispose();
    }

    [Benchmark]
    public bool AttemptAcquire_Dispose()
    {
        using var lease = _free.AttemptAcquire(_tickets[Next()]);
        return lease.IsAcquired;
    }

    [Benchmark]
    public bool AcquireAsync_QueuedThenReleased()
    {
        // A queued request's ValueTask wraps the waiter's Task, so AsTask allocates nothing more.
        var pending = _full.AcquireAsync(_tickets[Next()]).AsTask();
        _held.Dispose();

        // The release starts the best waiter at once: the measured request, ahead of the low background.
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("the queued request did not start on release");
        }

        _held = pending.Result;
        return _held.IsAcquired;
    }

    private int Next()
    {
        var i = _next++;
        if (_next == _tickets.Length)
        {
            _next = 0;
        }

        return i;
    }

    private static AdmissionOptions Options(int pool) => new()
    {
        MaxConcurrentStreams = pool,
        BackpressureThreshold = 1.0,
        QueueLimits = new AdmissionQueueLimits { Critical = 100_000, High = 100_000, Normal = 100_000, Low = 100_000 },
        MaxQueueWait = TimeSpan.FromMinutes(30),
        AgingInterval = TimeSpan.FromMinutes(10),
    };
}
