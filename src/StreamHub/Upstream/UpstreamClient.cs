using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Polly;
using StreamHub.Contracts;

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

                    // The caller (and the operator's request list) learn which region continues the answer.
                    await progress.StartedAsync(stream.Region.Name);
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
