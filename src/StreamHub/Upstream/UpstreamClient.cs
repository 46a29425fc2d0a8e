using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using StreamHub.Streaming;

namespace StreamHub.Upstream;

/// <summary>
/// Streams one chat completion from the best healthy region. Everything up to the first token runs inside
/// a Polly retry (backoff with jitter, <c>Retry-After</c>, failover to the next region, each region behind
/// its own breaker) and, when enabled, a Polly hedge inside each retry attempt (a slow region races the
/// next one); after the first token there is no silent retry, so the caller never sees duplicated
/// or spliced text. Enforces the first-token, idle and total timeouts that <c>HttpClient</c> cannot see
/// once the headers are read.
/// </summary>
internal sealed partial class UpstreamClient
{
    private static readonly ResiliencePropertyKey<AttemptState> StateKey = new("streamhub.attempt");
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly RegionSelector _selector;
    private readonly UpstreamOptions _options;
    private readonly SecretScrubber _scrubber;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UpstreamClient> _logger;
    private readonly ResiliencePipeline<UpstreamStream> _pipeline;

    /// <summary>How many times one request may be continued on another region after a mid-stream break.</summary>
    internal const int MaxContinuations = 2;

    /// <summary>The instruction sent after the partial answer when a broken stream is continued.</summary>
    internal const string ContinuePrompt =
        "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything already written.";

    public UpstreamClient(
        IHttpClientFactory httpClientFactory,
        RegionSelector selector,
        IOptions<UpstreamOptions> options,
        SecretScrubber scrubber,
        TimeProvider timeProvider,
        ILogger<UpstreamClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _selector = selector;
        _options = options.Value;
        _scrubber = scrubber;
        _timeProvider = timeProvider;
        _logger = logger;
        _pipeline = BuildPipeline();
    }

    public RegionSelector Regions => _selector;

