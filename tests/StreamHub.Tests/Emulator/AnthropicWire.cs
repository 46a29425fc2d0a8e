using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StreamHub.Tests.Emulator;

/// <summary>Raw-HTTP helpers for <c>/v1/messages</c>: Anthropic's headers, and reading its named events.</summary>
internal static class AnthropicWire
{
    public static readonly (string, string)[] Headers = [("x-api-key", "sk-ant-test"), ("anthropic-version", "2023-06-01")];

    public static Task<HttpResponseMessage> PostAsync(EmulatorClient emulator, string json, IEnumerable<(string, string)>? headers = null) =>
        emulator.PostAsync("v1/messages", json, headers ?? Headers);

    public static string Body(string prompt, bool stream = true, int maxTokens = 1024, string extra = "") =>
        $$"""{"model":"claude-emulated","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}}{{extra}},"messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}]}""";

    /// <summary>Every event, checked to carry its type both as the SSE event name and in its data.</summary>
    public static async Task<List<(string Name, JsonElement Data)>> ReadAsync(HttpResponseMessage response)
    {
        var items = await EmulatorClient.ReadEventsAsync(response);
        var events = items.Select(i => (i.EventType, JsonDocument.Parse(i.Data).RootElement)).ToList();
        Assert.All(events, e => Assert.Equal(e.EventType, e.RootElement.GetProperty("type").GetString()));
        return events;
    }

    /// <summary>The joined <c>delta.{field}</c> of every <c>content_block_delta</c> of one delta type.</summary>
    public static string Deltas(IEnumerable<(string Name, JsonElement Data)> events, string deltaType, string field) => string.Concat(events
        .Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("delta").GetProperty("type").GetString() == deltaType)
        .Select(e => e.Data.GetProperty("delta").GetProperty(field).GetString()));

    public static JsonElement MessageDelta(IEnumerable<(string Name, JsonElement Data)> events) => events.Single(e => e.Name == "message_delta").Data;
}
