using System.Globalization;
using System.Net.Http.Headers;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Turns what went wrong with a region into a contract code and a sentence for the caller: an HTTP status
/// with its <c>Retry-After</c>, an exception, a bad event, no region left, a stream broken after its first
/// token. Pure (no I/O, no clock, no state), so every rule here is testable without an upstream. Owns the one
/// rule of whether another attempt may help and after how long: <see cref="ScopeOf"/>,
/// <see cref="ShouldRetry"/>, <see cref="RetryDelay"/>.
/// </summary>
internal static class UpstreamFailureClassifier
{
    private static readonly TimeSpan OverloadedHint = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NoRegionHint = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The retry rule. A transient failure is retried after exactly the upstream's <c>Retry-After</c> (never
    /// sooner) when that is at most <paramref name="maxRetryAfter"/>; a longer wait is not honoured here (the
    /// request ends with the hint), but a region the request has not tried yet may still take it at once.
    /// </summary>
    public static RetryScope ScopeOf(bool transient, TimeSpan? retryAfter, TimeSpan maxRetryAfter) =>
        !transient ? RetryScope.None
        : retryAfter > maxRetryAfter ? RetryScope.UntriedRegion
        : RetryScope.AnyRegion;

    /// <summary>Whether the retry makes another attempt after <paramref name="failure"/>.</summary>
    public static bool ShouldRetry(UpstreamAttemptException failure, bool hasUntried) => failure.Retry switch
    {
        RetryScope.AnyRegion => true,
        RetryScope.UntriedRegion => hasUntried,
        _ => false,
    };

    /// <summary>
    /// The wait before the next attempt: none when an untried region can take it (a <c>Retry-After</c> speaks
    /// for the region that sent it, not for the others), else the upstream's <c>Retry-After</c> exactly, else
    /// null: the backoff with jitter.
    /// </summary>
    public static TimeSpan? RetryDelay(UpstreamAttemptException? failure, bool hasUntried) =>
        hasUntried ? TimeSpan.Zero : failure?.RetryAfter;

    /// <summary>Whole seconds, rounded up, as the caller reads them.</summary>
    public static string RetryIn(TimeSpan wait) =>
        "retry in " + Math.Ceiling(wait.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) + " s";

    /// <summary>The upstream's retry hint: <c>retry-after-ms</c> (OpenAI) first, then <c>Retry-After</c> as seconds or a date.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("retry-after-ms", out var values))
        {
            foreach (var value in values)
            {
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
                {
                    return TimeSpan.FromMilliseconds(ms);
                }
            }
        }

        return headers.RetryAfter switch
        {
            { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
            { Date: { } date } => date - now < TimeSpan.Zero ? TimeSpan.Zero : date - now,
            _ => null,
        };
    }

    /// <summary>A status other than success; <paramref name="detail"/> is the upstream's own message, already scrubbed.</summary>
    public static UpstreamAttemptException FromStatus(int status, string region, TimeSpan? retryAfter, string? detail, TimeSpan maxRetryAfter)
    {
        var said = detail is null ? "" : ": " + detail;
        var retry = ScopeOf(transient: true, retryAfter, maxRetryAfter);
        return status switch
        {
            429 or 529 or 503 => new(
                ErrorCodes.UpstreamUnavailable,
                $"region {region} is overloaded ({status}){said}; {RetryIn(retryAfter ?? OverloadedHint)}",
                retry,
                countsAgainstRegion: true,
                retryAfter),
            408 or 504 => new(ErrorCodes.UpstreamTimeout, $"region {region} timed out ({status}){said}", retry, countsAgainstRegion: true, retryAfter),
            >= 500 => new(ErrorCodes.UpstreamError, $"region {region} failed ({status}){said}", retry, countsAgainstRegion: true, retryAfter),
            400 or 413 or 422 => new(
                ErrorCodes.InvalidRequest, $"the upstream rejected the request ({status}){said}", RetryScope.None, countsAgainstRegion: false),
            // The region does not know the model under the name it was sent (Upstream:Regions:N:Models): another
            // region may, and it says nothing about the region's health.
            404 => new(
                ErrorCodes.UpstreamError,
                $"region {region} does not serve the model it was asked for (404){said}; an operator must check its Upstream:Regions:N:Models",
                RetryScope.UntriedRegion,
                countsAgainstRegion: false),
            401 or 403 => new(
                ErrorCodes.UpstreamError,
                $"region {region} refused StreamHub's credentials ({status}); an operator must check the ApiKey of region {region} (Upstream:Regions:N:ApiKey)",
                RetryScope.None,
                countsAgainstRegion: false),
            _ => new(ErrorCodes.UpstreamError, $"region {region} answered {status}{said}", RetryScope.None, countsAgainstRegion: false),
        };
    }

