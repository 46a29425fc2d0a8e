using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One attempt on one claimed region: sends the request through the region's pooled client and reads up to
/// its first content event within <c>Upstream:Timeouts:FirstToken</c>. Tells the region how the attempt ended
/// (opened, failed by its fault, abandoned) and throws every failure classified.
/// </summary>
internal sealed class UpstreamAttemptRunner(
    IHttpClientFactory httpClientFactory,
    UpstreamOptions options,
    SecretScrubber scrubber,
    TimeProvider timeProvider,
    ILogger logger)
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    /// <summary>The region's stream of <paramref name="route"/>'s model, its first content event read; or an <see cref="UpstreamAttemptException"/>.</summary>
    public async ValueTask<UpstreamStream> OpenAsync(
        UpstreamRegion region, ModelRoute route, byte[] body, UpstreamRequestScope scope, CancellationToken token)
    {
        var startedAt = timeProvider.GetTimestamp();
        var watchdog = new CancellationTokenSource(options.Timeouts.FirstToken, timeProvider);
        var readToken = CancellationTokenSource.CreateLinkedTokenSource(token, watchdog.Token);
        HttpResponseMessage? response = null;
        IAsyncEnumerator<SseItem<UpstreamChunk>>? events = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, region.Endpoint.Address);
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } };
            request.Headers.Accept.Add(EventStream);
            region.Endpoint.Apply(request);

            var http = httpClientFactory.CreateClient(region.HttpClientName);
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, readToken.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await StatusFailureAsync(region, response, readToken.Token);
            }

            var content = await response.Content.ReadAsStreamAsync(readToken.Token);
            SseItemParser<UpstreamChunk> parse = region.Options.Dialect == Dialect.Anthropic
                ? new AnthropicChunkParser().Parse
                : new StreamChunkParser().Parse;
            events = SseParser.Create(content, parse)
                .EnumerateAsync(readToken.Token)
                .GetAsyncEnumerator(readToken.Token);
            var first = await ReadFirstAsync(region, events);

            // From here the idle timeout guards each read; the time the caller takes between reads is its own.
            watchdog.CancelAfter(Timeout.InfiniteTimeSpan);
            region.StreamOpened(timeProvider.GetElapsedTime(startedAt));
            return new UpstreamStream(region, route, response, events, new IdleWatchdog(watchdog, options.Timeouts.Idle, timeProvider), readToken, first);
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

            var failure = UpstreamFailureClassifier.FromException(ex, region.Name, timedOut, options.Timeouts);
            if (failure.CountsAgainstRegion)
            {
                scope.RecordFailure(region, failure.Message);
            }
            else
            {
                region.AttemptAbandoned();
            }

            UpstreamLog.AttemptFailed(logger, region.Name, failure.Code, failure.Message);
            throw failure;
        }
    }

    /// <summary>
    /// Skips events that carry nothing the model said (role-only deltas, usage) up to the first content event of
    /// any kind (text, reasoning, refusal, tool call) or the end. Reasoning counts even where <c>Stream</c> does
    /// not forward it: watchers and <c>StreamEvents</c> see it, so no retry may follow it.
    /// </summary>
    private async ValueTask<UpstreamChunk> ReadFirstAsync(UpstreamRegion region, IAsyncEnumerator<SseItem<UpstreamChunk>> events)
    {
        while (await events.MoveNextAsync())
        {
            var chunk = events.Current.Data;
            if (chunk.IsMalformed || chunk.Error is not null)
            {
                throw UpstreamFailureClassifier.FromEvent(region.Name, chunk, chunk.Error is { } error ? scrubber.Scrub(error) : null);
            }

            if (chunk.HasContent || chunk.FinishReason is not null || chunk.IsDone)
            {
                return chunk;
            }
        }

        throw UpstreamFailureClassifier.FromEvent(region.Name, chunk: null, error: null);
    }

    private async Task<UpstreamAttemptException> StatusFailureAsync(UpstreamRegion region, HttpResponseMessage response, CancellationToken token)
    {
        var retryAfter = UpstreamFailureClassifier.RetryAfterOf(response.Headers, timeProvider.GetUtcNow());
        var detail = await ReadErrorMessageAsync(response, token);
        return UpstreamFailureClassifier.FromStatus(
            (int)response.StatusCode, region.Name, retryAfter, detail is null ? null : scrubber.Scrub(detail), options.Retry.MaxRetryAfter);
    }

    /// <summary>The upstream's error message: the error object's (OpenAI's and Anthropic's alike), or the start of the body.</summary>
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

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<SseItem<UpstreamChunk>> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Already broken: the response's disposal releases the connection.
        }
    }
}
