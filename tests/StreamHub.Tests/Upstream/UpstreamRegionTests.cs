using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The region's own breaker, on a fake clock: what counts toward it and what still opens it.</summary>
public sealed class UpstreamRegionTests
{
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void RecordFailure_NotCounted_RecordedWhileBreakerStaysClosed()
    {
        var region = Region(threshold: 2);
        region.RecordFailure("first");
        for (var i = 0; i < 3; i++)
        {
            region.RecordFailure("again", counts: false);
        }

        var health = region.Snapshot();
        Assert.Equal(CircuitState.Closed, region.CircuitState);
        Assert.Equal((1, 4L, "again"), (health.ConsecutiveFailures, health.Failures, health.LastError));

        region.RecordFailure("second");
        Assert.Equal(CircuitState.Open, region.CircuitState);
    }

    [Fact]
    public void RecordFailure_NotCountedOnTheHalfOpenTrial_ReopensBreaker()
    {
        var region = Region(threshold: 1);
        region.RecordFailure("boom");
        _time.Advance(BreakDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(CircuitState.HalfOpen, region.CircuitState);
        Assert.True(region.TryBeginAttempt());

        region.RecordFailure("boom again", counts: false);

        Assert.Equal(CircuitState.Open, region.CircuitState);
        Assert.False(region.TryBeginAttempt());
    }

    private UpstreamRegion Region(int threshold) => new(
        new RegionOptions { Name = "r0", BaseUrl = "http://127.0.0.1:9/v1" },
        new UpstreamBreakerOptions { FailureThreshold = threshold, BreakDuration = BreakDuration },
        _time,
        NullLogger.Instance);
}
