namespace StreamHub.Emulator.Completions;

/// <summary>
/// Writes one <c>stream: true</c> answer: deltas (reasoning, content, refusal, tool calls) paced by
/// <see cref="TokenPacer"/>, then the finish chunk, usage and <c>[DONE]</c>, unless a mid-stream fault ends it
/// first. The "-after=N" faults fire once N answer deltas (content, refusal, tool-call argument fragments;
/// not reasoning) have been sent; with N at or beyond the answer's length they fire before the finish chunk.
/// </summary>
internal sealed class StreamingResponse(HttpContext http, CompletionPlan plan, TimeProvider time)
{
    private static readonly TimeSpan DropGrace = TimeSpan.FromMilliseconds(50);

    private enum Interruption
    {
        None,
        Ended,
        Dropped,
    }

    /// <summary>Returns true when the response ended by aborting the connection.</summary>
    public async Task<bool> WriteAsync(CancellationToken ct)
    {
        var fault = plan.Fault;
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";

        // Headers go out now: a gateway's first-token timeout must be able to tell headers from tokens.
        await response.StartAsync(ct);
        await response.BodyWriter.FlushAsync(ct);

        using var events = new SseEventWriter(response.BodyWriter, fault.Crlf, fault.SplitUtf8);
        var keepAlive = fault.KeepaliveMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        var pacer = new TokenPacer(time, events, plan.FirstTokenDelay, plan.TokensPerSecond, keepAlive);
        var chunks = new ChunkFormatter(plan);
        var roleSent = false;

        if (chunks.SendsRoleChunk)
        {
            chunks.RoleChunk(events.BeginData());
            await events.SendDataAsync(ct);
            roleSent = true;
        }

        var sent = 0;
        foreach (var step in ReplyStep.Of(plan.Reply))
        {
            if (step.Counts && await InterruptAsync(sent, events, pacer, ct) is var interruption and not Interruption.None)
            {
                return interruption == Interruption.Dropped;
            }

            await pacer.NextAsync(ct);
            Write(chunks, events.BeginData(), step, withRole: !roleSent);
            await events.SendDataAsync(ct);
            roleSent = true;
            sent += step.Counts ? 1 : 0;
        }

        if (await InterruptAsync(sent, events, pacer, ct) is var last and not Interruption.None)
        {
            return last == Interruption.Dropped;
        }

        if (plan.Reply.LegacyToolCall)
        {
            chunks.ToolStartChunk(events.BeginData(), plan.Reply.ToolCalls[0], whole: true, withRole: !roleSent);
            await events.SendDataAsync(ct);
        }

        chunks.FinishChunk(events.BeginData());
        await events.SendDataAsync(ct);

        if (plan.IncludeUsage && !chunks.UsageOnFinish)
        {
            chunks.UsageChunk(events.BeginData());
            await events.SendDataAsync(ct);
        }

        if (!fault.NoDone)
        {
            await events.SendRawDataAsync("[DONE]"u8, ct);
        }

        return false;
    }

    private static void Write(ChunkFormatter chunks, System.Text.Json.Utf8JsonWriter w, ReplyStep step, bool withRole)
    {
        switch (step.Kind)
        {
            case ReplyStepKind.Reasoning: chunks.ReasoningChunk(w, step.Text, withRole); break;
            case ReplyStepKind.Content: chunks.ContentChunk(w, step.Text, withRole); break;
            case ReplyStepKind.Refusal: chunks.RefusalChunk(w, step.Text, withRole); break;
            case ReplyStepKind.ToolStart: chunks.ToolStartChunk(w, step.Call!, step.WholeCall, withRole); break;
            default: chunks.ToolArgumentsChunk(w, step.Call!.Index, step.Text); break;
        }
    }

    /// <summary>Applies the fault that is due after <paramref name="sent"/> content tokens, if any.</summary>
    private async ValueTask<Interruption> InterruptAsync(int sent, SseEventWriter events, TokenPacer pacer, CancellationToken ct)
    {
        var fault = plan.Fault;
        if (fault.DropAfter == sent)
        {
            // A flush only hands bytes to the transport; aborting at once can discard the N tokens still
            // queued there, and the point of drop-after is that they arrive before the cut.
            await Task.Delay(DropGrace, time, ct);
            http.Abort();
            return Interruption.Dropped;
        }

        if (fault.EndAfter == sent)
        {
            return Interruption.Ended;
        }

        if (fault.ErrorAfter == sent)
        {
            ErrorEvent(events.BeginData());
            await events.SendDataAsync(ct);
            await events.SendRawDataAsync("[DONE]"u8, ct);
            return Interruption.Ended;
        }

        if (fault.MalformedAfter == sent)
        {
            // Cut off mid-string: a reader must fail here, not skip it (the stream then goes on normally).
            await events.SendRawDataAsync("{\"id\":\"chatcmpl-broken\",\"choices\":[{\"delta\":{\"content\":\"unterminated"u8, ct);
        }

        if (fault.StallAfter == sent)
        {
            await pacer.IdleForeverAsync(sendKeepAlives: false, ct);
        }

        if (fault.KeepaliveStallAfter == sent)
        {
            await pacer.IdleForeverAsync(sendKeepAlives: true, ct);
        }

        return Interruption.None;
    }

    /// <summary>vLLM's mid-stream failure: an error object in place of a chunk.</summary>
    private static void ErrorEvent(System.Text.Json.Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", "Emulated failure while generating the response.");
        w.WriteString("type", "internal_error");
        w.WriteNumber("code", 500);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
