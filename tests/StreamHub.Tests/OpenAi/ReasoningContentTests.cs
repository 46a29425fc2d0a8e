using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// Reasoning the upstream streams (<c>[emulator: reasoning=3]</c>) leaves <c>/v1</c> as <c>delta.reasoning_content</c>,
/// its own chunks ahead of the answer, never mixed into <c>content</c>. Read as raw SSE: the OpenAI SDKs do not
/// expose the field.
/// </summary>
public sealed class ReasoningContentTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private const string Prompt = "Tell me about rivers";

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Post_StreamingReasoningDirective_ReasoningContentChunksPrecedeTheAnswerAndCarryNoContent()
    {
        var chunks = await StreamAsync($$"""
            {"model":"emulator-1","stream":true,"stream_options":{"include_usage":true},"max_tokens":6,
             "messages":[{"role":"user","content":"[emulator: reasoning=3] {{Prompt}}"}]}
            """);

        var deltas = Deltas(chunks);
        var reasoning = deltas.Where(d => d.TryGetProperty("reasoning_content", out _)).ToList();
        Assert.Equal(EmulatorText.Reasoning(Prompt, 3), reasoning.Select(d => d.GetProperty("reasoning_content").GetString()));
        Assert.All(reasoning, d => Assert.False(d.TryGetProperty("content", out _), $"a reasoning delta carries content: {d}"));
        Assert.Equal(EmulatorText.Text(Prompt, 6), string.Concat(deltas.Select(d => d.TryGetProperty("content", out var c) ? c.GetString() : null)));
        var firstAnswer = deltas.FindIndex(d => d.TryGetProperty("content", out var c) && c.GetString() is { Length: > 0 });
        Assert.True(firstAnswer > deltas.IndexOf(reasoning[^1]), "the answer began before the reasoning ended");

        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(3, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(9, usage.GetProperty("completion_tokens").GetInt32()); // six answer tokens and the three of reasoning
    }

    [Fact]
    public async Task Post_StreamingReasoningBeforeToolCalls_ReasoningContentThenToolCallsAndNoContent()
    {
        var chunks = await StreamAsync("""
            {"model":"emulator-1","stream":true,
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],
             "messages":[{"role":"user","content":"[emulator: reasoning=3] Nairobi"}]}
            """);

        var deltas = Deltas(chunks);
        var kinds = deltas.Select(d => d.TryGetProperty("reasoning_content", out _) ? "reasoning" : d.TryGetProperty("tool_calls", out _) ? "call" : null)
            .Where(k => k is not null).Distinct();
        Assert.Equal(["reasoning", "call"], kinds);
        Assert.Equal(string.Concat(EmulatorText.Reasoning("Nairobi", 3)), Concat(deltas, "reasoning_content"));
        Assert.Equal("", Concat(deltas, "content"));
        Assert.Equal("tool_calls", chunks.Last(c => c.GetProperty("choices").GetArrayLength() > 0).GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task CompleteChatStreaming_ReasoningDirective_SdkContentIsTheAnswerAlone()
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var text = new StringBuilder();

        await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync(
            [new UserChatMessage($"[emulator: reasoning=3] {Prompt}")], new ChatCompletionOptions { MaxOutputTokenCount = 6 }, timeout.Token))
        {
            text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal(EmulatorText.Text(Prompt, 6), text.ToString());
    }

    private async Task<List<JsonElement>> StreamAsync(string body)
    {
        using var http = Http(_server);
        using var response = await http.PostAsync("v1/chat/completions", Json(body)).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(200, (int)response.StatusCode);
        var events = await ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        return [.. events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement)];
    }

    /// <summary>Each chunk's <c>delta</c> (the usage chunk has no choice, so none).</summary>
    private static List<JsonElement> Deltas(IEnumerable<JsonElement> chunks) => [.. chunks
        .Select(c => c.GetProperty("choices"))
        .Where(c => c.GetArrayLength() > 0)
        .Select(c => c[0].GetProperty("delta"))];

    private static string Concat(IEnumerable<JsonElement> deltas, string field)
        => string.Concat(deltas.Select(d => d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null));
}
