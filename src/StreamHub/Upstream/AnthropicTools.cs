using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Tools and tool choice for an Anthropic region. An OpenAI function (<c>{ type: "function", function: { name,
/// description, parameters } }</c>) becomes a custom tool (<c>{ name, description, input_schema }</c>, the parameters or
/// an empty object schema; a <c>cache_control</c> beside it kept); Anthropic's own tools (from <c>/v1/messages</c>)
/// go as they came. <c>tool_choice</c> <c>auto</c>, <c>required</c>, <c>none</c> and a named function become
/// <c>auto</c>, <c>any</c>, <c>none</c> and <c>tool</c>; an OpenAI caller's <c>parallel_tool_calls: false</c> becomes
/// <c>disable_parallel_tool_use</c>. No tools, no tool choice: Anthropic refuses one without the other.
/// </summary>
internal static class AnthropicTools
{
    public static void Write(Utf8JsonWriter writer, GenerationOptions options)
    {
        if (options.Tools is not { ValueKind: JsonValueKind.Array } tools || tools.GetArrayLength() == 0)
        {
            return;
        }

        writer.WriteStartArray("tools"u8);
        foreach (var tool in tools.EnumerateArray())
        {
            WriteTool(writer, tool);
        }

        writer.WriteEndArray();
        var serial = options.FieldsDialect == Dialect.OpenAi
            && options.Extra.TryGetValue("parallel_tool_calls", out var parallel) && parallel.ValueKind == JsonValueKind.False;
        if (options.ToolChoice is { } choice)
        {
            WriteChoice(writer, choice, serial);
        }
        else if (serial)
        {
            WriteChoice(writer, "auto", name: default, serial);
        }
    }

    /// <summary>Whether the choice makes the model call a tool (Anthropic refuses thinking beside it).</summary>
    public static bool ForcesTool(JsonElement? choice) => choice switch
    {
        { ValueKind: JsonValueKind.String } text => text.ValueEquals("required"u8),
        { ValueKind: JsonValueKind.Object } json => json.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() is "function" or "any" or "tool",
        _ => false,
    };

    private static void WriteTool(Utf8JsonWriter writer, JsonElement tool)
    {
        if (!tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
        {
            tool.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WritePropertyName("name"u8);
        function.GetProperty("name"u8).WriteTo(writer);
        if (function.TryGetProperty("description"u8, out var description) && description.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("description"u8);
            description.WriteTo(writer);
        }

        writer.WritePropertyName("input_schema"u8);
        if (function.TryGetProperty("parameters"u8, out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            schema.WriteTo(writer);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "object"u8);
            writer.WriteStartObject("properties"u8);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (tool.TryGetProperty("cache_control"u8, out var cache))
        {
            writer.WritePropertyName("cache_control"u8);
            cache.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteChoice(Utf8JsonWriter writer, JsonElement choice, bool serial)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            var type = choice.GetString() switch
            {
                "required" => "any",
                "none" => "none",
                _ => "auto",
            };
            WriteChoice(writer, type, name: default, serial);
            return;
        }

        if (choice.TryGetProperty("function"u8, out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name"u8, out var name))
        {
            WriteChoice(writer, "tool", name, serial);
            return;
        }

        if (choice.TryGetProperty("type"u8, out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() is "auto" or "any" or "tool" or "none")
        {
            writer.WritePropertyName("tool_choice"u8);
            choice.WriteTo(writer); // Anthropic's own, from /v1/messages
            return;
        }

        WriteChoice(writer, "auto", name: default, serial); // OpenAI's allowed_tools and custom choices: the model decides
    }

    private static void WriteChoice(Utf8JsonWriter writer, string type, JsonElement name, bool serial)
    {
        writer.WriteStartObject("tool_choice"u8);
        writer.WriteString("type"u8, type);
        if (name.ValueKind == JsonValueKind.String)
        {
            writer.WritePropertyName("name"u8);
            name.WriteTo(writer);
        }

        if (serial && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        writer.WriteEndObject();
    }
}
