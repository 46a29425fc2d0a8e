using System.Text.Json.Nodes;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// The official <c>openai</c> npm package runs agent loops through StreamHub from <c>tests/js/openai-agent.mjs</c>,
/// turn two built from what the SDK assembled of turn one (its stream helper, a plain completion, or the
/// <c>runTools</c> runner that calls the functions itself). Every body the SDK sent reaches the emulator
/// unchanged, the assembled assistant message included. Needs <c>npm ci</c> at the repository root.
/// </summary>
public sealed class NodeAgentLoopTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private const string Question = "What is the weather in Nairobi?";
    private const string Parallel = "[emulator: tools=2 parallel] Weather and time in Nairobi";

    private static readonly (string Name, string Arguments, string Result)[] OneCall =
        [("get_weather", """{"city":"What is the weather in Nairobi?"}""", "Rain, 18 degrees")];

    private static readonly (string Name, string Arguments, string Result)[] TwoCalls =
    [
        ("get_weather", """{"city":"Weather and time in Nairobi"}""", "Rain, 18 degrees"),
        ("get_time", """{"zone":"Weather and time in Nairobi"}""", "14:05 EAT"),
    ];

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OpenAiNpm_StreamHelperOneCall_AssembledMessageGoesBackUnchangedAndTheResultIsQuoted()
    {
        var result = await RunAsync("stream", Question);

        AssertLoop(result, OneCall);
        Assert.True(result["order"]!.AsArray().Count > 1, "the call came in one delta; the emulator splits arguments in fragments");
    }

    [Fact]
    public async Task OpenAiNpm_StreamHelperTwoParallelCalls_AssemblesInterleavedDeltasByIndex()
    {
        var result = await RunAsync("stream", Parallel);

        AssertLoop(result, TwoCalls);
        AssertInterleaved(result);
    }

    [Fact]
    public async Task OpenAiNpm_CreateNotStreamingTwoCalls_CompletionsMessageGoesBackUnchangedAndBothResultsAreQuoted()
    {
        var result = await RunAsync("create", Parallel);

        AssertLoop(result, TwoCalls);
        Assert.Empty(result["order"]!.AsArray());
    }

    [Fact]
    public async Task OpenAiNpm_RunToolsStreaming_RunnerCallsBothFunctionsWithTheEmulatorsArguments()
    {
        var result = await RunAsync("runTools", Parallel);

        AssertLoop(result, TwoCalls);
        AssertInterleaved(result);
        var invoked = result["invoked"]!.AsArray().Select(i => (i!["name"]!.GetValue<string>(), i["arguments"]!.ToJsonString()));
        Assert.Equal(TwoCalls.Select(c => (c.Name, c.Arguments)), invoked);
    }

    private async Task<JsonNode> RunAsync(string mode, string question)
    {
        using var node = NodeScript.Run("openai-agent.mjs", _server.BaseAddress, AcmeKey, mode, question);
        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();
        Assert.True(exit == 0, line);
        return JsonNode.Parse(line)!;
    }

    /// <summary>0, 1, 0, 1, …: neither call arrived in one piece, so the SDK had to put them together by index.</summary>
    private static void AssertInterleaved(JsonNode result)
    {
        var order = result["order"]!.AsArray().Select(i => i!.GetValue<int>()).ToList();
        Assert.True(order.Count >= 4, $"only {order.Count} tool-call deltas");
        Assert.Equal(Enumerable.Range(0, order.Count).Select(i => i % 2), order);
    }

    /// <summary>
    /// Turn one ended in these calls (the emulator's names, arguments and <c>call_emu_</c> ids); both bodies the
    /// SDK sent reached the emulator unchanged; turn two carried the calls and a result for each; the answer quotes
    /// every result.
    /// </summary>
    private void AssertLoop(JsonNode result, (string Name, string Arguments, string Result)[] expected)
    {
        var first = result["first"]!;
        Assert.Equal("tool_calls", first["finish"]!.GetValue<string>());
        var calls = first["message"]!["tool_calls"]!.AsArray()
            .Select(c => new EmulatorToolCall(c!["id"]!.GetValue<string>(), c["function"]!["name"]!.GetValue<string>(), c["function"]!["arguments"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(expected.Select(e => (e.Name, e.Arguments)), calls.Select(c => (c.Name, c.Arguments)));
        Assert.All(calls, (c, i) => Assert.Matches($"^call_emu_[0-9]+_{i}$", c.Id));

        var sent = result["sent"]!.AsArray();
        var received = _server.Emulator.State.GetRequests();
        Assert.Equal((2, 2), (sent.Count, received.Count));
        for (var i = 0; i < received.Count; i++)
        {
            Assert.Equal(200, received[i].Status);
            OpenAiSdkRequestTests.AssertForwardedUnchanged(sent[i]!.ToJsonString(), received[i].Body);
        }

        var second = received[1];
        Assert.Equal(["user", "assistant", .. expected.Select(_ => "tool")], second.Messages.Select(m => m.Role).ToArray());
        Assert.True(second.Messages[1].ContentIsNull);
        Assert.Equal(calls, second.Messages[1].ToolCalls);
        Assert.Equal(calls.Select((c, i) => (c.Id, expected[i].Result)), second.Messages.Skip(2).Select(m => (m.ToolCallId!, m.Content)));
        var text = result["text"]!.GetValue<string>();
        Assert.All(expected, e => Assert.Contains($"\"{e.Result}\"", text, StringComparison.Ordinal));
    }
}
