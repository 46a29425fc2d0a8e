using System.Net.Http.Headers;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The failure classifier and its one retry rule, without an upstream: pure inputs, pure outputs.</summary>
public sealed class UpstreamFailureClassifierTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly UpstreamTimeouts Timeouts = new() { Connect = TimeSpan.FromSeconds(3), FirstToken = TimeSpan.FromSeconds(10), Idle = TimeSpan.FromSeconds(5), Total = TimeSpan.FromSeconds(90) };

    [Theory]
    [InlineData(400, ErrorCodes.InvalidRequest, "None", false)]
    [InlineData(401, ErrorCodes.UpstreamError, "None", false)]
    [InlineData(403, ErrorCodes.UpstreamError, "None", false)]
    [InlineData(404, ErrorCodes.UpstreamError, "UntriedRegion", false)]
    [InlineData(408, ErrorCodes.UpstreamTimeout, "AnyRegion", true)]
    [InlineData(413, ErrorCodes.InvalidRequest, "None", false)]
    [InlineData(422, ErrorCodes.InvalidRequest, "None", false)]
    [InlineData(429, ErrorCodes.UpstreamUnavailable, "AnyRegion", true)]
    [InlineData(500, ErrorCodes.UpstreamError, "AnyRegion", true)]
    [InlineData(502, ErrorCodes.UpstreamError, "AnyRegion", true)]
    [InlineData(503, ErrorCodes.UpstreamUnavailable, "AnyRegion", true)]
    [InlineData(504, ErrorCodes.UpstreamTimeout, "AnyRegion", true)]
    [InlineData(529, ErrorCodes.UpstreamUnavailable, "AnyRegion", true)]
    public void FromStatus_Status_CodeScopeAndBlame(int status, string code, string retry, bool counts)
    {
        var failure = UpstreamFailureClassifier.FromStatus(status, "r0", retryAfter: null, detail: null, Cap);

        Assert.Equal((code, Enum.Parse<RetryScope>(retry), counts), (failure.Code, failure.Retry, failure.CountsAgainstRegion));
        Assert.Null(failure.RetryAfter);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void FromStatus_RefusedCredentials_NamesTheRegionsKeySettingAndHidesTheDetail(int status)
    {
        var failure = UpstreamFailureClassifier.FromStatus(status, "east", null, "bad key [redacted]", Cap);

        Assert.Contains("ApiKey of region east (Upstream:Regions:N:ApiKey)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bad key", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, 0, "retry in 0 s")]
    [InlineData(429, 1200, "retry in 2 s")]
    [InlineData(503, 2000, "retry in 2 s")]
    [InlineData(529, 60_000, "retry in 60 s")]
    public void FromStatus_OverloadedWithRetryAfterWithinCap_RetriedAfterItAndSaysWhen(int status, int ms, string said)
    {
        var wait = TimeSpan.FromMilliseconds(ms);

        var failure = UpstreamFailureClassifier.FromStatus(status, "r0", wait, "slow down", Cap);

        Assert.Equal(RetryScope.AnyRegion, failure.Retry);
        Assert.Equal(wait, failure.RetryAfter);
        Assert.Equal($"region r0 is overloaded ({status}): slow down; {said}", failure.Message);
        Assert.Equal(wait, failure.ToStreamHubException().RetryAfter);
    }

    [Fact]
    public void FromStatus_OverloadedWithoutRetryAfter_SaysOneSecond()
        => Assert.EndsWith("; retry in 1 s", UpstreamFailureClassifier.FromStatus(429, "r0", null, null, Cap).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(504)]
    public void FromStatus_RetryAfterOverCap_OnlyAnUntriedRegionAndTheHintKept(int status)
    {
        var failure = UpstreamFailureClassifier.FromStatus(status, "r0", TimeSpan.FromSeconds(61), null, Cap);

        Assert.Equal(RetryScope.UntriedRegion, failure.Retry);
        Assert.Equal(TimeSpan.FromSeconds(61), failure.RetryAfter);
    }

    [Fact]
    public void FromStatus_RejectedWithRetryAfter_NeitherRetriedNorHinted()
    {
        var failure = UpstreamFailureClassifier.FromStatus(400, "r0", TimeSpan.FromSeconds(5), "bad", Cap);

        Assert.Equal((RetryScope.None, (TimeSpan?)null), (failure.Retry, failure.RetryAfter));
        Assert.Equal("the upstream rejected the request (400): bad", failure.Message);
    }

    [Theory]
    [InlineData("AnyRegion", false, true)]
    [InlineData("AnyRegion", true, true)]
    [InlineData("UntriedRegion", false, false)]
    [InlineData("UntriedRegion", true, true)]
    [InlineData("None", true, false)]
    public void ShouldRetry_ScopeAndUntriedRegion_Decides(string retry, bool hasUntried, bool expected)
        => Assert.Equal(expected, UpstreamFailureClassifier.ShouldRetry(new("x", "m", Enum.Parse<RetryScope>(retry), true), hasUntried));

    [Fact]
    public void RetryDelay_UntriedRegionWaiting_FailsOverAtOnce()
        => Assert.Equal(TimeSpan.Zero, UpstreamFailureClassifier.RetryDelay(Overloaded(TimeSpan.FromSeconds(30)), hasUntried: true));

    [Fact]
    public void RetryDelay_OnlyTriedRegions_HonoursRetryAfterExactlyElseBackoff()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), UpstreamFailureClassifier.RetryDelay(Overloaded(TimeSpan.FromMilliseconds(1500)), hasUntried: false));
        Assert.Null(UpstreamFailureClassifier.RetryDelay(Overloaded(null), hasUntried: false));
        Assert.Null(UpstreamFailureClassifier.RetryDelay(null, hasUntried: false));
    }

    [Theory]
    [InlineData("retry-after", "2", 2000)]
    [InlineData("retry-after", "0", 0)]
    [InlineData("retry-after-ms", "1500", 1500)]
    [InlineData("retry-after-ms", "12.5", 12.5)]
    public void RetryAfterOf_Header_Parsed(string name, string value, double ms)
        => Assert.Equal(TimeSpan.FromMilliseconds(ms), UpstreamFailureClassifier.RetryAfterOf(Headers((name, value)), Now));

    [Fact]
    public void RetryAfterOf_Date_WaitFromNowAndNeverNegative()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), UpstreamFailureClassifier.RetryAfterOf(Headers(("retry-after", Now.AddSeconds(30).ToString("R"))), Now));
        Assert.Equal(TimeSpan.Zero, UpstreamFailureClassifier.RetryAfterOf(Headers(("retry-after", Now.AddSeconds(-30).ToString("R"))), Now));
    }

    [Fact]
    public void RetryAfterOf_MillisecondsAndSeconds_MillisecondsWin()
        => Assert.Equal(TimeSpan.FromMilliseconds(250), UpstreamFailureClassifier.RetryAfterOf(Headers(("retry-after", "9"), ("retry-after-ms", "250")), Now));

    [Theory]
    [InlineData("-5")]
    [InlineData("soon")]
    public void RetryAfterOf_UnusableMilliseconds_FallsBackToRetryAfter(string ms)
        => Assert.Equal(TimeSpan.FromSeconds(3), UpstreamFailureClassifier.RetryAfterOf(Headers(("retry-after", "3"), ("retry-after-ms", ms)), Now));

    [Fact]
    public void RetryAfterOf_NoHeader_Null() => Assert.Null(UpstreamFailureClassifier.RetryAfterOf(Headers(), Now));

    public static TheoryData<Exception, bool, string, string, string> Exceptions => new()
    {
        { new OperationCanceledException(), true, ErrorCodes.UpstreamTimeout, "AnyRegion", "region r0 produced no token within 10 s" },
        { new OperationCanceledException(), false, ErrorCodes.UpstreamTimeout, "AnyRegion", "region r0 did not accept a connection within 3 s" },
        { new TimeoutException(), false, ErrorCodes.UpstreamTimeout, "AnyRegion", "region r0 did not accept a connection within 3 s" },
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused"), false, ErrorCodes.UpstreamUnavailable, "AnyRegion", "region r0 could not be reached (ConnectionError)" },
        { new IOException("reset"), false, ErrorCodes.UpstreamInterrupted, "AnyRegion", "region r0 dropped the connection before the first token" },
        { new InvalidOperationException("bug"), false, ErrorCodes.UpstreamError, "None", "region r0 failed: InvalidOperationException" },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void FromException_Exception_ClassifiedAgainstTheRegion(Exception ex, bool firstTokenTimedOut, string code, string retry, string message)
    {
        var failure = UpstreamFailureClassifier.FromException(ex, "r0", firstTokenTimedOut, Timeouts);

        Assert.Equal((code, Enum.Parse<RetryScope>(retry), message), (failure.Code, failure.Retry, failure.Message));
        Assert.True(failure.CountsAgainstRegion);
    }

    [Fact]
    public void FromException_AlreadyClassified_Unchanged()
    {
        var classified = Overloaded(null);

        Assert.Same(classified, UpstreamFailureClassifier.FromException(classified, "r0", firstTokenTimedOut: true, Timeouts));
    }

    [Fact]
    public void NoRegion_SoonestReopen_UnavailableWithThatHintAndNoBlame()
    {
        var failure = UpstreamFailureClassifier.NoRegion(TimeSpan.FromSeconds(29.2));

        Assert.Equal((ErrorCodes.UpstreamUnavailable, RetryScope.None, false), (failure.Code, failure.Retry, failure.CountsAgainstRegion));
        Assert.Equal("every upstream region is unavailable; retry in 30 s", failure.Message);
        Assert.Equal(TimeSpan.FromSeconds(5), UpstreamFailureClassifier.NoRegion(null).RetryAfter);
    }

    [Fact]
    public void MidStream_TotalTimedOut_TimeoutNotTheRegionsFault()
    {
        var broken = UpstreamFailureClassifier.MidStream(new OperationCanceledException(), "r0", 7, totalTimedOut: true, idleTimedOut: true, Timeouts);

        Assert.Equal((ErrorCodes.UpstreamTimeout, "the answer exceeded the total limit of 90 s after 7 tokens"), (broken.Error.Code, broken.Error.Message));
        Assert.Null(broken.RegionFault);
    }

    [Fact]
    public void MidStream_IdleTimedOut_TimeoutAgainstTheRegion()
    {
        var broken = UpstreamFailureClassifier.MidStream(new OperationCanceledException(), "r0", 3, totalTimedOut: false, idleTimedOut: true, Timeouts);

        Assert.Equal((ErrorCodes.UpstreamTimeout, "region r0 sent nothing for 5 s after 3 tokens"), (broken.Error.Code, broken.Error.Message));
        Assert.Equal("stalled mid-stream", broken.RegionFault);
    }

    [Fact]
    public void MidStream_ConnectionBroke_InterruptedAgainstTheRegion()
    {
        var broken = UpstreamFailureClassifier.MidStream(new IOException(), "r0", 3, totalTimedOut: false, idleTimedOut: false, Timeouts);

        Assert.Equal(ErrorCodes.UpstreamInterrupted, broken.Error.Code);
        Assert.Equal("the upstream connection broke after 3 tokens; the text so far is incomplete, ask again", broken.Error.Message);
        Assert.Equal("the upstream connection broke", broken.RegionFault);
    }

    [Fact]
    public void MidStreamAndFromEvent_BadEvents_SameCauseBeforeAndAfterTheFirstToken()
    {
        UpstreamChunk?[] events = [null, UpstreamChunk.Malformed, new UpstreamChunk { Error = "overloaded" }];
        string[] before = ["region r0 closed the stream before the first token", "region r0 sent an event that is not valid JSON", "region r0 reported an error: overloaded"];
        string[] after = ["the upstream closed the stream before it finished", "the upstream sent an event that is not valid JSON", "the upstream reported an error: overloaded"];

        for (var i = 0; i < events.Length; i++)
        {
            var first = UpstreamFailureClassifier.FromEvent("r0", events[i], events[i]?.Error);
            Assert.Equal((before[i], RetryScope.AnyRegion, true), (first.Message, first.Retry, first.CountsAgainstRegion));
            var broken = UpstreamFailureClassifier.MidStream(events[i], events[i]?.Error, 4);
            Assert.Equal((ErrorCodes.UpstreamInterrupted, after[i]), (broken.Error.Code, broken.RegionFault));
            Assert.StartsWith(after[i] + " after 4 tokens;", broken.Error.Message, StringComparison.Ordinal);
        }
    }

    private static UpstreamAttemptException Overloaded(TimeSpan? retryAfter)
        => new(ErrorCodes.UpstreamUnavailable, "overloaded", RetryScope.AnyRegion, countsAgainstRegion: true, retryAfter);

    private static HttpResponseHeaders Headers(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }
}
