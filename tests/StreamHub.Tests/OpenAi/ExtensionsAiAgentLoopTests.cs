using System.ClientModel;
using System.ClientModel.Primitives;
using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/> over the OpenAI SDK's chat client
/// (<c>AsIChatClient()</c>) pointed at StreamHub's <c>/v1</c> runs the loop by itself: it reads the tool calls
/// the emulator streamed, invokes real <see cref="AIFunction"/>s with their arguments, sends the results back
/// and returns the answer that quotes them.
/// </summary>
public sealed class ExtensionsAiAgentLoopTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private const string Question = "What is the weather in Nairobi?";
    private const string Parallel = "[emulator: tools=2 parallel] Weather and time in Nairobi";

    private readonly List<(string Name, string Argument)> _invoked = [];
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task GetStreamingResponse_FunctionInvokingClient_InvokesTheFunctionWithTheEmulatorsArgumentsAndQuotesItsResult()
    {
        var response = await AskAsync(Question, streaming: true);

        Assert.Equal([("get_weather", Question)], _invoked);
        AssertLoop(response, [("get_weather", $$"""{"city":"{{Question}}"}""", "Rain, 18 degrees")]);
    }

    [Fact]
    public async Task GetResponse_FunctionInvokingClient_InvokesTheFunctionWithTheEmulatorsArgumentsAndQuotesItsResult()
    {
        var response = await AskAsync(Question, streaming: false);

        Assert.Equal([("get_weather", Question)], _invoked);
        AssertLoop(response, [("get_weather", $$"""{"city":"{{Question}}"}""", "Rain, 18 degrees")]);
    }

    [Fact]
    public async Task GetStreamingResponse_TwoParallelCalls_BothFunctionsInvokedAndBothResultsQuoted()
    {
        var response = await AskAsync(Parallel, streaming: true);

        Assert.Equal([("get_weather", "Weather and time in Nairobi"), ("get_time", "Weather and time in Nairobi")], _invoked);
        AssertLoop(response,
        [
            ("get_weather", """{"city":"Weather and time in Nairobi"}""", "Rain, 18 degrees"),
            ("get_time", """{"zone":"Weather and time in Nairobi"}""", "14:05 EAT"),
        ]);
    }

    private async Task<ChatResponse> AskAsync(string question, bool streaming)
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var openAi = new OpenAIClient(new ApiKeyCredential(AcmeKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(_server.BaseAddress + "v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = StreamHubServer.Timeout,
        });
        using var client = new ChatClientBuilder(openAi.GetChatClient("emulator-1").AsIChatClient()).UseFunctionInvocation().Build();
        var options = new ChatOptions
        {
            Tools =
            [
                AIFunctionFactory.Create(([Description("The city")] string city) => Invoked("get_weather", city, "Rain, 18 degrees"), "get_weather", "Weather now"),
                AIFunctionFactory.Create(([Description("The time zone")] string zone) => Invoked("get_time", zone, "14:05 EAT"), "get_time", "Local time"),
            ],
        };
        List<ChatMessage> messages = [new(ChatRole.User, question)];
        if (!streaming)
        {
            return await client.GetResponseAsync(messages, options, timeout.Token);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, timeout.Token))
        {
            updates.Add(update);
        }

        return updates.ToChatResponse();
    }

    private string Invoked(string name, string argument, string result)
    {
        lock (_invoked)
        {
            _invoked.Add((name, argument));
        }

        return result;
    }

    /// <summary>
    /// Two requests reached the emulator: the question, then the calls exactly as the emulator made them (the
    /// client saw them as <see cref="FunctionCallContent"/>) with one tool message per call; the answer quotes each
    /// result as the emulator received it, and each received result is the function's.
    /// </summary>
    private void AssertLoop(ChatResponse response, (string Name, string Arguments, string Result)[] expected)
    {
        var received = _server.Emulator.State.GetRequests();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(200, r.Status));
        Assert.Equal(["get_weather", "get_time"], received[0].Tools);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(expected.Select(e => e.Name), calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.Matches("^call_emu_[0-9]+_[0-9]+$", c.CallId));

        var second = received[1];
        Assert.Equal(["user", "assistant", .. expected.Select(_ => "tool")], second.Messages.Select(m => m.Role).ToArray());
        Assert.Equal(calls.Select(c => (c.CallId, c.Name)), second.Messages[1].ToolCalls.Select(c => (c.Id, c.Name)));

        // The library writes the arguments back in its own layout (indented): the same JSON, not the same text.
        Assert.All(second.Messages[1].ToolCalls, (c, i) => Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expected[i].Arguments), JsonNode.Parse(c.Arguments)), $"call {i} went back as {c.Arguments}"));
        Assert.Equal(calls.Select(c => c.CallId), second.Messages.Skip(2).Select(m => m.ToolCallId!));
        for (var i = 0; i < expected.Length; i++)
        {
            var sent = second.Messages[2 + i].Content;
            Assert.Contains(expected[i].Result, sent, StringComparison.Ordinal);
            Assert.Contains($"\"{sent}\"", response.Text, StringComparison.Ordinal);
        }
    }
}
