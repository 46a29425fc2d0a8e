using StreamHub.Emulator.Completions;

namespace StreamHub.Emulator.Messages;

/// <summary>
/// Writes one <c>stream: true</c> Messages API answer as Anthropic does: <c>message_start</c>, content blocks
/// (<c>content_block_start</c>, a <c>ping</c> after the first, deltas, <c>content_block_stop</c>),
/// <c>message_delta</c> with the stop reason and output tokens, <c>message_stop</c>; every event named by an
/// <c>event:</c> line. Keep-alives are <c>ping</c> events. The "-after=N" faults count text and tool-input
/// deltas: <c>drop-after</c> cuts the connection, <c>end-after</c> ends with no <c>message_delta</c>,
/// <c>error-after</c> sends an <c>error</c> event (<c>overloaded_error</c>) and ends, <c>malformed-after</c>
/// sends an event whose data is not JSON, the stalls go silent (or ping) until the client leaves.
/// </summary>
internal sealed class AnthropicStreamingResponse(HttpContext http, AnthropicPlan plan, TimeProvider time)
{
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns true when the response ended by aborting the connection.</summary>
    public async Task<bool> WriteAsync(CancellationToken ct)
    {
        var fault = plan.Fault;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);
        await response.BodyWriter.FlushAsync(ct);

        using var events = new SseEventWriter(response.BodyWriter, fault.Crlf, fault.SplitUtf8, pings: true);
        var keepAlive = fault.KeepaliveMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        var pacer = new TokenPacer(time, events, plan.FirstTokenDelay, plan.TokensPerSecond, keepAlive);

        AnthropicEvents.MessageStart(events.BeginEvent("message_start"), plan);
        await events.SendDataAsync(ct);

        var (sent, pinged) = (0, false);
        foreach (var step in AnthropicStep.Of(plan))
        {
            if (step.Counts && await InterruptAsync(sent, events, pacer, ct) is { } cut)
            {
                return cut;
            }

            if (step.Paced)
            {
                await pacer.NextAsync(ct);
            }

            await WriteAsync(events, step, ct);
            if (step.Kind == AnthropicStepKind.BlockStart && !pinged)
            {
                await events.SendKeepAliveAsync(ct);
                pinged = true;
            }

            sent += step.Counts ? 1 : 0;
        }

        if (await InterruptAsync(sent, events, pacer, ct) is { } last)
        {
            return last;
        }

        AnthropicEvents.MessageDelta(events.BeginEvent("message_delta"), plan);
        await events.SendDataAsync(ct);
        if (!fault.NoDone)
        {
            AnthropicEvents.MessageStop(events.BeginEvent("message_stop"));
            await events.SendDataAsync(ct);
        }

        return false;
    }

    private static ValueTask WriteAsync(SseEventWriter events, AnthropicStep step, CancellationToken ct)
    {
        switch (step.Kind)
        {
            case AnthropicStepKind.BlockStart:
                AnthropicEvents.BlockStart(events.BeginEvent("content_block_start"), step);
                break;
            case AnthropicStepKind.BlockStop:
                AnthropicEvents.BlockStop(events.BeginEvent("content_block_stop"), step.Index);
                break;
            default:
                AnthropicEvents.Delta(events.BeginEvent("content_block_delta"), step);
                break;
        }

        return events.SendDataAsync(ct);
    }

    /// <summary>Applies the fault due after <paramref name="sent"/> deltas: null to go on, else whether the connection was aborted.</summary>
    private async ValueTask<bool?> InterruptAsync(int sent, SseEventWriter events, TokenPacer pacer, CancellationToken ct)
    {
        var fault = plan.Fault;
        if (fault.DropAfter == sent)
        {
            // Let the flushed deltas reach the client before the cut (see StreamingResponse).
            await Task.Delay(DropGrace, time, ct);
            http.Abort();
            return true;
        }

        if (fault.EndAfter == sent)
        {
            return false;
        }

        if (fault.ErrorAfter == sent)
        {
            AnthropicErrors.Write(events.BeginEvent("error"), "overloaded_error", "Overloaded");
            await events.SendDataAsync(ct);
            return false;
        }

        if (fault.MalformedAfter == sent)
        {
            await events.SendRawEventAsync("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated"u8, ct);
        }

        if (fault.StallAfter == sent)
        {
            await pacer.IdleForeverAsync(sendKeepAlives: false, ct);
        }

        if (fault.KeepaliveStallAfter == sent)
        {
            await pacer.IdleForeverAsync(sendKeepAlives: true, ct);
        }

        return null;
    }
}
