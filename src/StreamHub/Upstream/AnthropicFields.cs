using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// A request's further body fields for an Anthropic region. The hub's <c>extra</c> and a <c>/v1/messages</c>
/// caller's fields go as they came (<c>thinking</c>, <c>top_k</c>, <c>metadata</c>, …). An OpenAI caller's are
/// translated where the Messages API has a counterpart (<c>user</c> as <c>metadata.user_id</c>;
/// <c>parallel_tool_calls</c> is <see cref="AnthropicTools"/>'), and those only OpenAI knows (penalties, log
/// probabilities, <c>n</c>, <c>store</c>, OpenAI's <c>metadata</c>, …) are left out: Anthropic refuses unknown fields.
/// Others, which neither side names, go as they came.
/// </summary>
internal static class AnthropicFields
{
    private static readonly HashSet<string> OpenAiOnly = new(StringComparer.Ordinal)
    {
        "user", "parallel_tool_calls", "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs",
        "n", "store", "metadata", "modalities", "audio", "prediction", "service_tier", "web_search_options", "verbosity",
        "prompt_cache_key", "safety_identifier", "stream_options", "functions", "function_call",
    };

    /// <param name="mayThink">False: a <c>thinking</c> field is left out (<see cref="AnthropicThinking.MayContinue"/>).</param>
    public static void Write(Utf8JsonWriter writer, GenerationOptions options, bool mayThink = true)
    {
        var openAi = options.FieldsDialect == Dialect.OpenAi;
        foreach (var (name, value) in options.Extra)
        {
            if ((!openAi || !OpenAiOnly.Contains(name)) && (mayThink || name != "thinking"))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        if (openAi && options.Extra.TryGetValue("user", out var user) && user.ValueKind == JsonValueKind.String)
        {
            writer.WriteStartObject("metadata"u8);
            writer.WriteString("user_id"u8, user.GetString());
            writer.WriteEndObject();
        }
    }
}
