using System.Text.Json;
using Microsoft.Extensions.Options;
using StreamHub.Emulator.Access;
using StreamHub.Emulator.Conversation;
using StreamHub.Emulator.Faults;
using StreamHub.Emulator.Recording;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// <c>POST /v1/chat/completions</c>: reads and logs the request (raw body, headers, query, parsed chat), picks
/// its fault (the script wins over a directive), plans the reply and hands off to the streaming or
/// non-streaming writer. Every request is counted open until its <c>finally</c>, which is what lets tests
/// prove no upstream request outlives its caller.
/// </summary>
internal sealed class ChatCompletionEndpoint(
    EmulatorState state,
    FaultSelector faults,
    ProviderGate gate,
    IOptions<EmulatorOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime)
{
    public Task HandleAsync(HttpContext http) => StreamRunner.RunAsync(http, state, lifetime, (seq, ct) => ServeAsync(http, seq, ct));

    private async Task<bool> ServeAsync(HttpContext http, long seq, CancellationToken ct)
    {
        var body = await RequestCapture.ReadBodyAsync(http.Request, ct);
        var record = RequestCapture.Describe(http, body);
        var (request, error) = Read(body);
        error = Deny(http.Request) ?? error ?? (request is not null && !gate.Knows(request.Model) ? ModelNotFound(request.Model) : null);
        string? prompt = null;
        if (request is not null)
        {
            var messages = request.Messages!;
            var lastUser = messages.FindLast(m => m.Role == "user") ?? messages[^1];
            (prompt, var spec) = error is null ? faults.Choose(lastUser.ContentText()) : (string.Empty, null);
            record = record with
            {
                Model = request.Model,
                Messages = [.. messages.Select(m => m.ToRecord())],
                MaxTokens = request.MaxCompletionTokens ?? request.MaxTokens,
                Stream = request.Stream,
                Fault = spec,
                Tools = [.. (request.Tools ?? []).Select(t => t.Function?.Name ?? t.Type ?? string.Empty)],
            };
        }

        state.Record(error is null ? record : record with { Status = error.Status });
        if (error is not null)
        {
            await OpenAiErrors.WriteAsync(http, error, ct);
            return false;
        }

        FaultSpec fault;
        try
        {
            fault = FaultSpec.Parse(record.Fault);
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

        var plan = Plan(request!, prompt!, fault, seq);
        return request!.Stream
            ? await new StreamingResponse(http, plan, time).WriteAsync(ct)
            : await NonStreamingResponse.WriteAsync(http, plan, time, ct);
    }

    private OpenAiError? Deny(HttpRequest request) =>
        gate.CredentialFailure(request) is { } failure ? new OpenAiError(401, "invalid_request_error", "invalid_api_key", null, failure) : null;

    private static OpenAiError ModelNotFound(string? model) => new(404, "invalid_request_error", "model_not_found", "model",
        $"The model `{model}` does not exist or you do not have access to it.");

    /// <summary>The request, or the error to answer (the request too when it parsed, so the log shows it).</summary>
    private static (ChatRequest? Request, OpenAiError? Error) Read(byte[] body)
    {
        try
        {
            var request = JsonSerializer.Deserialize(body, OpenAiJsonContext.Default.ChatRequest);
            if (request is null)
            {
                return (null, OpenAiError.Invalid(null, "The body must be a JSON object."));
            }

            var error = ChatRequestValidator.Validate(request);
            return (request.Messages is { Count: > 0 } ? request : null, error);
        }
        catch (JsonException e)
        {
            return (null, new OpenAiError(400, "invalid_request_error", "invalid_json", null, $"The body is not valid JSON: {e.Message}"));
        }
    }

    private CompletionPlan Plan(ChatRequest request, string prompt, FaultSpec fault, long seq)
    {
        var settings = options.Value;
        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;

        // The "model" wants tokens= if given, else exactly max_tokens; max_tokens cutting it short is "length".
        var wanted = Math.Min(fault.Tokens ?? maxTokens ?? settings.DefaultMaxTokens, settings.MaxTokensLimit);
        var cap = Math.Min(maxTokens ?? wanted, settings.MaxTokensLimit);
        var style = new ReplyStyle("call_emu_", fault.Dialect == EmulatorDialect.Ollama ? 1 : 3,
            fault.Dialect is EmulatorDialect.DeepSeek or EmulatorDialect.Ollama, CountDefaultReasoning: false);
        var reply = ReplyPlanner.Plan(OpenAiTurn.From(request, prompt), fault, wanted, cap, seq, style);
        var promptTokens = 0;
        foreach (var message in request.Messages!)
        {
            promptTokens += message.ContentText().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        }

        return new CompletionPlan
        {
            Id = $"chatcmpl-emu-{seq}",
            Created = time.GetUtcNow().ToUnixTimeSeconds(),
            Model = request.Model ?? settings.Model,
            Reply = reply,
            PromptTokens = Math.Max(fault.PromptTokens ?? Math.Max(1, promptTokens), fault.CachedTokens ?? 0),
            IncludeUsage = request.StreamOptions?.IncludeUsage ?? false,
            Fault = fault,
            FirstTokenDelay = fault.TtftMs is { } ttft ? TimeSpan.FromMilliseconds(ttft) : settings.FirstTokenDelay,
            TokensPerSecond = fault.TokensPerSecond ?? settings.TokensPerSecond,
        };
    }
}
