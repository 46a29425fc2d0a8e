using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class PriorityAdmissionRandomizedTests
{
    private sealed record Pending(string Id, Priority Priority, DateTimeOffset EnqueuedAt, Task<RateLimitLease> Task, CancellationTokenSource? Cancel, PositionRecorder Positions)
    {
        public bool CancelRequested { get; set; }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(20240601)]
    public async Task RandomOperations_FixedSeed_NeverExceedPoolAndEndWithEverythingFree(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider();
        var pool = 4;
        var threshold = 0.75;
        using var admission = new PriorityAdmission(Options(pool, threshold: 0.75, queueLimit: 20), time);
        var pending = new List<Pending>();
        var held = new List<RateLimitLease>();
        var nextId = 0;

        for (var step = 0; step < 5000; step++)
        {
            var heldBefore = held.Count;
            var roll = random.Next(100);
            if (roll < 40)
            {
                var id = $"r{nextId++}";
                var ticket = Ticket(id, (Priority)random.Next(4), $"t{random.Next(5)}", new PositionRecorder());
                var cancel = random.Next(2) == 0 ? new CancellationTokenSource() : null;
                var task = admission.AcquireAsync(ticket, 1, cancel?.Token ?? default).AsTask();
                pending.Add(new Pending(id, ticket.Priority, time.GetUtcNow(), task, cancel, (PositionRecorder)ticket.QueuePosition!));
            }
            else if (roll < 55)
            {
                var cancelable = pending.FindAll(p => p.Cancel is not null && !p.CancelRequested);
                if (cancelable.Count > 0)
                {
                    var victim = cancelable[random.Next(cancelable.Count)];
                    victim.CancelRequested = true;
                    await victim.Cancel!.CancelAsync();
                }
            }
            else if (roll < 85)
            {
                if (held.Count > 0)
                {
                    var index = random.Next(held.Count);
                    var lease = held[index];
                    held.RemoveAt(index);
                    lease.Dispose();
                    if (random.Next(10) == 0)
                    {
                        lease.Dispose();
                    }
                }
            }
            else if (roll < 90)
            {
                pool = random.Next(1, 9);
                threshold = random.Next(1, 5) / 4.0;
                admission.UpdateLimits(Options(pool, threshold, queueLimit: random.Next(0, 30)));
            }
            else if (roll < 97)
            {
                time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 5000)));
            }
            else
            {
                var lease = admission.AttemptAcquire(Ticket($"a{nextId++}", Priority.Critical));
                if (lease.IsAcquired)
                {
                    held.Add(lease);
                }
            }

            // Backpressure: a non-critical start leaves at most `limit` active, plus critical starts after it.
            var limit = Math.Max(1, (int)Math.Floor((threshold * pool) + 1e-9));
            var (critical, other) = Harvest(pending, held, time.GetUtcNow());
            Assert.True(other == 0 || held.Count - critical <= limit, $"step {step}: non-critical start above the threshold");
            var snapshot = admission.Snapshot();
            (critical, other) = Harvest(pending, held, time.GetUtcNow());
            Assert.True(other == 0 || held.Count - critical <= limit, $"step {step}: non-critical start above the threshold");

            Assert.Equal(held.Count, snapshot.Active);
            Assert.True(held.Count <= Math.Max(pool, heldBefore), $"step {step}: {held.Count} active in a pool of {pool}");
            Assert.Equal(pending.Count, snapshot.Entries.Count);
            Assert.Equal(pending.Count, admission.Queued());

            // Work-conserving: whoever still waits could not have started.
            if (snapshot.Entries.Count > 0)
            {
                Assert.True(
                    snapshot.Active >= snapshot.PoolSize
                    || (snapshot.Active >= snapshot.BackpressureLimit && snapshot.Entries[0].EffectivePriority != Priority.Critical),
                    $"step {step}: a waiter could have started");
            }

            // The tracked window of positions is always current for the waiter that owns it.
            var positions = new Dictionary<string, int>();
            foreach (var entry in snapshot.Entries)
            {
                positions[entry.RequestId] = entry.Position;
            }

            foreach (var waiter in pending)
            {
                var position = positions[waiter.Id];
                if (position <= PriorityAdmission.PositionUpdateLimit)
                {
                    Assert.Equal(position, waiter.Positions.Last);
                }
            }
        }

        admission.UpdateLimits(Options(pool: 8, threshold: 1, queueLimit: 30));
        while (pending.Count > 0 || held.Count > 0)
        {
            foreach (var lease in held)
            {
                lease.Dispose();
            }

            held.Clear();
            Harvest(pending, held, time.GetUtcNow());
        }

        var end = admission.Snapshot();
        Assert.Equal(0, end.Active);
        Assert.Empty(end.Entries);
        Assert.Equal([0, 0, 0, 0], end.QueuedByPriority);
        Assert.Equal(8, admission.Available());
    }

    [Fact]
    public async Task ConcurrentAcquireCancelRelease_ManyThreads_EndWithEveryPermitFree()
    {
        var time = new FakeTimeProvider();
        using var admission = new PriorityAdmission(Options(pool: 3, threshold: 0.7, queueLimit: 10_000), time);
        var maxActive = 0;
        var active = 0;

        async Task Worker(int seed)
        {
            var random = new Random(seed);
            for (var i = 0; i < 300; i++)
            {
                using var cancel = new CancellationTokenSource();
                var ticket = Ticket($"{seed}-{i}", (Priority)random.Next(4), $"t{random.Next(3)}");
                var acquiring = admission.AcquireAsync(ticket, 1, cancel.Token).AsTask();
                if (random.Next(4) == 0)
                {
                    await cancel.CancelAsync();
                }

                RateLimitLease lease;
                try
                {
                    lease = await acquiring.WaitAsync(Wait);
                }
                catch (OperationCanceledException)
                {
                    continue;
                }

                Assert.True(lease.IsAcquired);
                var now = Interlocked.Increment(ref active);
                InterlockedMax(ref maxActive, now);
                await Task.Yield();
                Interlocked.Decrement(ref active);
                lease.Dispose();
            }
        }

        await Task.WhenAll(Enumerable.Range(1, 6).Select(seed => Task.Run(() => Worker(seed)))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(maxActive, 1, 3);
        Assert.Equal(3, admission.Available());
        Assert.Equal(0, admission.Queued());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Collects finished waiters; returns how many started with a critical and a lower effective priority.</summary>
    private static (int Critical, int Other) Harvest(List<Pending> pending, List<RateLimitLease> held, DateTimeOffset now)
    {
        var critical = 0;
        var other = 0;
        for (var i = pending.Count - 1; i >= 0; i--)
        {
            var waiter = pending[i];
            if (!waiter.Task.IsCompleted)
            {
                continue;
            }

            pending.RemoveAt(i);
            waiter.Cancel?.Dispose();
            if (waiter.Task.IsCanceled)
            {
                Assert.True(waiter.CancelRequested, $"{waiter.Id} canceled without being asked");
                continue;
            }

            // Cancellation runs synchronously here, so a waiter asked to cancel must never get a permit.
            Assert.False(waiter.CancelRequested, $"{waiter.Id} ended {waiter.Task.Status} after cancel");
            var lease = waiter.Task.Result;
            if (lease.IsAcquired)
            {
                held.Add(lease);
                var aged = (int)Math.Min((int)waiter.Priority, (now - waiter.EnqueuedAt).Ticks / TimeSpan.FromSeconds(10).Ticks);
                if (waiter.Priority - aged == Priority.Critical)
                {
                    critical++;
                }
                else
                {
                    other++;
                }
            }
            else
            {
                Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
                Assert.Contains(rejection.Code, new[] { ErrorCodes.QueueFull, ErrorCodes.QueueTimeout });
            }
        }

        return (critical, other);
    }
}
