using Microsoft.Extensions.Time.Testing;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

public sealed class IdleWatchdogTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    [Fact]
    public void ReadStarted_NoEventForIdle_CancelsExactlyThen()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new IdleWatchdog(new CancellationTokenSource(), Idle, time);

        watchdog.ReadStarted();
        time.Advance(Idle - TimeSpan.FromMilliseconds(1));
        Assert.False(watchdog.TimedOut);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watchdog.TimedOut);
    }

    [Fact]
    public void ReadStarted_AfterTheCallerTookLongerThanIdle_CountsFromTheReadOnly()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new IdleWatchdog(new CancellationTokenSource(), Idle, time);

        // The caller's own pace between reads (backpressure) is never the upstream's silence.
        time.Advance(TimeSpan.FromSeconds(73));
        Assert.False(watchdog.TimedOut);

        watchdog.ReadStarted();
        time.Advance(Idle - TimeSpan.FromMilliseconds(1));
        Assert.False(watchdog.TimedOut);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(watchdog.TimedOut);
    }

    [Fact]
    public void ReadEnded_EventsKeepComingWithinIdle_NeverCancels()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new IdleWatchdog(new CancellationTokenSource(), Idle, time);

        for (var i = 0; i < 50; i++)
        {
            watchdog.ReadStarted();
            time.Advance(TimeSpan.FromSeconds(9));
            watchdog.ReadEnded();
            time.Advance(TimeSpan.FromSeconds(3));
        }

        Assert.False(watchdog.TimedOut);
    }

    [Fact]
    public void Dispose_WhileReading_ReleasesTheReadsTokenSourceAndTheTimerIsHarmless()
    {
        var time = new FakeTimeProvider();
        var reads = new CancellationTokenSource();
        var watchdog = new IdleWatchdog(reads, Idle, time);

        watchdog.ReadStarted();
        watchdog.Dispose();
        time.Advance(Idle * 2);

        Assert.Throws<ObjectDisposedException>(() => reads.Token.WaitHandle);
    }
}
