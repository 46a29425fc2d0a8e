using Microsoft.Extensions.Options;
using StreamHub.Admission;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class AdmissionRuleTests
{
    [Fact]
    public void NextTier_CriticalAndHighWaiting_PicksCritical()
    {
        var rule = new AdmissionRule(Options(pool: 4));

        Assert.Equal(0, rule.NextTier([1, 1, 0, 0], active: 0));
    }

    [Fact]
    public void NextTier_OnlyLowWaiting_PicksLow()
    {
        var rule = new AdmissionRule(Options(pool: 4));

        Assert.Equal(3, rule.NextTier([0, 0, 0, 2], active: 3));
    }

    [Fact]
    public void NextTier_NobodyWaiting_ReturnsNone()
    {
        var rule = new AdmissionRule(Options(pool: 4));

        Assert.Equal(-1, rule.NextTier([0, 0, 0, 0], active: 0));
    }

    [Fact]
    public void NextTier_PoolFull_ReturnsNoneEvenForCritical()
    {
        var rule = new AdmissionRule(Options(pool: 4));

        Assert.Equal(-1, rule.NextTier([1, 0, 0, 0], active: 4));
    }

    [Fact]
    public void NextTier_HighBlockedByBackpressure_LowerTiersDoNotJumpAhead()
    {
        var rule = new AdmissionRule(Options(pool: 10, threshold: 0.8));

        Assert.Equal(-1, rule.NextTier([0, 1, 0, 5], active: 8));
        Assert.Equal(1, rule.NextTier([0, 1, 0, 5], active: 7));
    }

    [Fact]
    public void NextTier_CriticalAboveBackpressureLimit_UsesTheHeadroom()
    {
        var rule = new AdmissionRule(Options(pool: 10, threshold: 0.8));

        Assert.Equal(0, rule.NextTier([1, 1, 0, 0], active: 9));
    }

    [Fact]
    public void BackpressureLimit_PointEightOfTen_IsEightDespiteFloatingPoint()
    {
        Assert.Equal(8, new AdmissionRule(Options(pool: 10, threshold: 0.8)).BackpressureLimit);
    }

    [Fact]
    public void CanStart_TinyThresholdIdlePool_StartsAnyTierButOnlyCriticalAfterwards()
    {
        var rule = new AdmissionRule(Options(pool: 4, threshold: 0.1));

        Assert.Equal(1, rule.BackpressureLimit);
        Assert.True(rule.CanStart(3, active: 0));
        Assert.False(rule.CanStart(3, active: 1));
        Assert.True(rule.CanStart(0, active: 3));
    }

    [Theory]
    [InlineData(3, 0, 3)]
    [InlineData(3, 9_999, 3)]
    [InlineData(3, 10_000, 2)]
    [InlineData(3, 25_000, 1)]
    [InlineData(3, 100_000, 0)]
    [InlineData(1, 100_000, 0)]
    [InlineData(0, 100_000, 0)]
    public void EffectiveTier_Waited_RisesOneTierPerAgingInterval(int requested, int waitedMs, int expected)
    {
        var rule = new AdmissionRule(Options());

        Assert.Equal(expected, rule.EffectiveTier(requested, TimeSpan.FromMilliseconds(waitedMs)));
    }

    [Fact]
    public void RetryAfter_FiveAheadPoolOfTwo_IsThreeHolds()
    {
        var rule = new AdmissionRule(Options(pool: 2));

        Assert.Equal(TimeSpan.FromSeconds(3), rule.RetryAfter(5, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void RetryAfter_Estimates_StayWithinOneSecondAndMaxQueueWait()
    {
        var rule = new AdmissionRule(Options(pool: 1));

        Assert.Equal(TimeSpan.FromSeconds(1), rule.RetryAfter(0, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(30), rule.RetryAfter(1000, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void Constructor_BadOptions_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new AdmissionRule(Options(pool: 0)));

        Assert.Contains("Admission:MaxConcurrentStreams", error.Message, StringComparison.Ordinal);
    }
}
