using System.Text.Json;
using Microsoft.Extensions.Options;
using StreamHub.Emulator.Access;
using StreamHub.Emulator.Conversation;
using StreamHub.Emulator.Faults;
using StreamHub.Emulator.Recording;

namespace StreamHub.Emulator.Messages;

/// <summary>
/// <c>POST /v1/messages</c>, Anthropic's Messages API: <c>x-api-key</c> or a bearer token (401 <c>authentication_error</c>) and
/// <c>anthropic-version</c> (400) required, then the configured headers and query, the request checked as
/// Anthropic checks it, the model against <c>Emulator:Models</c> (404 <c>not_found_error</c>). The same fault
/// script and directives as the OpenAI side, and the same model behaviour (tool_use for a question when tools
/// are offered, text quoting a tool_result), with thinking blocks when <c>thinking</c> is enabled.
/// </summary>
internal sealed class MessagesEndpoint(
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
        http.Response.Headers["request-id"] = $"req_emu_{seq}";
        var (request, error) = Read(body);
        error = Deny(http.Request) ?? error ?? (request is not null && !gate.Knows(request.Model) ? new AnthropicError(404, "not_found_error", $"model: {request.Model}") : null);
        string? prompt = null;
        if (request is not null)
        {
            (prompt, var spec) = error is null ? faults.Choose(AnthropicTurn.PromptMessage(request).Text) : (string.Empty, null);
            record = record with
            {
                Model = request.Model,
                Messages = [.. request.Messages.Select(m => m.ToRecord())],
                MaxTokens = request.MaxTokens,
                Stream = request.Stream,
                Fault = spec,
                Tools = request.ToolNames,
                System = request.System,
            };
        }

        state.Record(error is null ? record : record with { Status = error.Status });
        if (error is not null)
        {
            await AnthropicErrors.WriteAsync(http, error, ct);
            return false;
        }

        FaultSpec fault;
        try
        {
            fault = FaultSpec.Parse(record.Fault);
        }
        catch (FormatException e)
        {
            await AnthropicErrors.WriteAsync(http, AnthropicError.Invalid(e.Message), ct);
            return false;
        }

        if (fault.HeaderDelayMs is { } headerDelay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(headerDelay), time, ct);
        }

        if (fault.Status is not null)
        {
            await AnthropicErrors.WriteStatusFaultAsync(http, fault, time, ct);
            return false;
        }

        var plan = Plan(request!, prompt!, fault, seq);
        return request!.Stream
            ? await new AnthropicStreamingResponse(http, plan, time).WriteAsync(ct)
            : await AnthropicNonStreamingResponse.WriteAsync(http, plan, time, ct);
    }

    private AnthropicError? Deny(HttpRequest request)
    {
        // The official SDKs send the key as x-api-key or, lately, as a bearer token; either is a credential.
        var bearer = request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(request.Headers["x-api-key"]) && !bearer)
        {
            return new AnthropicError(401, "authentication_error", "x-api-key header is required");
        }

        if (gate.CredentialFailure(request) is { } failure)
        {
            return new AnthropicError(401, "authentication_error", failure);
        }

        return string.IsNullOrEmpty(request.Headers["anthropic-version"])
            ? AnthropicError.Invalid("anthropic-version: header is required")
            : null;
    }

    private static (AnthropicRequest? Request, AnthropicError? Error) Read(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return (AnthropicRequestReader.Read(document.RootElement), null);
        }
        catch (JsonException e)
        {
            return (null, AnthropicError.Invalid($"The body is not valid JSON: {e.Message}"));
        }
        catch (FormatException e)
        {
            return (null, AnthropicError.Invalid(e.Message));
        }
    }

    private AnthropicPlan Plan(AnthropicRequest request, string prompt, FaultSpec fault, long seq)
    {
        var settings = options.Value;

        // A model stops when it is done: the answer's length is tokens= or the default, cut by max_tokens.
        var wanted = Math.Min(fault.Tokens ?? settings.DefaultMaxTokens, settings.MaxTokensLimit);
        var cap = Math.Min(request.MaxTokens!.Value, settings.MaxTokensLimit);
        var style = new ReplyStyle("toolu_emu_", 3, DefaultReasoning: request.Thinking, CountDefaultReasoning: true);
        var reply = ReplyPlanner.Plan(AnthropicTurn.From(request, prompt), fault, wanted, cap, seq, style);
        var words = (request.System ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length
            + request.Messages.Sum(m => m.ToRecord().Content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        return new AnthropicPlan
        {
            Id = $"msg_emu_{seq}",
            Model = request.Model ?? settings.Model,
            Reply = reply,
            InputTokens = fault.PromptTokens ?? Math.Max(1, words),
            Fault = fault,
            FirstTokenDelay = fault.TtftMs is { } ttft ? TimeSpan.FromMilliseconds(ttft) : settings.FirstTokenDelay,
            TokensPerSecond = fault.TokensPerSecond ?? settings.TokensPerSecond,
        };
    }
}
