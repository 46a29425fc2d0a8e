using System.Text.Json;
using Microsoft.Extensions.Options;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// <c>POST /v1/chat/completions</c>: reads the request, picks its fault (the script wins over a directive),
/// logs it and hands off to the streaming or non-streaming writer. Every request is counted open until its
/// <c>finally</c>, which is what lets tests prove no upstream request outlives its caller.
/// </summary>
internal sealed class ChatCompletionEndpoint(
    EmulatorState state,
    IOptions<EmulatorOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public async Task HandleAsync(HttpContext http)
    {
        // Stopping the emulator must end stalled streams at once rather than wait out the shutdown timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = linked.Token;
        var seq = state.BeginRequest();
        var aborted = false;
        try
        {
            aborted = await ServeAsync(http, seq, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            aborted = true;
            if (!http.RequestAborted.IsCancellationRequested)
            {
                // We are stopping, not the client: make the cut visible instead of a clean end.
                http.Abort();
            }
        }
        finally
        {
            state.EndRequest(aborted);
        }
    }

    private async Task<bool> ServeAsync(HttpContext http, long seq, CancellationToken ct)
    {
        ChatRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Request.Body, OpenAiJsonContext.Default.ChatRequest, ct);
        }
        catch (JsonException e)
        {
            await OpenAiErrors.WriteAsync(http, 400, "invalid_request_error", "invalid_json", $"The body is not valid JSON: {e.Message}", ct);
            return false;
        }

        if (request?.Messages is not { Count: > 0 } wireMessages)
        {
            await OpenAiErrors.WriteAsync(http, 400, "invalid_request_error", "invalid_request", "'messages' must be a non-empty array.", ct);
            return false;
        }

        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        if (maxTokens is < 1)
        {
            await OpenAiErrors.WriteAsync(http, 400, "invalid_request_error", "invalid_request", "'max_tokens' must be at least 1.", ct);
            return false;
        }

        var messages = wireMessages.ConvertAll(m => new EmulatorMessage(m.Role ?? string.Empty, m.ContentText()));
        var lastUser = messages.FindLast(m => m.Role == "user") ?? messages[^1];
        var prompt = FaultDirective.Strip(lastUser.Content, out var directive);
        var specText = state.TakeScriptedFault() ?? directive;
        state.Record(new EmulatorRequestRecord(
            seq, request.Model, http.Request.Headers.Authorization.FirstOrDefault(), messages, maxTokens, request.Stream,
            string.IsNullOrWhiteSpace(specText) ? null : specText));

        FaultSpec fault;
        try
        {
            fault = FaultSpec.Parse(specText);
        }
        catch (FormatException e)
        {
            await OpenAiErrors.WriteAsync(http, 400, "invalid_request_error", "invalid_fault", e.Message, ct);
            return false;
        }

        if (fault.HeaderDelayMs is { } headerDelay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(headerDelay), time, ct);
        }

        if (fault.Status is not null)
        {
            await OpenAiErrors.WriteStatusFaultAsync(http, fault, time, ct);
            return false;
        }

        var plan = Plan(request, messages, prompt, maxTokens, fault, seq);
        return request.Stream
            ? await new StreamingResponse(http, plan, time).WriteAsync(ct)
            : await NonStreamingResponse.WriteAsync(http, plan, time, ct);
    }

    private CompletionPlan Plan(ChatRequest request, List<EmulatorMessage> messages, string prompt, int? maxTokens, FaultSpec fault, long seq)
    {
        var settings = options.Value;

        // The "model" wants tokens= if given, else exactly max_tokens; max_tokens cutting it short is "length".
        var wanted = Math.Min(fault.Tokens ?? maxTokens ?? settings.DefaultMaxTokens, settings.MaxTokensLimit);
        var count = Math.Min(wanted, maxTokens ?? wanted);
        var finish = fault.ToolCalls ? "tool_calls" : count < wanted ? "length" : "stop";
        var promptTokens = 0;
        foreach (var message in messages)
        {
            promptTokens += message.Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }

        return new CompletionPlan
        {
            Id = $"chatcmpl-emu-{seq}",
            Created = time.GetUtcNow().ToUnixTimeSeconds(),
            Model = request.Model ?? settings.Model,
            Tokens = EmulatorText.Tokens(prompt, count),
            FinishReason = finish,
            PromptTokens = Math.Max(1, promptTokens),
            IncludeUsage = request.StreamOptions?.IncludeUsage ?? false,
            Fault = fault,
            FirstTokenDelay = fault.TtftMs is { } ttft ? TimeSpan.FromMilliseconds(ttft) : settings.FirstTokenDelay,
            TokensPerSecond = fault.TokensPerSecond ?? settings.TokensPerSecond,
        };
    }
}
