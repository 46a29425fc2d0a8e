using System.Runtime.CompilerServices;
using System.Text;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One request's answer, read chunk by chunk across the streams it takes. A stream that breaks after its
/// first token ends the request with its contract error (never a silent retry, which would duplicate or
/// splice text), unless <c>Upstream:MidStream=Continue</c>: then a region, preferably another, is asked to go
/// on from the partial answer, at most <see cref="MaxContinuations"/> times within the same total limit. Only
/// text is continued: once a tool call or a refusal has been delivered, a break fails as in <c>Fail</c> mode
/// (a call's arguments or a refusal cannot be spliced). Yields only chunks that carry something for the
/// caller: content of every kind (reasoning included; the front doors decide whether to show it), finish, usage.
/// </summary>
internal sealed class ContinuingStream(
    StreamOpener opener,
    UpstreamOptions options,
    SecretScrubber scrubber,
    ILogger logger,
    UpstreamCall call,
    IReadOnlyList<ModelRoute> plan,
    IStreamProgress progress,
    UpstreamRequestScope scope) : IAsyncDisposable
{
    /// <summary>How many times one request may be continued on another region after a mid-stream break.</summary>
    internal const int MaxContinuations = 2;

    /// <summary>The instruction sent after the partial answer when a broken stream is continued.</summary>
    internal const string ContinuePrompt =
        "Your previous answer was cut off. Continue it exactly where it stopped, without repeating anything already written.";

    // The text so far, kept only when a broken stream may be continued elsewhere.
    private readonly StringBuilder? _partial = options.MidStream == MidStreamMode.Continue ? new StringBuilder() : null;
    private UpstreamStream? _stream;
    private int _continuations;
    private int _delivered;
    private bool _textOnly = true;
    private bool _finished;
    private bool _ended;

    /// <summary>Opens the first stream and tells the caller which model and region answer.</summary>
    public async ValueTask OpenAsync()
    {
        _stream = await opener.OpenAsync(call, plan, avoid: null, scope);
        await progress.RoutedAsync(_stream.Route.Model, _stream.UpstreamModel);
        await progress.StartedAsync(_stream.Region.Name);
        if (_stream.Model is { } model)
        {
            await progress.ModelAsync(model);
        }
    }

    /// <summary>
    /// The next chunk, or null once the answer ended normally (<c>[DONE]</c>, or the body's end after a finish
    /// reason); every other end throws a <see cref="StreamHubException"/> with its contract code.
    /// </summary>
    /// <remarks>Called once per token: the pooling builder reuses its state-machine box, as in <see cref="UpstreamStream.ReadAsync"/>.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<UpstreamChunk?> ReadAsync()
    {
        var stream = _stream ?? throw new InvalidOperationException("OpenAsync first.");
        while (!_ended)
        {
            UpstreamChunk? next;
            StreamHubException? failure = null;
            try
            {
                next = await stream.ReadAsync();
            }
            catch (Exception ex) when (!scope.CallerToken.IsCancellationRequested && !_finished)
            {
                next = null;
                failure = Charge(stream.Region, UpstreamFailureClassifier.MidStream(
                    ex, stream.Region.Name, _delivered, scope.TotalElapsed, stream.IdleTimedOut, options.Timeouts));
            }
            catch (Exception) when (_finished && !scope.CallerToken.IsCancellationRequested)
            {
                // The whole answer and its finish reason arrived; only the trailer broke.
                return Succeeded(stream);
            }

            if (failure is null && next is null && _finished)
            {
                return Succeeded(stream);
            }

            if (failure is null && next is not { IsMalformed: false, Error: null })
            {
                var error = next?.Error is { } said ? scrubber.Scrub(said) : null;
                failure = Charge(stream.Region, UpstreamFailureClassifier.MidStream(next, error, _delivered));
            }

            if (failure is not null)
            {
                stream = await ContinueOrThrowAsync(stream, failure);
                continue;
            }

            var chunk = next!.Value;
            if (chunk.HasContent)
            {
                _delivered++;
                _textOnly &= chunk.ToolCalls is null && chunk.Refusal is null;
            }

            _partial?.Append(chunk.Text);
            _finished |= chunk.FinishReason is not null;
            if (chunk.IsDone)
            {
                Succeeded(stream);
            }

            if (chunk.HasContent || chunk.Usage is not null || chunk.FinishReason is not null)
            {
                return chunk;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }
    }

    private UpstreamChunk? Succeeded(UpstreamStream stream)
    {
        _ended = true;
        stream.Region.StreamSucceeded();
        return null;
    }

    /// <summary>The region hears of a break that is its fault; the caller gets the break's error.</summary>
    private StreamHubException Charge(UpstreamRegion region, StreamBreak broken)
    {
        if (broken.RegionFault is { } fault)
        {
            scope.RecordFailure(region, fault);
            UpstreamLog.Interrupted(logger, region.Name, _delivered, fault);
        }

        return broken.Error;
    }

    /// <summary>The continuation's stream, reported to the caller as started; or <paramref name="failure"/>, which says what happened to the text it already has.</summary>
    private async ValueTask<UpstreamStream> ContinueOrThrowAsync(UpstreamStream broken, StreamHubException failure)
    {
        var resumed = _partial is { Length: > 0 } && _textOnly && _continuations < MaxContinuations && !scope.TotalElapsed
            ? await ContinueAsync(_partial.ToString(), broken.Region)
            : null;
        if (resumed is null)
        {
            throw failure;
        }

        _continuations++;
        await broken.DisposeAsync();
        _stream = resumed;

        // The caller (and the operator's request list) learn which model and region continue the answer.
        await progress.RoutedAsync(resumed.Route.Model, resumed.UpstreamModel);
        await progress.StartedAsync(resumed.Region.Name);
        return resumed;
    }

    /// <summary>
    /// Asks a region, preferably not the one that failed, to go on from the partial answer; the request's model
    /// first, then its fallbacks. Null when none could.
    /// </summary>
    private async ValueTask<UpstreamStream?> ContinueAsync(string partial, UpstreamRegion failed)
    {
        var continuation = call with
        {
            Messages = [.. call.Messages, new ChatMessage("assistant", partial), new ChatMessage("user", ContinuePrompt)],
        };
        try
        {
            var stream = await opener.OpenAsync(continuation, plan, failed, scope);
            UpstreamLog.Continued(logger, failed.Name, stream.Region.Name, partial.Length);
            return stream;
        }
        catch (StreamHubException ex)
        {
            UpstreamLog.ContinueFailed(logger, ex.Code, ex.Message);
            return null;
        }
    }
}
