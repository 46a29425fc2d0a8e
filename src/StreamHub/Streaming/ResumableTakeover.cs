using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// A resumable request outlives its instance (<c>Admission:Scope=Cluster</c>): when an instance dies, a survivor
/// claims each of its resumable requests once the lease has expired, reads the partial answer from the request's
/// watch stream and asks the upstream to continue it (the same continuation as <c>Upstream:MidStream=Continue</c>:
/// the partial text as the assistant's turn, then <see cref="ContinuingStream.ContinuePrompt"/>), appending every
/// event (text, then finish and usage) to the same stream from the next <c>seq</c>, so a watcher anywhere reads one
/// answer with no gap and no duplicate. As with <c>MidStream=Continue</c>, only text is continued: a stream that
/// already holds a tool call or a refusal ends with <c>upstream_interrupted</c>.
/// </summary>
internal sealed class ResumableTakeover(IResumableJournal journal, IWatchStore watches, CompletionPipeline pipeline, ILogger<ResumableTakeover> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Read before claiming, so a death heard while claiming is not missed.
            var orphans = journal.Orphans;
            while (await journal.ClaimAsync(stoppingToken) is { } claimed)
            {
                _ = TakeOverAsync(claimed, stoppingToken);
            }

            try
            {
                await orphans.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Whether the events a dead instance kept can be continued; when not, <paramref name="endCode"/> is how the
    /// stream ends: null when the answer was already whole (its finish is kept), else <c>upstream_interrupted</c>.
    /// The rule of <see cref="ContinuingStream"/>: nothing said yet starts over, text alone goes on, anything else
    /// (a tool call, a refusal, reasoning without text) cannot be spliced.
    /// </summary>
    internal static bool CanContinue(IReadOnlyList<CompletionEvent> kept, out string? endCode)
    {
        endCode = ErrorCodes.UpstreamInterrupted;
        if (kept.Count > 0 && kept[0].Seq != 1)
        {
            // The buffer was trimmed: the start of the answer is gone, so it cannot be continued coherently.
            return false;
        }

        var text = false;
        foreach (var item in kept)
        {
            switch (item.Kind)
            {
                case EventKind.Finish:
                    endCode = null;
                    return false;
                case EventKind.ToolCall or EventKind.Refusal:
                    return false;
                case EventKind.Text:
                    text = true;
                    break;
            }
        }

        return text || !kept.Any(static item => item.IsContent);
    }

    /// <summary>The request the survivor sends: the original, or its continuation after the text already written.</summary>
    internal static CompletionRequest Continuation(CompletionRequest original, IReadOnlyList<CompletionEvent> written)
    {
        var texts = written.Where(static item => item.Kind == EventKind.Text).ToList();
        if (texts.Count == 0)
        {
            return original with { Resumable = false };
        }

        var partial = string.Concat(texts.Select(static item => item.Text));
        return original with
        {
            Messages = [.. original.Messages, new ChatMessage("assistant", partial), new ChatMessage("user", ContinuingStream.ContinuePrompt)],
            MaxTokens = original.MaxTokens is { } max ? Math.Max(1, max - texts.Count) : null,
            Resumable = false,
        };
    }

    private async Task TakeOverAsync(ClaimedRequest claimed, CancellationToken cancellationToken)
    {
        await using var ownership = claimed.Ownership;
        var record = claimed.Record;
        var id = record.Request.RequestId;
        try
        {
            var kept = await watches.ReadAsync(id, record.Scope, cancellationToken);
            if (kept.Ended)
            {
                return;
            }

            if (!CanContinue(kept.Events, out var endCode))
            {
                watches.Continue(id, record.Scope).Complete(endCode);
                if (endCode is null)
                {
                    logger.LogInformation("Request {RequestId} of a dead instance had its whole answer kept: its watch stream is ended", id);
                }
                else
                {
                    logger.LogWarning("Request {RequestId} of a dead instance cannot be continued (a tool call, a refusal or a lost start): it ends with {Code}", id, endCode);
                }

                return;
            }

            var afterSeq = kept.Events.Count == 0 ? 0 : kept.Events[^1].Seq;
            logger.LogInformation("Taking over request {RequestId} of a dead instance after {Seq} event(s)", id, afterSeq);
            var caller = Caller.Restore(record.Tenant, record.Tier, record.Anonymous, record.Scope, record.LimitKey, record.Limits, record.Models);
            await foreach (var _ in pipeline.ContinueAsync(Continuation(record.Request, kept.Events), caller, afterSeq, cancellationToken))
            {
            }
        }
        catch (Exception ex) when (ex is StreamHubException or OperationCanceledException)
        {
            // The watch stream ends with the request's code; watchers learn it there.
            logger.LogInformation("Request {RequestId} taken over from a dead instance ended: {Error}", id, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Taking over request {RequestId} failed", id);
        }
    }
}