    /// <summary>
    /// The completion's events, starting with the first one that carries text (or the finish). Ends
    /// normally only on <c>[DONE]</c> or a finish reason; every other end throws a
    /// <see cref="StreamHubException"/> with its contract code.
    /// </summary>
    public async IAsyncEnumerable<UpstreamChunk> StreamAsync(
        UpstreamCall call,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var total = new CancellationTokenSource(_options.Timeouts.Total, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
        var stream = await OpenAsync(call.ToRequestBody(), avoid: null, total, cancellationToken, linked.Token);
        try
        {
            await progress.StartedAsync(stream.Region.Name);

            // The text so far, kept only when a broken stream may be continued elsewhere.
            var partial = _options.MidStream == MidStreamMode.Continue ? new System.Text.StringBuilder() : null;
            var continuations = 0;
            var delivered = 0;
            var finished = false;
            while (true)
            {
                UpstreamChunk? next;
                StreamHubException? failure = null;
                try
                {
                    next = await stream.ReadAsync();
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !finished)
                {
                    next = null;
                    failure = MidStreamFailure(ex, stream, total, delivered);
                }
                catch (Exception) when (finished && !cancellationToken.IsCancellationRequested)
                {
                    // The whole answer and its finish reason arrived; only the trailer broke.
                    stream.Region.StreamSucceeded();
                    yield break;
                }

                if (failure is null && next is null && finished)
                {
                    stream.Region.StreamSucceeded();
                    yield break;
                }

                failure ??= next switch
                {
                    null => Interrupted(stream.Region, delivered, "the upstream closed the stream before it finished"),
                    { IsMalformed: true } => Interrupted(stream.Region, delivered, "the upstream sent an event that is not valid JSON"),
                    { Error: { } error } => Interrupted(stream.Region, delivered, "the upstream reported an error: " + _scrubber.Scrub(error)),
                    _ => null,
                };

                if (failure is not null)
                {
                    var resumed = partial is not null && continuations < MaxContinuations && !total.IsCancellationRequested
                        ? await ContinueAsync(call, partial.ToString(), stream.Region, total, cancellationToken, linked.Token)
                        : null;
                    if (resumed is null)
                    {
                        throw failure;
                    }

                    continuations++;
                    await stream.DisposeAsync();
                    stream = resumed;
                    continue;
                }

                var chunk = next!.Value;
                if (!_options.ForwardReasoning)
                {
                    if (chunk.Reasoning is not null)
                    {
                        chunk = chunk with { Reasoning = null };
                    }
                }

                if (chunk.Text is not null || chunk.Reasoning is not null)
                {
                    delivered++;
                }

                if (chunk.Text is not null)
                {
                    partial?.Append(chunk.Text);
                }

                finished |= chunk.FinishReason is not null;
                if (chunk.Text is not null || chunk.Reasoning is not null || chunk.Usage is not null || chunk.FinishReason is not null)
                {
                    yield return chunk;
                }

                if (chunk.IsDone)
                {
                    stream.Region.StreamSucceeded();
                    yield break;
                }
            }
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>
    /// <c>MidStream=Continue</c>: asks a region (preferably not the one that just failed) to go on from the
    /// partial answer, within the same total timeout. Null when no region could: the caller then gets the
    /// original failure, which says what happened to the text it already has.
    /// </summary>
    private async ValueTask<UpstreamStream?> ContinueAsync(
        UpstreamCall call,
        string partial,
        UpstreamRegion failed,
        CancellationTokenSource total,
        CancellationToken callerToken,
        CancellationToken token)
    {
        if (partial.Length == 0)
        {
            return null;
        }

        var continuation = call with
        {
            Messages = [.. call.Messages, new ChatMessage("assistant", partial), new ChatMessage("user", ContinuePrompt)],
        };
        try
        {
            var stream = await OpenAsync(continuation.ToRequestBody(), failed, total, callerToken, token);
            Log.Continued(_logger, failed.Name, stream.Region.Name, partial.Length);
            return stream;
        }
        catch (StreamHubException ex)
        {
            Log.ContinueFailed(_logger, ex.Code, ex.Message);
            return null;
        }
    }

    private async ValueTask<UpstreamStream> OpenAsync(
        byte[] body,
        UpstreamRegion? avoid,
        CancellationTokenSource total,
        CancellationToken callerToken,
        CancellationToken token)
    {
        var context = ResilienceContextPool.Shared.Get(token);
        var state = new AttemptState(body);
        if (avoid is not null)
        {
            // Counted as tried: the pick prefers any other available region, and falls back to it.
            state.Avoid(avoid);
        }

        context.Properties.Set(StateKey, state);
        UpstreamStream? winner = null;
        try
        {
            winner = await _pipeline.ExecuteAsync(static (ctx, self) => self.AttemptAsync(ctx), context, this);
            if (state.RaceLeader is { } leader && !ReferenceEquals(leader, winner.Region))
            {
                Log.HedgeWon(_logger, winner.Region.Name, leader.Name);
            }

            return winner;
        }
        catch (OperationCanceledException) when (total.IsCancellationRequested && !callerToken.IsCancellationRequested)
        {
            throw new StreamHubException(
                ErrorCodes.UpstreamTimeout,
                $"no region produced a first token within the total limit of {_options.Timeouts.Total.TotalSeconds:0.#} s; retry later");
        }
        catch (UpstreamAttemptException ex)
        {
            // With hedges Polly reports the attempt that ended first; a failure no region can help with
            // (a rejected request, refused credentials) speaks for the whole request.
            throw (state.Decisive ?? ex).ToStreamHubException();
        }
        finally
        {
            // Polly disposes a hedge whose first token came just after the winner's; this is the backstop, so
            // no losing stream (and its upstream connection) outlives the race whatever Polly does.
            await state.DisposeLosersAsync(winner);
            ResilienceContextPool.Shared.Return(context);
        }
    }

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

    /// <summary>
    /// Retry outside, hedging inside: each retry attempt is one race (the first region plus its hedges), so
    /// backoff and <c>Retry-After</c> waits only happen once every racer has failed, never while one may still
    /// answer, and a hedge never carries its own retry loop (which would multiply upstream requests and
    /// outlive the race). With hedging off, each retry attempt is a single region attempt, as before.
    /// </summary>
    private ResiliencePipeline<UpstreamStream> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<UpstreamStream> { TimeProvider = _timeProvider };
        if (_options.Retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<UpstreamStream>
            {
                MaxRetryAttempts = _options.Retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.Retry.BaseDelay,
                MaxDelay = _options.Retry.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is UpstreamAttemptException attempt
                    && StateOf(args.Context).Decisive is null
                    && (attempt.Retryable || (attempt.RetryAfter > _options.Retry.MaxRetryAfter && HasUntried(args.Context)))),
                DelayGenerator = args =>
                {
                    // Another healthy region is waiting: fail over at once instead of backing off (a
                    // Retry-After speaks for the region that sent it, not for the others).
                    if (HasUntried(args.Context))
                    {
                        return ValueTask.FromResult<TimeSpan?>(TimeSpan.Zero);
                    }

                    if (args.Outcome.Exception is UpstreamAttemptException { RetryAfter: { } retryAfter })
                    {
                        // The upstream said when; honour it exactly (never sooner), up to MaxRetryAfter.
                        return ValueTask.FromResult<TimeSpan?>(retryAfter);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        }

        if (_options.Hedging.Enabled)
        {
            AddHedging(builder);
        }

        return builder.Build();
    }

    /// <summary>Whether a region this request has not tried yet can take an attempt now.</summary>
    private bool HasUntried(ResilienceContext context) => StateOf(context).HasUntried(_selector);

    private static AttemptState StateOf(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);

    private static async ValueTask DisposeQuietlyAsync(IAsyncEnumerator<SseItem<UpstreamChunk>> events)
    {
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Already broken: the response's disposal below releases the connection.
        }
    }

    private static string Seconds(TimeSpan value) => Math.Ceiling(value.TotalSeconds).ToString("0", System.Globalization.CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream attempt on {Region} failed with {Code}: {Reason}")]
        public static partial void AttemptFailed(ILogger logger, string region, string code, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Retrying upstream (attempt {Attempt}) in {DelayMs} ms after: {Reason}")]
        public static partial void Retrying(ILogger logger, int attempt, double delayMs, string? reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "Upstream request also started on {Region} (hedge {Hedge} of {MaxHedges})")]
        public static partial void Hedging(ILogger logger, string region, int hedge, int maxHedges);

        [LoggerMessage(Level = LogLevel.Information, Message = "Upstream hedge on {Region} won the race started on {Leader}")]
        public static partial void HedgeWon(ILogger logger, string region, string leader);

        [LoggerMessage(Level = LogLevel.Information, Message = "Upstream stream broken on {Failed} continues on {Region} after {Chars} characters")]
        public static partial void Continued(ILogger logger, string failed, string region, int chars);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Continuing a broken stream failed with {Code}: {Reason}")]
        public static partial void ContinueFailed(ILogger logger, string code, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream stream on {Region} interrupted after {Delivered} tokens: {Reason}")]
        public static partial void Interrupted(ILogger logger, string region, int delivered, string reason);
    }
}
