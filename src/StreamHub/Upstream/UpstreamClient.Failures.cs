using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>Turning what went wrong into contract codes: statuses, Retry-After, timeouts, broken streams.</summary>
internal sealed partial class UpstreamClient
{
    private UpstreamAttemptException Classify(Exception ex, UpstreamRegion region, bool firstTokenTimedOut) => ex switch
    {
        UpstreamAttemptException attempt => attempt,
        OperationCanceledException when firstTokenTimedOut => new UpstreamAttemptException(
            ErrorCodes.UpstreamTimeout,
            $"region {region.Name} produced no token within {_options.Timeouts.FirstToken.TotalSeconds:0.#} s",
            retryable: true,
            countsAgainstRegion: true),
        OperationCanceledException or TimeoutException => new UpstreamAttemptException(
            ErrorCodes.UpstreamTimeout,
            $"region {region.Name} did not accept a connection within {_options.Timeouts.Connect.TotalSeconds:0.#} s",
            retryable: true,
            countsAgainstRegion: true,
            inner: ex),
        HttpRequestException http => new UpstreamAttemptException(
            ErrorCodes.UpstreamUnavailable,
            $"region {region.Name} could not be reached ({http.HttpRequestError})",
            retryable: true,
            countsAgainstRegion: true,
            inner: ex),
        IOException => new UpstreamAttemptException(
            ErrorCodes.UpstreamInterrupted,
            $"region {region.Name} dropped the connection before the first token",
            retryable: true,
            countsAgainstRegion: true,
            inner: ex),
        _ => new UpstreamAttemptException(
            ErrorCodes.UpstreamError,
            $"region {region.Name} failed: {ex.GetType().Name}",
            retryable: false,
            countsAgainstRegion: true,
            inner: ex),
    };

    private async Task<UpstreamAttemptException> StatusFailureAsync(UpstreamRegion region, HttpResponseMessage response, CancellationToken token)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterOf(response);
        var detail = await ReadErrorMessageAsync(response, token);
        var said = detail is null ? "" : ": " + _scrubber.Scrub(detail);
        var tooLong = retryAfter > _options.Retry.MaxRetryAfter;
        return status switch
        {
            429 or 529 or 503 => new UpstreamAttemptException(
                ErrorCodes.UpstreamUnavailable,
                $"region {region.Name} is overloaded ({status}){said}; retry in {Seconds(retryAfter ?? TimeSpan.FromSeconds(1))} s",
                retryable: !tooLong,
                countsAgainstRegion: true,
                retryAfter),
            408 or 504 => new UpstreamAttemptException(
                ErrorCodes.UpstreamTimeout, $"region {region.Name} timed out ({status}){said}", retryable: !tooLong, countsAgainstRegion: true, retryAfter),
            >= 500 => new UpstreamAttemptException(
                ErrorCodes.UpstreamError, $"region {region.Name} failed ({status}){said}", retryable: !tooLong, countsAgainstRegion: true, retryAfter),
            400 or 413 or 422 => new UpstreamAttemptException(
                ErrorCodes.InvalidRequest, $"the upstream rejected the request ({status}){said}", retryable: false, countsAgainstRegion: false),
            401 or 403 => new UpstreamAttemptException(
                ErrorCodes.UpstreamError,
                $"region {region.Name} refused StreamHub's credentials ({status}); an operator must check the ApiKey of region {region.Name} (Upstream:Regions:N:ApiKey)",
                retryable: false,
                countsAgainstRegion: false),
            _ => new UpstreamAttemptException(
                ErrorCodes.UpstreamError, $"region {region.Name} answered {status}{said}", retryable: false, countsAgainstRegion: false),
        };
    }

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var values))
        {
            foreach (var value in values)
            {
                if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms >= 0)
                {
                    return TimeSpan.FromMilliseconds(ms);
                }
            }
        }

        if (response.Headers.RetryAfter is { } header)
        {
            if (header.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (header.Date is { } date)
            {
                var wait = date - _timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        return null;
    }

    private static async Task<string?> ReadErrorMessageAsync(HttpResponseMessage response, CancellationToken token)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            if (bytes.Length == 0)
            {
                return null;
            }

            var span = bytes.AsSpan(0, Math.Min(bytes.Length, 8192));
            var chunk = ChunkParser.Parse(span);
            if (chunk.Error is { } message)
            {
                return message;
            }

            var text = System.Text.Encoding.UTF8.GetString(span).Trim();
            return text.Length > 200 ? text[..200] : text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            return null;
        }
    }

    private UpstreamAttemptException NoRegion()
    {
        var wait = _selector.SoonestReopen(_timeProvider) ?? TimeSpan.FromSeconds(5);
        return new UpstreamAttemptException(
            ErrorCodes.UpstreamUnavailable,
            $"every upstream region is unavailable; retry in {Seconds(wait)} s",
            retryable: false,
            countsAgainstRegion: false,
            wait);
    }

    private StreamHubException MidStreamFailure(Exception ex, UpstreamStream stream, CancellationTokenSource total, int delivered)
    {
        if (total.IsCancellationRequested)
        {
            return new StreamHubException(
                ErrorCodes.UpstreamTimeout,
                $"the answer exceeded the total limit of {_options.Timeouts.Total.TotalSeconds:0.#} s after {delivered} tokens");
        }

        if (ex is OperationCanceledException && stream.IdleTimedOut)
        {
            stream.Region.RecordFailure("stalled mid-stream");
            return new StreamHubException(
                ErrorCodes.UpstreamTimeout,
                $"region {stream.Region.Name} sent nothing for {_options.Timeouts.Idle.TotalSeconds:0.#} s after {delivered} tokens");
        }

        return Interrupted(stream.Region, delivered, "the upstream connection broke");
    }

    private StreamHubException Interrupted(UpstreamRegion region, int delivered, string what)
    {
        region.RecordFailure(what);
        Log.Interrupted(_logger, region.Name, delivered, what);
        return new StreamHubException(
            ErrorCodes.UpstreamInterrupted,
            $"{what} after {delivered} tokens; the text so far is incomplete, ask again");
    }
}
