using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// <c>Upstream:Hedging</c> against real emulators: a region slow to its first token races the next one, the
/// first token wins, every other attempt is cancelled at once. The emulators run on real time, the client on
/// the fake clock, so only the test decides when the hedge delay and the first-token timeout pass.
/// </summary>
public sealed class UpstreamClientHedgingTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FirstToken = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(100);
    private static readonly IReadOnlyList<string> Answer = EmulatorText.Tokens("hello", 12);

    [Theory]
    [InlineData("ttft-ms=60000")]
    [InlineData("header-delay-ms=60000")]
    public async Task StreamAsync_HedgingAndPrimarySlow_SecondRegionWinsAndPrimaryCancelledAtOnce(string slow)
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript([slow]);

        await using var e = h.Stream("hello").GetAsyncEnumerator();
        var first = e.MoveNextAsync().AsTask();
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(Delay);
        h.Clock.Advance(Delay - Margin);
        Assert.Equal(0, h.RequestCount(1));
        Assert.False(first.IsCompleted);

        h.Clock.Advance(Margin * 2);
        Assert.True(await first.WaitAsync(Timeout));
        Assert.Equal(Answer[0], e.Current.Text);

        // The primary's request ends while the winner is still being read, not when it finishes.
        await Waits.EventuallyAsync(() => h.Emulators[0].State.OpenStreams == 0, "r0 to drop the losing request", TimeSpan.FromSeconds(1));
        Assert.Equal(1, h.Emulators[0].State.GetStats().AbortedStreams);

        var texts = new List<string> { e.Current.Text! };
        while (await e.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            if (e.Current.Text is { } text)
            {
                texts.Add(text);
            }
        }

        Assert.Equal(Answer, texts);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));

        // Losing a race is not the region's fault.
        var primary = h.Regions.Regions[0].Snapshot();
        Assert.Equal(0, primary.Failures);
        Assert.Equal(0, primary.ConsecutiveFailures);
        Assert.Equal(0, primary.ActiveStreams);
        Assert.Equal("closed", primary.State);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_HedgingAndPrimaryFast_NoHedgeStarted()
    {
        await using var h = await StartAsync();

        await using var e = h.Stream("hello").GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync().AsTask().WaitAsync(Timeout));

        // Well past the hedge delay once the first token is in: the race is over (no hedge delay is armed any
        // more), so nothing may start.
        await h.Clock.WaitUntilNotArmedAsync(Delay);
        h.Clock.Advance(Delay * 3);
        var texts = new List<string> { e.Current.Text! };
        while (await e.MoveNextAsync().AsTask().WaitAsync(Timeout))
        {
            if (e.Current.Text is { } text)
            {
                texts.Add(text);
            }
        }

        Assert.Equal(Answer, texts);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(0, h.RequestCount(1));
    }

    [Fact]
    public async Task StreamAsync_HedgingDisabledAndPrimarySlow_OnlyFirstTokenTimeoutEndsIt()
    {
        await using var h = await StartAsync(enabled: false);
        h.Emulators[0].State.SetScript(["ttft-ms=60000"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(FirstToken);
        h.Clock.Advance(FirstToken - Margin);
        Assert.Equal(0, h.RequestCount(1));
        Assert.False(read.IsCompleted);
        Assert.Equal(1, h.Emulators[0].State.OpenStreams);

        // The first-token timeout fails the attempt; the retry fails over to the other region.
        h.Clock.Advance(Margin * 2);
        var (chunks, error) = await read.WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
        Assert.Equal(1, h.Regions.Regions[0].Snapshot().Failures);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_HedgeFailsWhilePrimaryRuns_RaceGoesOnAndPrimaryWins()
    {
        // No retry: a race that ended on the hedge's failure would surface it as the request's error.
        await using var h = await StartAsync(configure: o => o.Retry.MaxAttempts = 1);
        h.Emulators[0].State.SetScript(["ttft-ms=1500"]);
        h.Emulators[1].State.SetScript(["status=500"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitForTimerAsync(Delay);
        h.Clock.Advance(Delay + Margin);
        await h.WaitForRequestsAsync(1, 1);
        await Waits.EventuallyAsync(() => h.Regions.Regions[1].Snapshot().Failures == 1, "the hedge on r1 to fail");
        Assert.False(read.IsCompleted);

        var (chunks, error) = await read.WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_HedgingAndCallerCancelsDuringRace_EveryAttemptEnds()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(["ttft-ms=60000"]);
        h.Emulators[1].State.SetScript(["header-delay-ms=60000"]);
        using var cts = new CancellationTokenSource();

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello", cts.Token));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitForTimerAsync(Delay);
        h.Clock.Advance(Delay + Margin);
        await h.WaitForRequestsAsync(1, 1);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Timeout));
        await h.AssertUpstreamIdleAsync();
        Assert.All(h.Regions.Regions, r => Assert.Equal(0, r.Snapshot().Failures));
    }

    [Fact]
    public async Task StreamAsync_HedgeAndPrimaryRejectRequest_InvalidRequestWithoutRetry()
    {
        await using var h = await StartAsync(regions: 3, configure: o => o.Hedging.MaxHedges = 2);
        h.Emulators[0].State.SetScript(["header-delay-ms=300 status=400"]);
        h.Emulators[1].State.SetScript(["status=400"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitForTimerAsync(Delay);
        h.Clock.Advance(Delay + Margin);
        var (_, error) = await read.WaitAsync(Timeout);

        // A rejected request is rejected everywhere: no further hedge (r2 was free), no retry.
        Assert.Equal(ErrorCodes.InvalidRequest, error?.Code);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
        Assert.Equal(0, h.RequestCount(2));
    }

    [Theory]
    [InlineData("00:00:00", 1, "Upstream:Hedging:Delay")]
    [InlineData("00:00:02", 0, "Upstream:Hedging:MaxHedges")]
    [InlineData("00:00:02", 11, "Upstream:Hedging:MaxHedges")]
    [InlineData("00:01:00", 1, "Upstream:Hedging:Delay must be shorter than Upstream:Timeouts:FirstToken")]
    public void Validate_BadHedgingSetting_FailsNamingTheKey(string delay, int maxHedges, string expected)
    {
        var options = new UpstreamOptions
        {
            Hedging = { Enabled = true, Delay = TimeSpan.Parse(delay, System.Globalization.CultureInfo.InvariantCulture), MaxHedges = maxHedges },
        };

        var result = new UpstreamOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<UpstreamHarness> StartAsync(bool enabled = true, int regions = 2, Action<UpstreamOptions>? configure = null)
        => UpstreamHarness.StartAsync(regions, o =>
        {
            o.Timeouts.FirstToken = FirstToken;
            o.Hedging.Enabled = enabled;
            o.Hedging.Delay = Delay;
            o.Hedging.MaxHedges = 1;
            configure?.Invoke(o);
        });
}
