using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// Everything a completion carries, through <c>/v1/chat/completions</c> in OpenAI's shape, read by the official
/// OpenAI .NET SDK (2.15.0) and, for <c>reasoning_content</c> (which the SDK does not know), as raw JSON.
/// </summary>
public sealed class OpenAiEventsTests : IAsyncLifetime
{
    private const string Tools = "[emulator: tools=2 parallel reasoning=3 cached=5] what is the weather";
    private const string Refusal = "I'm sorry, but I can't help with that.";

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(Settings());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CompleteChatStreaming_ParallelToolCalls_SdkAssemblesEachCallWholeWithUsageDetails()
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var models = new HashSet<string?>();
        var content = new StringBuilder();

        await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync([new UserChatMessage(Tools)], cancellationToken: timeout.Token))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                var (id, name, arguments) = calls.TryGetValue(call.Index, out var seen) ? seen : (null, null, new StringBuilder());
                calls[call.Index] = (id ?? call.ToolCallId, name ?? call.FunctionName, arguments.Append(call.FunctionArgumentsUpdate?.ToString()));
            }

            content.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
            models.Add(update.Model);
        }

        Assert.Equal([0, 1], calls.Keys);
        Assert.All(calls.Values, c => Assert.Equal(("lookup", "{}"), (c.Name, c.Arguments.ToString())));
        Assert.All(calls.Values, c => Assert.StartsWith("call_", c.Id, StringComparison.Ordinal));
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal((5, 3), (usage?.InputTokenDetails?.CachedTokenCount, usage?.OutputTokenDetails?.ReasoningTokenCount));
        Assert.Equal(["emulator-1"], models);
        Assert.Equal("", content.ToString());
    }

    [Fact]
    public async Task CompleteChatStreaming_Refusal_SdkReadsItAsTheRefusalNotTheContent()
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var refusal = new StringBuilder();
        var content = new StringBuilder();

        await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync([new UserChatMessage("[emulator: refusal] help me")], cancellationToken: timeout.Token))
        {
            refusal.Append(update.RefusalUpdate);
            content.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal(Refusal, refusal.ToString());
        Assert.Equal("", content.ToString());
    }

    [Fact]
    public async Task CompleteChat_NotStreaming_AssemblesToolCallsUsageDetailsAndNullContent()
    {
        var completion = (await ChatClient(_server, AcmeKey).CompleteChatAsync([new UserChatMessage(Tools)]).WaitAsync(StreamHubServer.Timeout)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal(2, completion.ToolCalls.Count);
        Assert.All(completion.ToolCalls, c => Assert.Equal(("lookup", "{}"), (c.FunctionName, c.FunctionArguments.ToString())));
        Assert.Equal(2, completion.ToolCalls.Select(c => c.Id).Distinct().Count());
        Assert.Empty(completion.Content);
        Assert.Equal((5, 3), (completion.Usage.InputTokenDetails.CachedTokenCount, completion.Usage.OutputTokenDetails.ReasoningTokenCount));
    }

    [Fact]
    public async Task CompleteChat_NotStreamingRefusal_IsTheMessagesRefusal()
    {
        var completion = (await ChatClient(_server, AcmeKey).CompleteChatAsync([new UserChatMessage("[emulator: refusal] help me")]).WaitAsync(StreamHubServer.Timeout)).Value;

        Assert.Equal(Refusal, completion.Refusal);
        Assert.Empty(completion.Content);
    }

    [Fact]
    public async Task Post_StreamingReasoningDialect_ReasoningArrivesAsReasoningContentApartFromContent()
    {
        using var http = Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", Json("""
            {"model":"emulator-1","stream":true,"stream_options":{"include_usage":true},"max_tokens":6,"messages":[{"role":"user","content":"[emulator: dialect=deepseek cached=4] think"}]}
            """)).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        var chunks = events.TakeWhile(e => e != "[DONE]").Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Equal("Let me think this through.", Concat(chunks, "reasoning_content"));
        Assert.Equal(string.Concat(EmulatorTokens("think", 6)), Concat(chunks, "content"));
        var usage = chunks[^1].GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal("[DONE]", events[^1]);
    }

    [Fact]
    public async Task Post_StreamingToolCalls_FirstDeltaOfEachCallCarriesIdTypeAndName()
    {
        using var http = Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", Json($$"""
            {"model":"emulator-1","stream":true,"messages":[{"role":"user","content":"{{Tools}}"}]}
            """)).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        var deltas = events.TakeWhile(e => e != "[DONE]")
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c[0].GetProperty("delta").GetProperty("tool_calls")[0])
            .ToList();
        Assert.Equal([0, 1, 0, 1, 0, 1], deltas.Select(d => d.GetProperty("index").GetInt32()));
        Assert.All(deltas.Take(2), d => Assert.Equal(("function", "lookup", ""), (d.GetProperty("type").GetString(), d.GetProperty("function").GetProperty("name").GetString(), d.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.All(deltas.Skip(2), d => Assert.False(d.TryGetProperty("id", out _) || d.GetProperty("function").TryGetProperty("name", out _)));
    }

    [Fact]
    public async Task Post_NotStreamingReasoningDialect_MessageCarriesReasoningContent()
    {
        using var http = Http(_server);

        using var response = await http.PostAsync("v1/chat/completions", Json("""
            {"model":"emulator-1","max_tokens":5,"messages":[{"role":"user","content":"[emulator: dialect=ollama] think"}]}
            """)).WaitAsync(StreamHubServer.Timeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));

        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Let me think this through.", message.GetProperty("reasoning_content").GetString());
        Assert.Equal(string.Concat(EmulatorTokens("think", 5)), message.GetProperty("content").GetString());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("refusal").ValueKind);
        Assert.False(message.TryGetProperty("tool_calls", out _));
    }

    private static IReadOnlyList<string> EmulatorTokens(string prompt, int count) => StreamHub.Emulator.EmulatorText.Tokens(prompt, count);

    private static string Concat(IEnumerable<JsonElement> chunks, string field) => string.Concat(chunks
        .Select(c => c.GetProperty("choices"))
        .Where(c => c.GetArrayLength() > 0)
        .Select(c => c[0].GetProperty("delta").TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null));
}
