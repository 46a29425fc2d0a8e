using System.Text.Json;
using StreamHub.Emulator;
using static StreamHub.Tests.Emulator.OpenAiChunks;

namespace StreamHub.Tests.Emulator;

/// <summary>The emulator answers like a model with tools: a call for a question, text quoting a tool result.</summary>
public sealed class ChatToolCallTests : IAsyncLifetime
{
    private const string Weather = """{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":2},"detailed":{"type":"boolean"}},"required":["location","unit","days"]}}}""";
    private const string Time = """{"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}}""";

    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ChatCompletions_ToolsAndUserQuestion_StreamsOneCallWithArgumentsInFragments()
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tools":[{{Weather}}],"messages":[{"role":"user","content":"Paris"}]}""");
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        var call = Assert.Single(ToolCalls(chunks));
        Assert.Equal(("function", "get_weather"), (call.Type, call.Name));
        Assert.StartsWith("call_", call.Id, StringComparison.Ordinal);
        Assert.True(call.Deltas >= 3, $"arguments came in {call.Deltas} deltas");
        using var args = JsonDocument.Parse(call.Arguments);
        Assert.Equal("""{"location":"Paris","unit":"celsius","days":2}""", JsonSerializer.Serialize(args.RootElement));
        Assert.Equal("tool_calls", FinishReason(chunks));
        Assert.Equal(string.Empty, Text(chunks, "content"));
    }

    [Fact]
    public async Task ChatCompletions_ToolResultTurn_AnswersTextQuotingTheResult()
    {
        using var response = await PostAsync($$$"""
            {"model":"m","stream":true,"tools":[{{{Weather}}}],"messages":[
              {"role":"user","content":"Paris"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"21 °C and sunny"}]}
            """);
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.Contains("\"21 °C and sunny\"", Text(chunks, "content"), StringComparison.Ordinal);
        Assert.Empty(ToolDeltas(chunks));
        Assert.Equal("stop", FinishReason(chunks));
    }

    [Fact]
    public async Task ChatCompletions_TwoParallelCalls_DeltasInterleavedByIndex()
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tools":[{{Weather}},{{Time}}],"messages":[{"role":"user","content":"[emulator: tools=2 parallel arg-fragments=4] Oslo"}]}""");
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.Equal([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], ToolDeltas(chunks).Select(d => d.Index));
        var calls = ToolCalls(chunks);
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.Equal("""{"zone":"Oslo"}""", calls[1].Arguments);
        Assert.NotEqual(calls[0].Id, calls[1].Id);
    }

    [Fact]
    public async Task ChatCompletions_ThreeCallsNotParallel_OneCallAfterTheOther()
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tools":[{{Weather}},{{Time}}],"messages":[{"role":"user","content":"[emulator: tools=3 arg-fragments=2] Rome"}]}""");
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], ToolDeltas(chunks).Select(d => d.Index));
        Assert.Equal(["get_weather", "get_time", "get_weather"], ToolCalls(chunks).Select(c => c.Name));
    }

    [Theory]
    [InlineData("\"none\"", null)]
    [InlineData("{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", "get_time")]
    public async Task ChatCompletions_ToolChoice_Honoured(string choice, string? expectedTool)
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tool_choice":{{choice}},"tools":[{{Weather}},{{Time}}],"messages":[{"role":"user","content":"Lima"}]}""");
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.Equal(expectedTool, ToolCalls(chunks).SingleOrDefault()?.Name);
        Assert.Equal(expectedTool is null ? EmulatorText.Text("Lima", 24) : string.Empty, Text(chunks, "content"));
    }

    [Fact]
    public async Task ChatCompletions_NotStreamingToolTurn_MessageCarriesToolCallsAndNullContent()
    {
        using var response = await PostAsync($$"""{"model":"m","tools":[{{Time}}],"messages":[{"role":"user","content":"Kyiv"}]}""");
        var choice = (await EmulatorClient.ReadJsonAsync(response)).GetProperty("choices")[0];

        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        var call = message.GetProperty("tool_calls")[0];
        Assert.Equal("get_time", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"zone":"Kyiv"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ChatCompletions_OllamaDialect_EachCallWholeInOneDelta()
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tools":[{{Time}}],"messages":[{"role":"user","content":"[emulator: dialect=ollama tools=2] Baku"}]}""");
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.All(ToolCalls(chunks), c => Assert.Equal((1, """{"zone":"Baku"}"""), (c.Deltas, c.Arguments)));
        Assert.Equal(2, ToolCalls(chunks).Count);
    }

    [Fact]
    public async Task ChatCompletions_DropAfterCountsArgumentFragments_CutsInsideTheCall()
    {
        using var response = await PostAsync($$"""{"model":"m","stream":true,"tools":[{{Time}}],"messages":[{"role":"user","content":"[emulator: arg-fragments=5 drop-after=2] Accra"}]}""");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var chunks = new List<JsonElement>();

        var thrown = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync().WaitAsync(EmulatorClient.Timeout) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    chunks.Add(JsonDocument.Parse(line[6..]).RootElement);
                }
            }
        });

        Assert.IsAssignableFrom<IOException>(thrown);
        Assert.Equal(3, ToolDeltas(chunks).Count); // the call's first delta, then two argument fragments
        Assert.Equal("get_time", ToolCalls(chunks)[0].Name);
    }

    private Task<HttpResponseMessage> PostAsync(string json) => _emulator.PostAsync("v1/chat/completions", json);
}
