using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// What a <c>/v1/messages</c> caller asked for in Anthropic's terms, written for an OpenAI-dialect region: custom
/// tools (<c>{ name, description, input_schema }</c>) as functions, <c>tool_choice</c> <c>auto</c>/<c>any</c>/<c>tool</c>/<c>none</c>
/// as <c>auto</c>/<c>required</c>/a named function/<c>none</c> (<c>disable_parallel_tool_use</c> as
/// <c>parallel_tool_calls: false</c>), <c>thinking</c> as <c>reasoning_effort</c> (<see cref="ThinkingBudget"/>),
/// <c>metadata.user_id</c> as <c>user</c>; fields only Anthropic knows (<c>top_k</c>, <c>service_tier</c>,
/// <c>container</c>, <c>mcp_servers</c>, <c>context_management</c>) are left out. OpenAI-shaped input passes unchanged.
/// </summary>
internal static class AnthropicOptionsForOpenAi
{
    /// <summary>The field a tool result keeps Anthropic's <c>is_error</c> in; OpenAI has none.</summary>
    public const string IsErrorField = "is_error";

    private static readonly HashSet<string> AnthropicOnly = new(StringComparer.Ordinal)
    {
        "thinking", "metadata", "top_k", "service_tier", "container", "mcp_servers", "context_management",
    };

    /// <summary>An Anthropic <c>thinking</c> or <c>redacted_thinking</c> block kept as a part of an assistant message.</summary>
    public static bool IsThinking(ContentPart part) => part.Type is "thinking" or "redacted_thinking";

    /// <summary>Each tool in OpenAI's shape: an Anthropic custom tool becomes a function, anything else goes as it came.</summary>
    public static void WriteTools(Utf8JsonWriter writer, JsonElement tools)
    {
        writer.WriteStartArray();
        foreach (var tool in tools.EnumerateArray())
        {
            if (IsAnthropicCustomTool(tool))
            {
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WritePropertyName("name"u8);
                tool.GetProperty("name"u8).WriteTo(writer);
                if (tool.TryGetProperty("description"u8, out var description))
                {
                    writer.WritePropertyName("description"u8);
                    description.WriteTo(writer);
                }

                if (tool.TryGetProperty("input_schema"u8, out var schema))
                {
                    writer.WritePropertyName("parameters"u8);
                    schema.WriteTo(writer);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                tool.WriteTo(writer);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>The tool choice in OpenAI's shape.</summary>
    public static void WriteToolChoice(Utf8JsonWriter writer, JsonElement choice)
    {
        switch (AnthropicChoiceType(choice))
        {
            case "auto":
                writer.WriteStringValue("auto"u8);
                break;
            case "tool" when choice.TryGetProperty("name"u8, out var name):
                writer.WriteStartObject();
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WritePropertyName("name"u8);
                name.WriteTo(writer);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case "any" or "tool":
                writer.WriteStringValue("required"u8);
                break;
            case "none":
                writer.WriteStringValue("none"u8);
                break;
            default:
                choice.WriteTo(writer);
                break;
        }
    }

    /// <summary>A <c>/v1/messages</c> caller's further fields, translated where OpenAI has a counterpart.</summary>
    public static void WriteFields(Utf8JsonWriter writer, GenerationOptions options)
    {
        foreach (var (name, value) in options.Extra)
        {
            if (!AnthropicOnly.Contains(name))
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        if (options.ReasoningEffort is null && options.Extra.TryGetValue("thinking", out var thinking) && ThinkingBudget.EffortOf(thinking) is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }

        if (options.Extra.TryGetValue("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("user_id"u8, out var user) && user.ValueKind == JsonValueKind.String)
        {
            writer.WriteString("user"u8, user.GetString());
        }

        if (options.Tools is not null && options.ToolChoice is { } choice && AnthropicChoiceType(choice) is not null
            && choice.TryGetProperty("disable_parallel_tool_use"u8, out var serial) && serial.ValueKind == JsonValueKind.True)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, false);
        }
    }

    /// <summary>An Anthropic custom tool: a name and an input schema, no OpenAI <c>function</c>.</summary>
    private static bool IsAnthropicCustomTool(JsonElement tool)
        => tool.ValueKind == JsonValueKind.Object && !tool.TryGetProperty("function"u8, out _)
            && tool.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String
            && (!tool.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String || type.ValueEquals("custom"u8))
            && tool.TryGetProperty("input_schema"u8, out _);

    /// <summary>The type of an Anthropic tool choice object (no OpenAI choice has one of these types); null for OpenAI's.</summary>
    private static string? AnthropicChoiceType(JsonElement choice)
        => choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() is "auto" or "any" or "tool" or "none" ? type.GetString() : null;
}
