using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// The official OpenAI .NET SDK runs an agent loop through StreamHub's <c>/v1</c> as its users write one: the
/// second turn is built from what the first turn answered (streamed deltas assembled by index, or the
/// non-streamed completion), so a tool call StreamHub mangled on the way out comes back mangled and fails.
/// </summary>
public sealed class OpenAiAgentLoopTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    /// <summary>The emulator calls the first tool, its required string property filled with the question.</summary>
    private const string Question = "What is the weather in Nairobi?";

    /// <summary>Two calls at once, one of each tool (the emulator cycles through the offered tools), streamed interleaved.</summary>
    private const string Parallel = "[emulator: tools=2 parallel] Weather and time in Nairobi";

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather now", BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private static readonly ChatTool Time = ChatTool.CreateFunctionTool("get_time", "Local time", BinaryData.FromString(
        """{"type":"object","properties":{"zone":{"type":"string"},"verbose":{"type":"boolean"}},"required":["zone"]}"""));

    private static readonly Dictionary<string, string> Results = new()
    {
        ["get_weather"] = "Rain, 18 degrees",
        ["get_time"] = "14:05 EAT",
    };

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CompleteChatStreaming_OneToolCall_SecondTurnFromTheAssembledCallIsForwardedAndQuoted()
    {
        var (calls, finish, order, text) = await RunLoopAsync(Question, streaming: true);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertCalls([("get_weather", """{"city":"What is the weather in Nairobi?"}""")], calls);
        Assert.True(order.Count > 1, $"the call came in {order.Count} delta(s); the emulator splits arguments in fragments");
        AssertSecondTurn(calls, text);
    }

    [Fact]
    public async Task CompleteChatStreaming_TwoParallelCalls_SdkAssemblesInterleavedDeltasByIndex()
    {
        var (calls, finish, order, text) = await RunLoopAsync(Parallel, streaming: true);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertCalls(
            [("get_weather", """{"city":"Weather and time in Nairobi"}"""), ("get_time", """{"zone":"Weather and time in Nairobi"}""")],
            calls);
        Assert.True(order.Count >= 4, $"only {order.Count} tool-call deltas");
        Assert.Equal(Enumerable.Range(0, order.Count).Select(i => i % 2), order); // 0,1,0,1,…: neither call arrived in one piece
        AssertSecondTurn(calls, text);
    }

    [Fact]
    public async Task CompleteChat_OneToolCall_AssistantMessageFromTheCompletionIsForwardedAndQuoted()
    {
        var (calls, finish, _, text) = await RunLoopAsync(Question, streaming: false);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertCalls([("get_weather", """{"city":"What is the weather in Nairobi?"}""")], calls);
        AssertSecondTurn(calls, text);
    }

    [Fact]
    public async Task CompleteChat_TwoParallelCalls_BothCallsWholeInIndexOrderAndBothResultsQuoted()
    {
        var (calls, finish, _, text) = await RunLoopAsync(Parallel, streaming: false);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertCalls(
            [("get_weather", """{"city":"Weather and time in Nairobi"}"""), ("get_time", """{"zone":"Weather and time in Nairobi"}""")],
            calls);
        AssertSecondTurn(calls, text);
    }

    [Fact]
    public async Task CompleteChatStreaming_TextBeforeTheCall_AssistantMessageWithTextAndCallIsForwarded()
    {
        _server.Emulator.State.SetScript(["tokens=3", ""]); // turn one says three words first; turn two, the same question, none
        var (calls, finish, _, text) = await RunLoopAsync(Question, streaming: true);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        AssertCalls([("get_weather", """{"city":"What is the weather in Nairobi?"}""")], calls);
        AssertSecondTurn(calls, text);
        var assistant = _server.Emulator.State.GetRequests()[1].Messages[1];
        Assert.Equal((EmulatorText.Text(Question, 3), false), (assistant.Content, assistant.ContentIsNull));
    }

    [Fact]
    public async Task CompleteChatStreaming_NonAsciiArgumentsInManyFragments_AssembleByteForByte()
    {
        const string question = "Wetter in München, 東京 und 😀?";
        var (calls, finish, order, text) = await RunLoopAsync($"[emulator: tools=2 parallel arg-fragments=9] {question}", streaming: true);

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        // The emulator writes the arguments as System.Text.Json's relaxed encoder does: the emoji as its escaped surrogate pair.
        AssertCalls(
            [
                ("get_weather", """{"city":"Wetter in München, 東京 und \uD83D\uDE00?"}"""),
                ("get_time", """{"zone":"Wetter in München, 東京 und \uD83D\uDE00?"}"""),
            ],
            calls);
        Assert.All(calls, c => Assert.Equal(question, JsonNode.Parse(c.FunctionArguments.ToString())!.AsObject().Single().Value!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, order.Count).Select(i => i % 2), order);
        AssertSecondTurn(calls, text);
    }

    /// <summary>
    /// Turn one with both tools offered; turn two is the question, the assistant message the SDK user builds from
    /// turn one's answer, and one <see cref="ToolChatMessage"/> per call with its result.
    /// </summary>
    private async Task<(IReadOnlyList<ChatToolCall> Calls, ChatFinishReason? Finish, IReadOnlyList<int> Order, string Text)> RunLoopAsync(string question, bool streaming)
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var client = ChatClient(_server, AcmeKey);
        var options = new ChatCompletionOptions { Tools = { Weather, Time } };
        List<ChatMessage> messages = [new UserChatMessage(question)];
        IReadOnlyList<ChatToolCall> calls;
        ChatFinishReason? finish = null;
        IReadOnlyList<int> order = [];
        if (streaming)
        {
            var streamed = new StreamedToolCalls();
            var said = new StringBuilder();
            await foreach (var update in client.CompleteChatStreamingAsync(messages, options, timeout.Token))
            {
                streamed.Append(update);
                said.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
                finish ??= update.FinishReason;
            }

            (calls, order) = (streamed.Build(), streamed.Order);

            // As the SDK's own streaming tool sample does: the calls, and the text the model said first, if any.
            var assistant = new AssistantChatMessage(calls);
            if (said.Length > 0)
            {
                assistant.Content.Add(ChatMessageContentPart.CreateTextPart(said.ToString()));
            }

            messages.Add(assistant);
        }
        else
        {
            var completion = (await client.CompleteChatAsync(messages, options, timeout.Token)).Value;
            (calls, finish) = (completion.ToolCalls, completion.FinishReason);
            messages.Add(new AssistantChatMessage(completion));
        }

        foreach (var call in calls)
        {
            messages.Add(new ToolChatMessage(call.Id, Results[call.FunctionName]));
        }

        var text = new StringBuilder();
        if (streaming)
        {
            await foreach (var update in client.CompleteChatStreamingAsync(messages, options, timeout.Token))
            {
                text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
            }
        }
        else
        {
            text.AppendJoin(string.Empty, (await client.CompleteChatAsync(messages, options, timeout.Token)).Value.Content.Select(p => p.Text));
        }

        return (calls, finish, order, text.ToString());
    }

    /// <summary>The calls as the emulator made them: these names and arguments in index order, ids <c>call_emu_{request}_{index}</c>.</summary>
    private static void AssertCalls(IReadOnlyList<(string Name, string Arguments)> expected, IReadOnlyList<ChatToolCall> calls)
    {
        Assert.Equal(expected, calls.Select(c => (c.FunctionName, c.FunctionArguments.ToString())));
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.Equal(ChatToolCallKind.Function, calls[i].Kind);
            Assert.Matches($"^call_emu_[0-9]+_{i}$", calls[i].Id);
        }
    }

    /// <summary>Turn two reached the emulator with the calls unchanged and a result for each, and its answer quotes every result.</summary>
    private void AssertSecondTurn(IReadOnlyList<ChatToolCall> calls, string text)
    {
        var received = _server.Emulator.State.GetRequests();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(200, r.Status));
        Assert.Equal(["get_weather", "get_time"], received[0].Tools);
        var second = received[1];
        string[] roles = ["user", "assistant", .. calls.Select(_ => "tool")];
        Assert.Equal(roles, second.Messages.Select(m => m.Role));
        Assert.Equal(calls.Select(c => new EmulatorToolCall(c.Id, c.FunctionName, c.FunctionArguments.ToString())), second.Messages[1].ToolCalls);
        Assert.Equal(calls.Select(c => (c.Id, Results[c.FunctionName])), second.Messages.Skip(2).Select(m => (m.ToolCallId!, m.Content)));
        foreach (var call in calls)
        {
            Assert.Contains($"\"{Results[call.FunctionName]}\"", text, StringComparison.Ordinal);
        }
    }
}
