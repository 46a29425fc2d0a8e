using System.Text.Json;

namespace StreamHub.Tests.Emulator;

/// <summary>Reads OpenAI stream chunks the way an SDK does: joins deltas, assembles tool calls by index.</summary>
internal static class OpenAiChunks
{
    public static JsonElement Choice(JsonElement chunk) => chunk.GetProperty("choices")[0];

    public static JsonElement Delta(JsonElement chunk) => Choice(chunk).GetProperty("delta");

    /// <summary>The joined string deltas of one field (<c>content</c>, <c>refusal</c>, <c>reasoning_content</c>, …).</summary>
    public static string Text(IEnumerable<JsonElement> chunks, string field) => string.Concat(chunks
        .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
        .Select(c => Delta(c).TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null));

    public static string? FinishReason(IEnumerable<JsonElement> chunks) => chunks
        .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
        .Select(c => Choice(c).GetProperty("finish_reason"))
        .LastOrDefault(f => f.ValueKind == JsonValueKind.String).GetString();

    /// <summary>Every tool-call delta in order: its index and the raw delta object.</summary>
    public static List<(int Index, JsonElement Delta)> ToolDeltas(IEnumerable<JsonElement> chunks) => [.. chunks
        .Where(c => c.GetProperty("choices").GetArrayLength() > 0 && Delta(c).TryGetProperty("tool_calls", out _))
        .SelectMany(c => Delta(c).GetProperty("tool_calls").EnumerateArray())
        .Select(d => (d.GetProperty("index").GetInt32(), d))];

    /// <summary>The calls as an SDK assembles them: id and name from the first delta of each index, arguments joined.</summary>
    public static List<AssembledCall> ToolCalls(IEnumerable<JsonElement> chunks)
    {
        var calls = new SortedDictionary<int, AssembledCall>();
        foreach (var (index, delta) in ToolDeltas(chunks))
        {
            var function = delta.GetProperty("function");
            var fragment = function.TryGetProperty("arguments", out var a) ? a.GetString() ?? string.Empty : string.Empty;
            if (!calls.TryGetValue(index, out var call))
            {
                calls[index] = new AssembledCall(delta.GetProperty("id").GetString()!, delta.GetProperty("type").GetString()!,
                    function.GetProperty("name").GetString()!, fragment, 1);
                continue;
            }

            Assert.False(delta.TryGetProperty("id", out _), "only a call's first delta carries its id");
            Assert.False(function.TryGetProperty("name", out _), "only a call's first delta carries its name");
            calls[index] = call with { Arguments = call.Arguments + fragment, Deltas = call.Deltas + 1 };
        }

        return [.. calls.Values];
    }
}
