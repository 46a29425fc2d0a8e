using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// A <see cref="ChatMessage"/> as the cluster keeps it with a resumable request, so that a survivor sends the
/// upstream exactly what the caller sent: every member the upstream body is written from, including those the
/// hub's own JSON leaves out (fields of an OpenAI caller's message StreamHub does not read, a tool call as it
/// came, a <c>content</c> that was absent). <c>{ role, content: text | [parts] | null, contentAbsent?,
/// toolCalls?: [{ id, type, function?, json? }], toolCallId?, name?, extra? }</c>.
/// </summary>
internal sealed class ResumableMessageJsonConverter : JsonConverter<ChatMessage>
{
    public override ChatMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var json = JsonElement.ParseValue(ref reader);
        var content = json.GetProperty("content");
        var message = new ChatMessage(json.GetProperty("role").GetString()!, content.ValueKind == JsonValueKind.String ? content.GetString() : null)
        {
            Parts = content.ValueKind == JsonValueKind.Array ? [.. content.EnumerateArray().Select(static part => ContentPart.FromJson(part))] : null,
            ContentAbsent = json.TryGetProperty("contentAbsent", out var absent) && absent.GetBoolean(),
            ToolCallId = OptionalString(json, "toolCallId"),
            Name = OptionalString(json, "name"),
        };
        if (json.TryGetProperty("toolCalls", out var calls))
        {
            message = message with { ToolCalls = [.. calls.EnumerateArray().Select(ReadToolCall)] };
        }

        if (json.TryGetProperty("extra", out var extra))
        {
            message = message with { Extra = extra.EnumerateObject().ToDictionary(static field => field.Name, static field => field.Value, StringComparer.Ordinal) };
        }

        return message;
    }

    public override void Write(Utf8JsonWriter writer, ChatMessage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("role", value.Role);
        writer.WritePropertyName("content");
        if (value.Parts is { } parts)
        {
            writer.WriteStartArray();
            foreach (var part in parts)
            {
                WriteAsItCame(writer, part.Json);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteStringValue(value.Content);
        }

        if (value.ContentAbsent)
        {
            writer.WriteBoolean("contentAbsent", true);
        }

        if (value.ToolCalls is { } calls)
        {
            writer.WriteStartArray("toolCalls");
            foreach (var call in calls)
            {
                WriteToolCall(writer, call);
            }

            writer.WriteEndArray();
        }

        WriteOptional(writer, "toolCallId", value.ToolCallId);
        WriteOptional(writer, "name", value.Name);
        if (value.Extra is { } extra)
        {
            writer.WriteStartObject("extra");
            foreach (var (name, field) in extra)
            {
                writer.WritePropertyName(name);
                WriteAsItCame(writer, field);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static ToolCall ReadToolCall(JsonElement call)
    {
        var function = call.TryGetProperty("function", out var f)
            ? new ToolCallFunction(f.GetProperty("name").GetString()!, f.GetProperty("arguments").GetString()!)
            : null;
        return new ToolCall(call.GetProperty("id").GetString()!, function)
        {
            Type = call.GetProperty("type").GetString()!,
            Json = call.TryGetProperty("json", out var json) ? json : null,
        };
    }

    private static void WriteToolCall(Utf8JsonWriter writer, ToolCall call)
    {
        writer.WriteStartObject();
        writer.WriteString("id", call.Id);
        writer.WriteString("type", call.Type);
        if (call.Function is { } function)
        {
            writer.WriteStartObject("function");
            writer.WriteString("name", function.Name);
            writer.WriteString("arguments", function.Arguments);
            writer.WriteEndObject();
        }

        if (call.Json is { } json)
        {
            writer.WritePropertyName("json");
            WriteAsItCame(writer, json);
        }

        writer.WriteEndObject();
    }

    /// <summary>The JSON's very bytes: re-escaping (<c>+</c> as <c>\u002B</c>) would change what <see cref="CompletionRequest.InputChars"/> counts.</summary>
    private static void WriteAsItCame(Utf8JsonWriter writer, JsonElement json) => writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(json), skipInputValidation: true);

    private static string? OptionalString(JsonElement json, string name)
        => json.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
