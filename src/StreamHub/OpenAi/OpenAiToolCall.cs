using System.Text.Json;

namespace StreamHub.OpenAi;

/// <summary>One entry of OpenAI's <c>tool_calls</c>, written once for both answer shapes.</summary>
internal static class OpenAiToolCall
{
    /// <summary>
    /// A delta carries its <paramref name="index"/>, and id, type and name on the call's first delta only; a
    /// whole call (non-streamed) has no index. Arguments are always a string, empty when none came.
    /// </summary>
    public static void Write(Utf8JsonWriter json, int? index, string? id, string? name, string? arguments)
    {
        json.WriteStartObject();
        if (index is { } i)
        {
            json.WriteNumber("index"u8, i);
        }

        if (id is not null)
        {
            json.WriteString("id"u8, id);
            json.WriteString("type"u8, "function"u8);
        }

        json.WriteStartObject("function"u8);
        if (name is not null)
        {
            json.WriteString("name"u8, name);
        }

        json.WriteString("arguments"u8, arguments ?? "");
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