    /// <summary>An exception before the first token; <paramref name="firstTokenTimedOut"/>: the first-token watchdog fired.</summary>
    public static UpstreamAttemptException FromException(Exception ex, string region, bool firstTokenTimedOut, UpstreamTimeouts timeouts) => ex switch
    {
        UpstreamAttemptException attempt => attempt,
        OperationCanceledException when firstTokenTimedOut => new(
            ErrorCodes.UpstreamTimeout,
            $"region {region} produced no token within {timeouts.FirstToken.TotalSeconds:0.#} s",
            RetryScope.AnyRegion,
            countsAgainstRegion: true),
        OperationCanceledException or TimeoutException => new(
            ErrorCodes.UpstreamTimeout,
            $"region {region} did not accept a connection within {timeouts.Connect.TotalSeconds:0.#} s",
            RetryScope.AnyRegion,
            countsAgainstRegion: true,
            inner: ex),
        HttpRequestException http => new(
            ErrorCodes.UpstreamUnavailable, $"region {region} could not be reached ({http.HttpRequestError})", RetryScope.AnyRegion, countsAgainstRegion: true, inner: ex),
        IOException => new(
            ErrorCodes.UpstreamInterrupted, $"region {region} dropped the connection before the first token", RetryScope.AnyRegion, countsAgainstRegion: true, inner: ex),
        _ => new(ErrorCodes.UpstreamError, $"region {region} failed: {ex.GetType().Name}", RetryScope.None, countsAgainstRegion: true, inner: ex),
    };

    /// <summary>
    /// An event before the first token that is no answer: malformed, an upstream error (<paramref name="error"/>,
    /// scrubbed), or null when the body ended first.
    /// </summary>
    public static UpstreamAttemptException FromEvent(string region, UpstreamChunk? chunk, string? error) => chunk switch
    {
        null => new(ErrorCodes.UpstreamInterrupted, $"region {region} closed the stream before the first token", RetryScope.AnyRegion, countsAgainstRegion: true),
        { IsMalformed: true } => new(ErrorCodes.UpstreamError, $"region {region} sent an event that is not valid JSON", RetryScope.AnyRegion, countsAgainstRegion: true),
        _ => new(ErrorCodes.UpstreamError, $"region {region} reported an error: {error}", RetryScope.AnyRegion, countsAgainstRegion: true),
    };

    /// <summary>
    /// No region (of <paramref name="model"/>, when given) can take an attempt now; <paramref name="soonestReopen"/>:
    /// when an open breaker allows a trial.
    /// </summary>
    public static UpstreamAttemptException NoRegion(TimeSpan? soonestReopen, string? model = null)
    {
        var wait = soonestReopen ?? NoRegionHint;
        var which = model is null ? "every upstream region" : $"every region serving model '{model}'";
        return new(ErrorCodes.UpstreamUnavailable, $"{which} is unavailable; {RetryIn(wait)}", RetryScope.None, countsAgainstRegion: false, wait);
    }

    /// <summary>The total timeout ran out before any region produced a first token.</summary>
    public static StreamHubException TotalBeforeFirstToken(UpstreamTimeouts timeouts) => new(
        ErrorCodes.UpstreamTimeout,
        $"no region produced a first token within the total limit of {timeouts.Total.TotalSeconds:0.#} s; retry later");

    /// <summary>
    /// A read that threw after <paramref name="delivered"/> tokens: the total timeout, the idle watchdog
    /// (<paramref name="idleTimedOut"/>) or a broken connection.
    /// </summary>
    public static StreamBreak MidStream(Exception ex, string region, int delivered, bool totalTimedOut, bool idleTimedOut, UpstreamTimeouts timeouts)
    {
        if (totalTimedOut)
        {
            return new(
                new(ErrorCodes.UpstreamTimeout, $"the answer exceeded the total limit of {timeouts.Total.TotalSeconds:0.#} s after {delivered} tokens"),
                RegionFault: null);
        }

        if (ex is OperationCanceledException && idleTimedOut)
        {
            return new(
                new(ErrorCodes.UpstreamTimeout, $"region {region} sent nothing for {timeouts.Idle.TotalSeconds:0.#} s after {delivered} tokens"),
                RegionFault: "stalled mid-stream");
        }

        return Interrupted("the upstream connection broke", delivered);
    }

    /// <summary>An event after the first token that ends the stream early: as in <see cref="FromEvent"/>.</summary>
    public static StreamBreak MidStream(UpstreamChunk? chunk, string? error, int delivered) => Interrupted(
        chunk switch
        {
            null => "the upstream closed the stream before it finished",
            { IsMalformed: true } => "the upstream sent an event that is not valid JSON",
            _ => "the upstream reported an error: " + error,
        },
        delivered);

    private static StreamBreak Interrupted(string what, int delivered) => new(
        new(ErrorCodes.UpstreamInterrupted, $"{what} after {delivered} tokens; the text so far is incomplete, ask again"),
        RegionFault: what);
}
