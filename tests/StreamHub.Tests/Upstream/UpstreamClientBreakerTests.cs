using Polly.CircuitBreaker;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>Per-region breakers: when a region is taken out, where requests go meanwhile, how it comes back.</summary>
public sealed class UpstreamClientBreakerTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StreamAsync_FiveFailures_OpensBreakerFailsOverAndTrialCloses()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(Repeat("status=500", 5));
        var primary = h.Regions.Regions[0];

        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(CircuitState.Closed, primary.CircuitState);
            var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
            Assert.Null(error);
            Assert.Equal(i, h.RequestCount(0));
            Assert.Equal(i, h.RequestCount(1));
        }

        Assert.Equal(CircuitState.Open, primary.CircuitState);
        for (var i = 0; i < 2; i++)
        {
            var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
            Assert.Null(error);
        }

        Assert.Equal(5, h.RequestCount(0));
        Assert.Equal(7, h.RequestCount(1));

        h.Clock.Advance(BreakDuration - TimeSpan.FromSeconds(1));
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(5, h.RequestCount(0));

        h.Clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(6, h.RequestCount(0));
        Assert.Equal(8, h.RequestCount(1));
        Assert.Equal(CircuitState.Closed, primary.CircuitState);
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_FiveFailuresAfterASuccess_OpensBreaker()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(["", .. Repeat("status=500", 5)]);

        for (var i = 0; i < 6; i++)
        {
            Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        }

        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(6, h.RequestCount(0));
    }

    [Fact]
    public async Task StreamAsync_MidStreamFailures_CountAgainstRegion()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(Repeat("drop-after=2", 5));

        for (var i = 0; i < 5; i++)
        {
            var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
            Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        }

        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(5, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
    }

    [Fact]
    public async Task StreamAsync_CallerFaults_DoNotCountAgainstRegion()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(Repeat("status=400", 6));

        for (var i = 0; i < 6; i++)
        {
            var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
            Assert.Equal(ErrorCodes.InvalidRequest, error?.Code);
        }

        Assert.Equal(CircuitState.Closed, h.Regions.Regions[0].CircuitState);
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(7, h.RequestCount(0));
        Assert.Equal(0, h.RequestCount(1));
    }

    [Fact]
    public async Task StreamAsync_CallerFaultBetweenFailures_NeitherResetsNorCounts()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript([.. Repeat("status=500", 4), "status=400", "status=500"]);

        for (var i = 0; i < 6; i++)
        {
            await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
        }

        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);
    }

    [Fact]
    public async Task StreamAsync_TrialFails_ReopensForAnotherBreak()
    {
        await using var h = await StartAsync();
        h.Emulators[0].State.SetScript(Repeat("status=500", 6));
        for (var i = 0; i < 5; i++)
        {
            await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
        }

        h.Clock.Advance(BreakDuration + TimeSpan.FromSeconds(1));
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(6, h.RequestCount(0));
        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);

        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
        Assert.Equal(6, h.RequestCount(0));
    }

    [Fact]
    public async Task StreamAsync_EveryRegionOpen_UnavailableWithReopenHint()
    {
        await using var h = await StartAsync(regions: 1);
        h.Emulators[0].State.SetScript(Repeat("status=500", 5));
        for (var i = 0; i < 5; i++)
        {
            await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream("hello")), TimeSpan.FromMilliseconds(100));
        }

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.UpstreamUnavailable, error?.Code);
        Assert.NotNull(error!.RetryAfter);
        Assert.True(error.RetryAfter <= BreakDuration);
        Assert.Equal(5, h.RequestCount(0));
    }

    private static Task<UpstreamHarness> StartAsync(int regions = 2) => UpstreamHarness.StartAsync(regions, o =>
    {
        o.Retry.MaxAttempts = regions == 1 ? 1 : 3;
        o.CircuitBreaker.FailureThreshold = 5;
        o.CircuitBreaker.BreakDuration = BreakDuration;
    });

    private static string[] Repeat(string fault, int count) => Enumerable.Repeat(fault, count).ToArray();
}
