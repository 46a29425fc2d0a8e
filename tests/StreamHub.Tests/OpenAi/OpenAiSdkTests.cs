using System.ClientModel;
using System.Diagnostics;
using System.Text;
using OpenAI.Chat;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>The official OpenAI .NET SDK (2.15.0) against StreamHub's <c>/v1</c>: real Kestrel, real emulator.</summary>
public sealed class OpenAiSdkTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task CompleteChatStreaming_Prompt_TextEqualsTheEmulatorTextWithUsage()
    {
        const string prompt = "Tell me about rivers";
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;

        await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync(
            [new UserChatMessage(prompt)], new ChatCompletionOptions { MaxOutputTokenCount = 16 }, timeout.Token))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal(EmulatorText.Text(prompt, 16), text.ToString());
        Assert.Equal(16, usage?.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Stop, finish); // the upstream's own finish reason, relayed
        Assert.Equal(16, _server.Emulator.State.GetRequests()[^1].MaxTokens);
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task CompleteChat_NotStreaming_ReturnsTheWholeAnswer()
    {
        var completion = await ChatClient(_server, AcmeKey)
            .CompleteChatAsync([new SystemChatMessage("Be brief"), new UserChatMessage("one answer")], new ChatCompletionOptions { MaxOutputTokenCount = 6 })
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(EmulatorText.Text("one answer", 6), completion.Value.Content[0].Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Value.Role);
        Assert.Equal(6, completion.Value.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChatStreaming_OverTheTenantsRequestsPerMinute_ThrowsClientResultException429WithRetryAfter()
    {
        var client = ChatClient(_server, TrickleKey);
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        await foreach (var _ in client.CompleteChatStreamingAsync([new UserChatMessage("first")], new ChatCompletionOptions { MaxOutputTokenCount = 2 }, timeout.Token))
        {
        }

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in client.CompleteChatStreamingAsync([new UserChatMessage("second")], cancellationToken: timeout.Token))
            {
            }
        });

        Assert.Equal(429, error.Status);
        Assert.Contains("rate_limited", error.Message, StringComparison.Ordinal);
        Assert.True(error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.True(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task CompleteChatStreaming_UnknownKey_ThrowsClientResultException401()
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);

        var error = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in ChatClient(_server, "not-a-key-0123456789abcdef").CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: timeout.Token))
            {
            }
        });

        Assert.Equal(401, error.Status);
        Assert.Contains("unauthorized", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _server.Emulator.State.GetStats().TotalRequests);
    }

    /// <summary>
    /// Cancelled the way an app cancels (from outside, while the SDK waits for the next chunk): the SDK's
    /// pending read closes the connection, StreamHub sees the caller leave and ends the upstream request.
    /// </summary>
    [Fact]
    public async Task CompleteChatStreaming_ClientCancelsMidStream_UpstreamRequestEnds()
    {
        using var cancel = new CancellationTokenSource(StreamHubServer.Timeout);
        var updates = 0;
        var cancelling = false;
        var last = Stopwatch.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync([new UserChatMessage(Slow)], cancellationToken: cancel.Token))
            {
                var gap = Stopwatch.GetElapsedTime(last);
                last = Stopwatch.GetTimestamp();
                updates += update.ContentUpdate.Count > 0 ? 1 : 0;

                // At 10 tokens a second a gap over 50 ms means the burst a cold start may cause is over:
                // 30 ms from now the SDK is waiting on the socket for the next token.
                if (updates >= 3 && gap > TimeSpan.FromMilliseconds(50) && !cancelling)
                {
                    Assert.Equal(1, _server.Emulator.State.OpenStreams);
                    cancelling = true;
                    cancel.CancelAfter(TimeSpan.FromMilliseconds(30));
                }
            }
        });

        Assert.True(cancelling);
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }
}
