using System.Text.Json;
using StreamHub.Emulator;
using static StreamHub.Tests.Emulator.AnthropicWire;

namespace StreamHub.Tests.Emulator;

/// <summary><c>/v1/messages</c> over raw HTTP: the event sequence, stop reasons, usage, thinking and tool use.</summary>
public sealed class AnthropicMessagesTests : IAsyncLifetime
{
    private const string Weather = ""","tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}},{"name":"get_time","input_schema":{"type":"object","properties":{"zone":{"type":"string"}}}}]""";

    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Messages_Stream_EventsInAnthropicsOrderWithTextAndUsage()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: cached=7 cache-write=3] tell me"));
        var events = await ReadAsync(response);

        var names = events.Select(e => e.Name).ToList();
        Assert.Equal(["message_start", "content_block_start", "ping"], names.Take(3));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names.TakeLast(3));
        Assert.Equal(24, names.Count(n => n == "content_block_delta"));
        Assert.Equal(EmulatorText.Text("tell me", 24), Deltas(events, "text_delta", "text"));
        var start = events[0].Data.GetProperty("message");
        Assert.Equal(("assistant", "claude-emulated"), (start.GetProperty("role").GetString(), start.GetProperty("model").GetString()));
        Assert.Equal(7, start.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(3, start.GetProperty("usage").GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.True(start.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        Assert.Equal("end_turn", MessageDelta(events).GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(24, MessageDelta(events).GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.Equal("req_emu_1", response.Headers.GetValues("request-id").Single());
    }

    [Fact]
    public async Task Messages_MaxTokensBelowTheAnswer_StopReasonMaxTokens()
    {
        using var response = await PostAsync(_emulator, Body("long one", maxTokens: 5));
        var events = await ReadAsync(response);

        Assert.Equal(EmulatorText.Text("long one", 5), Deltas(events, "text_delta", "text"));
        Assert.Equal("max_tokens", MessageDelta(events).GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Messages_StopSequenceInTheAnswer_StopReasonStopSequence()
    {
        var stop = EmulatorText.Tokens("halt", 24)[4];
        var full = EmulatorText.Text("halt", 24);
        using var response = await PostAsync(_emulator, Body("halt", extra: $$""","stop_sequences":[{{JsonSerializer.Serialize(stop)}}]"""));
        var events = await ReadAsync(response);

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], Deltas(events, "text_delta", "text"));
        var delta = MessageDelta(events).GetProperty("delta");
        Assert.Equal(("stop_sequence", stop), (delta.GetProperty("stop_reason").GetString(), delta.GetProperty("stop_sequence").GetString()));
    }

    [Fact]
    public async Task Messages_ThinkingEnabled_ThinkingBlockWithSignatureBeforeText()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: reasoning=4] deep", maxTokens: 2048, extra: ""","thinking":{"type":"enabled","budget_tokens":1024}"""));
        var events = await ReadAsync(response);

        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data.GetProperty("content_block").GetProperty("type").GetString());
        Assert.Equal(["thinking", "text"], starts);
        Assert.Equal(string.Concat(EmulatorText.Reasoning("deep", 4)), Deltas(events, "thinking_delta", "thinking"));
        Assert.False(string.IsNullOrEmpty(Deltas(events, "signature_delta", "signature")));
        Assert.Equal(28, MessageDelta(events).GetProperty("usage").GetProperty("output_tokens").GetInt32()); // thinking counts as output
    }

    [Fact]
    public async Task Messages_ToolsAndQuestion_ToolUseBlocksWithInputInFragments()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: tools=2 arg-fragments=4] Lima", extra: Weather));
        var events = await ReadAsync(response);

        var blocks = events.Where(e => e.Name == "content_block_start").Select(e => e.Data.GetProperty("content_block")).ToList();
        Assert.Equal(["get_weather", "get_time"], blocks.Select(b => b.GetProperty("name").GetString()));
        Assert.All(blocks, b => Assert.StartsWith("toolu_", b.GetProperty("id").GetString(), StringComparison.Ordinal));
        var first = events.Where(e => e.Name == "content_block_delta" && e.Data.GetProperty("index").GetInt32() == 0).ToList();
        Assert.Equal(4, first.Count);
        Assert.Equal("""{"city":"Lima"}""", string.Concat(first.Select(e => e.Data.GetProperty("delta").GetProperty("partial_json").GetString())));
        Assert.Equal("tool_use", MessageDelta(events).GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Messages_NotStreaming_MessageWithToolUseInputAsObject()
    {
        using var response = await PostAsync(_emulator, Body("Quito", stream: false, extra: Weather));
        var message = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal("message", message.GetProperty("type").GetString());
        var use = message.GetProperty("content").EnumerateArray().Single();
        Assert.Equal(("tool_use", "get_weather"), (use.GetProperty("type").GetString(), use.GetProperty("name").GetString()));
        Assert.Equal("Quito", use.GetProperty("input").GetProperty("city").GetString());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Messages_ToolChoiceNone_AnswersText()
    {
        using var response = await PostAsync(_emulator, Body("Oslo", stream: false, extra: Weather + ""","tool_choice":{"type":"none"}"""));
        var message = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(EmulatorText.Text("Oslo", 24), message.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
    }
}
