using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>Status answers before the first token: what is retried, when, and what the caller is told.</summary>
public sealed class UpstreamClientRetryTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;
    private static readonly IReadOnlyList<string> Answer = EmulatorText.Tokens("hello", 12);

    [Fact]
    public async Task StreamAsync_429WithRetryAfter_RetriesAfterThatDelayAndNotSooner()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["status=429 retry-after=2"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(TimeSpan.FromSeconds(2));
        h.Clock.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.Equal(1, h.RequestCount(0));
        Assert.False(read.IsCompleted);

        h.Clock.Advance(TimeSpan.FromMilliseconds(150));
        var (chunks, error) = await read.WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(2, h.RequestCount(0));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_429WithRetryAfterMs_HonoursMilliseconds()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["status=429 retry-after-ms=1500"]);

        var read = UpstreamHarness.ReadAllAsync(h.Stream("hello"));
        await h.WaitForRequestsAsync(0, 1);
        await h.Clock.WaitUntilArmedAsync(TimeSpan.FromMilliseconds(1500));
        h.Clock.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.Equal(1, h.RequestCount(0));

        h.Clock.Advance(TimeSpan.FromMilliseconds(150));
        var (chunks, error) = await read.WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(2, h.RequestCount(0));
    }

    [Fact]
    public async Task StreamAsync_429WithRetryAfterAndAnotherRegion_FailsOverWithoutWaiting()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2);
        h.Emulators[0].State.SetScript(["status=429 retry-after=30"]);

        // The fake clock never moves: a wait for the Retry-After would hang here.
        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
    }

    [Fact]
    public async Task StreamAsync_RetryAfterLongerThanMaxRetryAfter_FailsAtOnceWithHint()
    {
        await using var h = await UpstreamHarness.StartAsync(configure: o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));
        h.Emulators[0].State.SetScript(["status=429 retry-after=120"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Empty(chunks);
        Assert.Equal(ErrorCodes.UpstreamUnavailable, error?.Code);
        Assert.Contains("retry in 120 s", error!.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(1, h.RequestCount(0));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_RetryAfterTooLongAndAnotherRegion_FailsOver()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2, configure: o => o.Retry.MaxRetryAfter = TimeSpan.FromSeconds(60));
        h.Emulators[0].State.SetScript(["status=429 retry-after=120"]);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(Answer, UpstreamHarness.Texts(chunks));
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(1, h.RequestCount(1));
    }

    [Fact]
    public async Task StreamAsync_400_NotRetriedInvalidRequest()
    {
        await using var h = await UpstreamHarness.StartAsync(regions: 2);
        h.Emulators[0].State.SetScript(["status=400"]);

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.InvalidRequest, error?.Code);
        Assert.Equal(1, h.RequestCount(0));
        Assert.Equal(0, h.RequestCount(1));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_401_NotRetriedAndKeyNeverShown()
    {
        await using var h = await UpstreamHarness.StartAsync();
        h.Emulators[0].State.SetScript(["status=401"]);

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.UpstreamError, error?.Code);
        Assert.DoesNotContain(UpstreamHarness.ApiKey(0), error!.Message, StringComparison.Ordinal);
        Assert.Contains("ApiKey of region r0", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.RequestCount(0));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_Persistent500_StopsAtMaxAttempts()
    {
        await using var h = await UpstreamHarness.StartAsync(configure: o => o.Retry.MaxAttempts = 3);
        h.Emulators[0].State.SetScript(["status=500", "status=500", "status=500", "status=500", "status=500"]);

        var (_, error) = await h.DriveAsync(UpstreamHarness.ReadAllAsync(h.Stream("hello")));

        Assert.Equal(ErrorCodes.UpstreamError, error?.Code);
        Assert.Equal(3, h.RequestCount(0));
        await h.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamAsync_RegionWithApiKey_SendsBearerKey()
    {
        await using var h = await UpstreamHarness.StartAsync();

        var (_, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        var request = Assert.Single(h.Emulators[0].State.GetRequests());
        Assert.Equal("Bearer " + UpstreamHarness.ApiKey(0), request.Authorization);
        Assert.True(request.Stream);
        Assert.Equal("emulator-1", request.Model);
    }
}
