using Polly.CircuitBreaker;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// Played as the attacker: one request whose every attempt fails (one bad prompt, retried) must not take a
/// region out of service for every other caller, while as many failing requests as the threshold still do.
/// </summary>
public sealed class UpstreamClientBreakerAbuseTests
{
    private const int Threshold = 3;
    private const int MaxAttempts = 5;

    // The directive travels in the prompt, so every retry and hedge of the request carries it.
    private const string BadPrompt = "[emulator: status=500] break it";

    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;
    private static readonly IReadOnlyList<string> Answer = EmulatorText.Tokens("hello", 12);

    [Fact]
    public async Task StreamAsync_OneRequestFailsEveryAttempt_BreakerStaysClosedForOtherCallers()
    {
        await using var h = await StartAsync();
        var region = h.Regions.Regions[0];

        var (_, attack) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream(BadPrompt)));

        Assert.Equal(ErrorCodes.UpstreamError, attack?.Code);
        Assert.Equal(MaxAttempts, h.RequestCount(0));
        Assert.Equal(CircuitState.Closed, region.CircuitState);
        var health = region.Snapshot();
        Assert.Equal(1, health.ConsecutiveFailures);
        Assert.Equal(MaxAttempts, health.Failures);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);
        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(MaxAttempts + 1, h.RequestCount(0));
    }

    [Fact]
    public async Task StreamAsync_ThresholdFailingRequests_OpenBreakerForOtherCallers()
    {
        await using var h = await StartAsync();
        for (var i = 0; i < Threshold; i++)
        {
            Assert.Equal(CircuitState.Closed, h.Regions.Regions[0].CircuitState);
            var (_, attack) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream(BadPrompt)));
            Assert.NotNull(attack);
        }

        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);
        var sent = h.RequestCount(0);

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.UpstreamUnavailable, error?.Code);
        Assert.Equal(sent, h.RequestCount(0));
    }

    [Fact]
    public async Task StreamAsync_OneHedgedRequestFailsOnEveryRegion_EachRegionCountsOnce()
    {
        await using var h = await StartAsync(regions: 2, hedging: true);

        var (_, attack) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream(BadPrompt)));

        Assert.NotNull(attack);
        Assert.All([0, 1], i => Assert.Equal(MaxAttempts, h.RequestCount(i)));
        Assert.All(h.Regions.Regions, r => Assert.Equal((CircuitState.Closed, 1), (r.CircuitState, r.Snapshot().ConsecutiveFailures)));
        Assert.Null((await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout)).Error);
    }

    [Fact]
    public async Task StreamAsync_MidStreamBreaksOfDistinctRequests_StillCountEach()
    {
        await using var h = await StartAsync();
        for (var i = 0; i < Threshold; i++)
        {
            var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("[emulator: drop-after=2] hello")).WaitAsync(Timeout);
            Assert.Equal(ErrorCodes.UpstreamInterrupted, error?.Code);
        }

        Assert.Equal(CircuitState.Open, h.Regions.Regions[0].CircuitState);
    }

    private static Task<UpstreamHarness> StartAsync(int regions = 1, bool hedging = false) => UpstreamHarness.StartAsync(regions, o =>
    {
        o.Retry.MaxAttempts = MaxAttempts;
        o.CircuitBreaker.FailureThreshold = Threshold;
        o.CircuitBreaker.BreakDuration = TimeSpan.FromHours(1);
        o.Hedging.Enabled = hedging;
    });
}
