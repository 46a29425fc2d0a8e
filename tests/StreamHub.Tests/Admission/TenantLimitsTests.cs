using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;

namespace StreamHub.Tests.Admission;

public sealed class TenantLimitsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TenantLimits _limits;

    public TenantLimitsTests() => _limits = new TenantLimits(_time);

    [Fact]
    public void TryAcquire_RequestsPerMinuteUsed_RateLimitedUntilWindowEnds()
    {
        var settings = new TenantLimitSettings(RequestsPerMinute: 2, TokensPerMinute: null, MaxConcurrentStreams: null);
        Assert.True(_limits.TryAcquire("a", settings, 10, out var first, out _));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(_limits.TryAcquire("a", settings, 10, out var second, out _));
        first.Dispose();
        second.Dispose();

        Assert.False(_limits.TryAcquire("a", settings, 10, out _, out var rejection));
        Assert.Equal(ErrorCodes.RateLimited, rejection.Code);
        Assert.Equal(TimeSpan.FromSeconds(40), rejection.RetryAfter);
        Assert.Contains("2 requests per minute", rejection.Message, StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(40) - TimeSpan.FromTicks(1));
        Assert.False(_limits.TryAcquire("a", settings, 10, out _, out rejection));
        Assert.Equal(TimeSpan.FromTicks(1), rejection.RetryAfter);

        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(_limits.TryAcquire("a", settings, 10, out var rolled, out _));
        rolled.Dispose();
    }

    [Fact]
    public void TryAcquire_OtherTenantExhausted_Unaffected()
    {
        var settings = new TenantLimitSettings(1, null, null);
        Assert.True(_limits.TryAcquire("a", settings, 0, out _, out _));
        Assert.False(_limits.TryAcquire("a", settings, 0, out _, out _));

        Assert.True(_limits.TryAcquire("b", settings, 0, out _, out _));
    }

    [Fact]
    public void TryAcquire_TokenEstimateOverBudget_RateLimitedWithWindowRetryAfter()
    {
        var settings = new TenantLimitSettings(null, TokensPerMinute: 100, null);
        Assert.True(_limits.TryAcquire("a", settings, 60, out _, out _));
        _time.Advance(TimeSpan.FromSeconds(45));

        Assert.False(_limits.TryAcquire("a", settings, 50, out _, out var rejection));

        Assert.Equal(ErrorCodes.RateLimited, rejection.Code);
        Assert.Equal(TimeSpan.FromSeconds(15), rejection.RetryAfter);
        Assert.Contains("100 tokens per minute", rejection.Message, StringComparison.Ordinal);
        Assert.True(_limits.TryAcquire("a", settings, 40, out _, out _));
    }

    [Fact]
    public void Correct_ActualBelowEstimate_FreesTokensInSameWindow()
    {
        var settings = new TenantLimitSettings(null, 100, null);
        Assert.True(_limits.TryAcquire("a", settings, 90, out var lease, out _));
        Assert.False(_limits.TryAcquire("a", settings, 50, out _, out _));

        lease.Correct(30);

        Assert.True(_limits.TryAcquire("a", settings, 50, out _, out _));
        Assert.False(_limits.TryAcquire("a", settings, 21, out _, out _));
    }

    [Fact]
    public void Correct_OverrunAfterWindowRolled_ChargedToCurrentWindow()
    {
        var settings = new TenantLimitSettings(null, 100, null);
        Assert.True(_limits.TryAcquire("a", settings, 10, out var lease, out _));
        _time.Advance(TimeSpan.FromSeconds(70));

        // 80 tokens beyond the estimate were spent now: they count against the window that starts now.
        lease.Correct(90);

        Assert.True(_limits.TryAcquire("a", settings, 20, out _, out _));
        Assert.False(_limits.TryAcquire("a", settings, 1, out _, out var rejection));
        Assert.Equal(TimeSpan.FromSeconds(60), rejection.RetryAfter);
    }

    [Fact]
    public void Correct_UnderrunAfterWindowRolled_RefundsNothing()
    {
        var settings = new TenantLimitSettings(null, 100, null);
        Assert.True(_limits.TryAcquire("a", settings, 90, out var lease, out _));
        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.True(_limits.TryAcquire("a", settings, 80, out _, out _));

        lease.Correct(0);

        Assert.False(_limits.TryAcquire("a", settings, 30, out _, out _));
    }

    [Fact]
    public void TryAcquire_SingleRequestOverWholeBudget_AdmittedIntoEmptyWindow()
    {
        var settings = new TenantLimitSettings(null, 100, null);

        Assert.True(_limits.TryAcquire("a", settings, 500, out _, out _));
        Assert.False(_limits.TryAcquire("a", settings, 0, out _, out _));
    }

    [Fact]
    public void TryAcquire_ConcurrencyFull_RateLimitedUntilALeaseIsDisposed()
    {
        var settings = new TenantLimitSettings(null, null, MaxConcurrentStreams: 1);
        Assert.True(_limits.TryAcquire("a", settings, 0, out var lease, out _));

        Assert.False(_limits.TryAcquire("a", settings, 0, out _, out var rejection));
        Assert.Equal(ErrorCodes.RateLimited, rejection.Code);
        Assert.Equal(TenantLimits.ConcurrencyRetryAfter, rejection.RetryAfter);

        lease.Dispose();
        lease.Dispose();
        Assert.True(_limits.TryAcquire("a", settings, 0, out _, out _));
        Assert.False(_limits.TryAcquire("a", settings, 0, out _, out _));
    }

    [Fact]
    public void TryAcquire_SeveralLimitsHit_RetryAfterIsTheLongest()
    {
        var settings = new TenantLimitSettings(RequestsPerMinute: 1, null, MaxConcurrentStreams: 1);
        Assert.True(_limits.TryAcquire("a", settings, 0, out _, out _));
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.False(_limits.TryAcquire("a", settings, 0, out _, out var rejection));

        Assert.Equal(TimeSpan.FromSeconds(30), rejection.RetryAfter);
    }

    [Fact]
    public void TryAcquire_Unlimited_AlwaysAdmits()
    {
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(_limits.TryAcquire("a", TenantLimitSettings.Unlimited, 1_000_000, out _, out _));
        }
    }

    [Fact]
    public void TryAcquire_RejectedRequest_ChargesNothing()
    {
        var settings = new TenantLimitSettings(RequestsPerMinute: 2, TokensPerMinute: 100, MaxConcurrentStreams: 1);
        Assert.True(_limits.TryAcquire("a", settings, 50, out var lease, out _));
        Assert.False(_limits.TryAcquire("a", settings, 10, out _, out _));
        lease.Dispose();

        Assert.True(_limits.TryAcquire("a", settings, 50, out _, out _));
    }
}
