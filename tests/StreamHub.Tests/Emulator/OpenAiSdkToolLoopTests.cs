using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace StreamHub.Tests.Emulator;

/// <summary>The official OpenAI .NET SDK runs an unmodified two-turn tool loop straight against the emulator.</summary>
public sealed class OpenAiSdkToolLoopTests : IAsyncLifetime
{
    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CompleteChatStreaming_ToolLoop_CallArrivesWholeAndResultIsQuoted()
    {
        using var timeout = new CancellationTokenSource(EmulatorClient.Timeout);
        var client = new ChatClient("emulator-1", new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = new Uri(_emulator.Server.BaseAddress, "v1") });
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather now", BinaryData.FromString(
            """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool } };
        List<ChatMessage> messages = [new UserChatMessage("Nairobi")];

        var (id, name, arguments, finish) = (string.Empty, string.Empty, new StringBuilder(), (ChatFinishReason?)null);
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, timeout.Token))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                id = call.ToolCallId ?? id;
                name = call.FunctionName ?? name;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        Assert.Equal(("get_weather", """{"city":"Nairobi"}"""), (name, arguments.ToString()));

        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(id, name, BinaryData.FromString(arguments.ToString()))]));
        messages.Add(new ToolChatMessage(id, "Rain, 18 degrees"));
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, timeout.Token))
        {
            text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Contains("\"Rain, 18 degrees\"", text.ToString(), StringComparison.Ordinal);
        var second = _emulator.Server.State.GetRequests()[^1];
        Assert.Equal(["user", "assistant", "tool"], second.Messages.Select(m => m.Role));
        Assert.Equal(id, second.Messages[2].ToolCallId);
        Assert.Equal(["get_weather"], second.Tools);
    }
}
