namespace StreamHub.Emulator.Completions;

/// <summary>
/// Writes one <c>stream: true</c> answer: chunks paced by <see cref="TokenPacer"/>, then the finish chunk,
/// usage and <c>[DONE]</c>, unless a mid-stream fault ends it first. The "-after=N" faults fire once N
/// content tokens have been sent; with N at or beyond the answer's length they fire before the finish chunk.
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

        if (plan.HasReasoning)
        {
            foreach (var thought in CompletionPlan.ReasoningTokens)
            {
                await pacer.NextAsync(ct);
                chunks.ReasoningChunk(events.BeginData(), thought, withRole: !roleSent);
                await events.SendDataAsync(ct);
                roleSent = true;
            }
        }

        var tokens = plan.Tokens;
        for (var i = 0; i <= tokens.Count; i++)
        {
            var interruption = await InterruptAsync(i, events, pacer, ct);
            if (interruption != Interruption.None)
            {
                return interruption == Interruption.Dropped;
            }

            if (i == tokens.Count)
            {
                break;
            }

            await pacer.NextAsync(ct);
            chunks.ContentChunk(events.BeginData(), tokens[i], withRole: !roleSent);
            await events.SendDataAsync(ct);
            roleSent = true;
        }

        if (fault.ToolCalls)
        {
            chunks.ToolCallChunk(events.BeginData());
            await events.SendDataAsync(ct);
        }

        chunks.FinishChunk(events.BeginData(), tokens.Count);
        await events.SendDataAsync(ct);

        if (plan.IncludeUsage && !chunks.UsageOnFinish)
        {
            chunks.UsageChunk(events.BeginData(), tokens.Count);
            await events.SendDataAsync(ct);
        }

        if (!fault.NoDone)
        {
            await events.SendRawDataAsync("[DONE]"u8, ct);
        }

        return false;
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
            ChunkFormatter.ErrorEvent(events.BeginData());
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
}
