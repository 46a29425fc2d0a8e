using System.Text.Json;
using StreamHub.Emulator;
using static StreamHub.Tests.Emulator.OpenAiChunks;

namespace StreamHub.Tests.Emulator;

/// <summary>Reasoning per dialect, refusals and the usage details (cached and reasoning tokens).</summary>
public sealed class ChatReasoningTests : IAsyncLifetime
{
    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ChatCompletions_DeepSeekReasoning_ReasoningContentThenAnswerWithUsageDetails()
    {
        var chunks = await StreamAsync("[emulator: dialect=deepseek reasoning=5 cached=3] think", maxTokens: 4);

        Assert.Equal(string.Concat(EmulatorText.Reasoning("think", 5)), Text(chunks, "reasoning_content"));
        Assert.Equal(EmulatorText.Text("think", 4), Text(chunks, "content"));
        var firstContent = chunks.FindIndex(c => Delta(c).TryGetProperty("content", out var v) && v.ValueKind == JsonValueKind.String);
        Assert.True(chunks.FindLastIndex(c => Delta(c).TryGetProperty("reasoning_content", out var v) && v.ValueKind == JsonValueKind.String) < firstContent);
        var usage = chunks.Single(c => c.TryGetProperty("usage", out _)).GetProperty("usage");
        Assert.Equal(9, usage.GetProperty("completion_tokens").GetInt32()); // four answer tokens and five reasoning tokens
        Assert.Equal(5, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(3, usage.GetProperty("prompt_cache_hit_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_OllamaReasoning_UsesTheReasoningField()
    {
        var chunks = await StreamAsync("[emulator: dialect=ollama reasoning=3] ponder", maxTokens: 2);

        Assert.Equal(string.Concat(EmulatorText.Reasoning("ponder", 3)), Text(chunks, "reasoning"));
        Assert.Equal(string.Empty, Text(chunks, "reasoning_content"));
        Assert.Equal(EmulatorText.Text("ponder", 2), Text(chunks, "content"));
    }

    [Fact]
    public async Task ChatCompletions_CachedAndHiddenReasoning_UsageDetailsWithoutReasoningText()
    {
        var chunks = await StreamAsync("[emulator: cached=40 reasoning-tokens=7] long prompt", maxTokens: 3);

        Assert.Equal(string.Empty, Text(chunks, "reasoning_content"));
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(40, usage.GetProperty("prompt_tokens").GetInt32()); // raised to the cached count
        Assert.Equal(40, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(10, usage.GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletions_Refusal_StreamsRefusalDeltasAndNoContent()
    {
        var chunks = await StreamAsync("[emulator: refusal] something bad", maxTokens: 8);

        Assert.Equal("I'm sorry, but I can't help with that.", Text(chunks, "refusal"));
        Assert.Equal(string.Empty, Text(chunks, "content"));
        Assert.Equal("stop", FinishReason(chunks));
    }

    [Fact]
    public async Task ChatCompletions_NotStreaming_MessageCarriesRefusalOrReasoning()
    {
        var refusal = await CompleteAsync("[emulator: refusal] no");
        var reasoning = await CompleteAsync("[emulator: dialect=deepseek reasoning=2] yes");

        Assert.Equal(JsonValueKind.Null, refusal.GetProperty("content").ValueKind);
        Assert.Equal("I'm sorry, but I can't help with that.", refusal.GetProperty("refusal").GetString());
        Assert.Equal(string.Concat(EmulatorText.Reasoning("yes", 2)), reasoning.GetProperty("reasoning_content").GetString());
        Assert.Equal(EmulatorText.Text("yes", 24), reasoning.GetProperty("content").GetString());
    }

    private async Task<List<JsonElement>> StreamAsync(string prompt, int maxTokens)
    {
        var body = JsonSerializer.Serialize(new
        {
            model = "m",
            stream = true,
            max_tokens = maxTokens,
            stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = prompt } },
        });
        using var response = await _emulator.PostAsync("v1/chat/completions", body);
        return await EmulatorClient.ReadChunksAsync(response);
    }

    private async Task<JsonElement> CompleteAsync(string prompt)
    {
        var body = JsonSerializer.Serialize(new { model = "m", messages = new[] { new { role = "user", content = prompt } } });
        using var response = await _emulator.PostAsync("v1/chat/completions", body);
        return (await EmulatorClient.ReadJsonAsync(response)).GetProperty("choices")[0].GetProperty("message");
    }
}
