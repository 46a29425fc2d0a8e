using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using Polly;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>One attempt: claim a region, open the stream through its breaker, read up to the first content event.</summary>
internal sealed partial class UpstreamClient
{
    /// <summary>
    /// One retry attempt (with hedging, the first runner of its race): the best region now, through its
    /// breaker, up to its first content event.
    /// </summary>
    private async ValueTask<UpstreamStream> AttemptAsync(ResilienceContext context)
    {
        var state = context.Properties.GetValue(StateKey, null!);
        var region = state.Claim(_selector, hedge: false) ?? throw NoRegion();
        return await RunAttemptAsync(region, state, context.CancellationToken);
    }

    /// <summary>Opens the stream on a claimed region, recording what the race needs to know about the outcome.</summary>
    private async ValueTask<UpstreamStream> RunAttemptAsync(UpstreamRegion region, AttemptState state, CancellationToken token)
    {
        try
        {
            var stream = await OpenOnRegionAsync(region, state.Body, token);
            state.Opened(stream);
            return stream;
        }
        catch (UpstreamAttemptException ex) when (!MayTryElsewhere(ex))
        {
            state.Decide(ex);
            throw;
        }
    }

    /// <summary>Whether another attempt (a retry, a hedge, another region) may still help after this failure.</summary>
    private bool MayTryElsewhere(UpstreamAttemptException failure)
        => failure.Retryable || failure.RetryAfter > _options.Retry.MaxRetryAfter;

    private async ValueTask<UpstreamStream> OpenOnRegionAsync(UpstreamRegion region, byte[] body, CancellationToken token)
    {
        var startedAt = _timeProvider.GetTimestamp();
        var watchdog = new CancellationTokenSource(_options.Timeouts.FirstToken, _timeProvider);
        var readToken = CancellationTokenSource.CreateLinkedTokenSource(token, watchdog.Token);
        HttpResponseMessage? response = null;
        IAsyncEnumerator<SseItem<UpstreamChunk>>? events = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(region.BaseUri, "chat/completions"));
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } };
            request.Headers.Accept.Add(EventStream);
            if (!string.IsNullOrEmpty(region.Options.ApiKey))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", region.Options.ApiKey);
            }

            var http = _httpClientFactory.CreateClient(region.HttpClientName);
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, readToken.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await StatusFailureAsync(region, response, readToken.Token);
            }

            var content = await response.Content.ReadAsStreamAsync(readToken.Token);
            events = SseParser.Create(content, static (_, data) => ChunkParser.Parse(data))
                .EnumerateAsync(readToken.Token)
                .GetAsyncEnumerator(readToken.Token);
            var first = await ReadFirstAsync(region, events);

            // From here the idle timeout guards each read; the time the caller takes between reads is its own.
            watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
            region.StreamOpened(_timeProvider.GetElapsedTime(startedAt));
            return new UpstreamStream(region, response, events, watchdog, readToken, first, _options.Timeouts.Idle);
        }
        catch (Exception ex)
        {
            if (events is not null)
            {
                await DisposeQuietlyAsync(events);
            }

            response?.Dispose();
            var timedOut = watchdog.IsCancellationRequested;
            readToken.Dispose();
            watchdog.Dispose();
            if (token.IsCancellationRequested)
            {
                region.AttemptAbandoned();
                throw;
            }

            var failure = Classify(ex, region, timedOut);
            if (failure.CountsAgainstRegion)
            {
                region.RecordFailure(failure.Message);
            }
            else
            {
                region.AttemptAbandoned();
            }

            Log.AttemptFailed(_logger, region.Name, failure.Code, failure.Message);
            throw failure;
        }
    }

    private async ValueTask<UpstreamChunk> ReadFirstAsync(UpstreamRegion region, IAsyncEnumerator<SseItem<UpstreamChunk>> events)
    {
        while (await events.MoveNextAsync())
        {
            var chunk = events.Current.Data;
            if (chunk.IsMalformed)
            {
                throw new UpstreamAttemptException(
                    ErrorCodes.UpstreamError, $"region {region.Name} sent an event that is not valid JSON", retryable: true, countsAgainstRegion: true);
            }

            if (chunk.Error is { } error)
            {
                throw new UpstreamAttemptException(
                    ErrorCodes.UpstreamError, $"region {region.Name} reported an error: {_scrubber.Scrub(error)}", retryable: true, countsAgainstRegion: true);
            }

            var hasText = chunk.Text is not null || (_options.ForwardReasoning && chunk.Reasoning is not null);
            if (hasText || chunk.FinishReason is not null || chunk.IsDone)
            {
                return chunk;
            }
        }

        throw new UpstreamAttemptException(
            ErrorCodes.UpstreamInterrupted, $"region {region.Name} closed the stream before the first token", retryable: true, countsAgainstRegion: true);
    }
}
