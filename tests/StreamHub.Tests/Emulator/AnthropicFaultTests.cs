using System.Net;
using System.Text.Json;
using StreamHub.Emulator;
using static StreamHub.Tests.Emulator.AnthropicWire;

namespace StreamHub.Tests.Emulator;

/// <summary>The fault directives and the script on <c>/v1/messages</c>, answered the way Anthropic fails.</summary>
public sealed class AnthropicFaultTests : IAsyncLifetime
{
    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Theory]
    [InlineData("status=429 retry-after=3", 429, "rate_limit_error")]
    [InlineData("status=529", 529, "overloaded_error")]
    [InlineData("status=500", 500, "api_error")]
    [InlineData("status=401", 401, "authentication_error")]
    public async Task Messages_StatusDirective_AnthropicErrorBody(string fault, int status, string type)
    {
        using var response = await PostAsync(_emulator, Body($"[emulator: {fault}] hi"));
        var error = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(3) : null, response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Messages_ScriptedFault_AppliesToMessagesToo()
    {
        _emulator.Server.State.SetScript(["status=529", ""]);

        using var first = await PostAsync(_emulator, Body("one", stream: false));
        using var second = await PostAsync(_emulator, Body("two", stream: false));

        Assert.Equal((529, HttpStatusCode.OK), ((int)first.StatusCode, second.StatusCode));
    }

    [Fact]
    public async Task Messages_ErrorAfter_ErrorEventOverloadedAndNoMessageStop()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: error-after=2] fail"));
        var events = await ReadAsync(response);

        Assert.Equal(EmulatorText.Text("fail", 2), Deltas(events, "text_delta", "text"));
        Assert.Equal("error", events[^1].Name);
        Assert.Equal("overloaded_error", events[^1].Data.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain(events, e => e.Name is "message_delta" or "message_stop");
    }

    [Fact]
    public async Task Messages_EndAfter_EndsWithoutMessageDelta()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: end-after=3] short"));
        var events = await ReadAsync(response);

        Assert.Equal(EmulatorText.Text("short", 3), Deltas(events, "text_delta", "text"));
        Assert.DoesNotContain(events, e => e.Name is "message_delta" or "message_stop");
    }

    [Fact]
    public async Task Messages_DropAfter_ConnectionCutAfterThoseDeltas()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: drop-after=2] cut"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var texts = new List<string>();

        var thrown = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync().WaitAsync(EmulatorClient.Timeout) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal) && JsonDocument.Parse(line[6..]).RootElement is var data
                    && data.GetProperty("type").GetString() == "content_block_delta")
                {
                    texts.Add(data.GetProperty("delta").GetProperty("text").GetString()!);
                }
            }
        });

        Assert.IsAssignableFrom<IOException>(thrown);
        Assert.Equal(EmulatorText.Tokens("cut", 2), texts);
    }

    [Fact]
    public async Task Messages_SplitUtf8Crlf_ParserSeesTheSameEvents()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: split-utf8 crlf] split", maxTokens: 9));
        var events = await ReadAsync(response);

        Assert.Equal(EmulatorText.Text("split", 9), Deltas(events, "text_delta", "text"));
        Assert.Equal("message_stop", events[^1].Name);
    }

    [Fact]
    public async Task Messages_KeepaliveWhileSlow_PingEventsBetweenDeltas()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: tps=10 tokens=3 keepalive-ms=30] slow"));
        var events = await ReadAsync(response);

        Assert.True(events.Count(e => e.Name == "ping") >= 3, $"{events.Count(e => e.Name == "ping")} pings");
        Assert.Equal(EmulatorText.Text("slow", 3), Deltas(events, "text_delta", "text"));
    }

    [Fact]
    public async Task Messages_MalformedAfter_EventDataIsNotJson()
    {
        using var response = await PostAsync(_emulator, Body("[emulator: malformed-after=1] broken"));
        var items = await EmulatorClient.ReadEventsAsync(response);

        Assert.Contains(items, i => i.EventType == "content_block_delta" && i.Data.EndsWith("unterminated", StringComparison.Ordinal));
        Assert.Equal("message_stop", items[^1].EventType);
    }

    [Fact]
    public async Task Messages_StallAfterThenClientCancels_StreamClosesAndIsCountedAborted()
    {
        using var cts = new CancellationTokenSource();
        var response = await PostAsync(_emulator, Body("[emulator: stall-after=1] wait"));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(EmulatorClient.Timeout) is { } line && !line.Contains("text_delta", StringComparison.Ordinal))
        {
        }

        Assert.Equal(string.Empty, await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(EmulatorClient.Timeout)); // the event's end
        Assert.Equal(1, _emulator.Server.State.OpenStreams);
        var next = reader.ReadLineAsync(cts.Token).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(EmulatorClient.Timeout));
        reader.Dispose();
        response.Dispose();
        var deadline = DateTime.UtcNow + EmulatorClient.Timeout;
        while (_emulator.Server.State.OpenStreams != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal((0, 1L), (_emulator.Server.State.OpenStreams, _emulator.Server.State.GetStats().AbortedStreams));
    }
}
