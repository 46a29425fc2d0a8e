using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Writes the Messages API body of an <see cref="UpstreamCall"/> for an Anthropic region: <c>model</c>,
/// <c>max_tokens</c> (the request's, else <see cref="UpstreamCall.TokenLimit"/>: Anthropic requires one), the chat
/// (<see cref="AnthropicMessageWriter"/>), <c>stream</c>, <c>temperature</c>, <c>top_p</c>, <c>stop</c> as
/// <c>stop_sequences</c>, tools and tool choice (<see cref="AnthropicTools"/>), <c>thinking</c> (the caller's own
/// <c>thinking</c> field as it came, else a budget for <c>reasoning_effort</c>: <see cref="ThinkingBudget"/>), and the
/// further fields (<see cref="AnthropicFields"/>). <c>seed</c> and <c>response_format</c> have no Messages API
/// counterpart and are left out. Thinking asked for by effort leaves out <c>temperature</c> and <c>top_p</c>, which
/// Anthropic refuses beside it, and is not asked for when the tool choice forces a tool, which it refuses too. No
/// thinking at all (the caller's own field included) follows an assistant turn that called tools without a signed
/// thinking block (<see cref="AnthropicThinking.MayContinue"/>): Anthropic refuses that turn otherwise.
/// </summary>
internal static class AnthropicRequestWriter
{
    public static void Write(Utf8JsonWriter writer, UpstreamCall call, string model)
    {
        var options = call.Options;
        var maxTokens = call.MaxTokens ?? call.TokenLimit;
        var mayThink = AnthropicThinking.MayContinue(call.Messages);
        var budget = !mayThink || options.Extra.ContainsKey("thinking") || AnthropicTools.ForcesTool(options.ToolChoice)
            ? null
            : ThinkingBudget.For(options.ReasoningEffort, maxTokens);

        writer.WriteStartObject();
        writer.WriteString("model"u8, model);
        writer.WriteNumber("max_tokens"u8, maxTokens);
        AnthropicSystemPrompt.Write(writer, call.Messages);
        new AnthropicMessageWriter(writer).WriteMessages(call.Messages);
        writer.WriteBoolean("stream"u8, true);
        if (call.Temperature is { } temperature && budget is null)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (options.TopP is { } topP && budget is null)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        WriteStopSequences(writer, options.Stop);
        AnthropicTools.Write(writer, options);
        if (budget is { } tokens)
        {
            writer.WriteStartObject("thinking"u8);
            writer.WriteString("type"u8, "enabled"u8);
            writer.WriteNumber("budget_tokens"u8, tokens);
            writer.WriteEndObject();
        }

        AnthropicFields.Write(writer, options, mayThink);
        writer.WriteEndObject();
    }

    private static void WriteStopSequences(Utf8JsonWriter writer, JsonElement? stop)
    {
        switch (stop)
        {
            case { ValueKind: JsonValueKind.String } one:
                writer.WriteStartArray("stop_sequences"u8);
                one.WriteTo(writer);
                writer.WriteEndArray();
                break;
            case { ValueKind: JsonValueKind.Array } many:
                writer.WritePropertyName("stop_sequences"u8);
                many.WriteTo(writer);
                break;
        }
    }
}
