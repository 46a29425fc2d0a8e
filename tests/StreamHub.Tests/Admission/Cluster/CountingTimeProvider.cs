using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers created per due time, so a test can wait until a loop
/// has armed its next wait (the n-th heartbeat delay) before advancing past it.
/// </summary>
internal sealed class CountingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentDictionary<TimeSpan, int> _created = new();

    public CountingTimeProvider()
        : base(DateTimeOffset.UtcNow)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _created.AddOrUpdate(dueTime, 1, static (_, n) => n + 1);
        return base.CreateTimer(callback, state, dueTime, period);
    }

    public int Created(TimeSpan dueTime) => _created.GetValueOrDefault(dueTime);

    /// <summary>Waits (real time, bounded) until at least <paramref name="count"/> timers of <paramref name="dueTime"/> exist.</summary>
    public async Task WaitForTimersAsync(TimeSpan dueTime, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Created(dueTime) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {Created(dueTime)} of {count} timers of {dueTime} were created");
            await Task.Delay(5);
        }
    }
}
