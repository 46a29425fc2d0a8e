using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// Bounded cost: a request that names no maxTokens (on the hub or on <c>/v1</c>) still ends at
/// <c>Streaming:MaxTokensLimit</c> content deltas, with finish reason <c>length</c> and its upstream stream closed,
/// however long an answer the upstream would give. The limit is 20 here; the upstream would send 5,000 (for 25 s).
/// </summary>
public sealed class MaxTokensLimitTests : IAsyncLifetime
{
    private const int Limit = 20;
    private const string Endless = "[emulator: tps=200 tokens=5000] on and on";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Streaming:MaxTokensLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StreamEvents_NoMaxTokens_EndsAtTheLimitWithLengthAndClosesTheUpstream()
    {
        await using var caller = await _server.ConnectAsync();

        var reader = await caller.StreamAsChannelAsync<StreamEvent>("StreamEvents", new StreamRequest { Prompt = Endless })
            .WaitAsync(Waits.Timeout);
        var events = await Streams.ReadToEndAsync(reader);

        Assert.Equal(Limit, events.Count(static e => e.Type == StreamEventTypes.Text));
        Assert.Equal(StreamEventTypes.Finish, events[^1].Type);
        Assert.Equal(FinishReasons.Length, events[^1].FinishReason);
        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams == 0, "the upstream stream to be closed");
        Assert.Equal(0, _server.Emulator.State.GetStats().CompletedStreams);
    }

    [Fact]
    public async Task PostChatCompletions_NoMaxTokens_EndsAtTheLimitWithFinishReasonLength()
    {
        using var http = _server.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"{{Endless}}"}]}""", Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request).WaitAsync(Waits.Timeout);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout);

        var lines = body.Split('\n').Where(static l => l.StartsWith("data: {", StringComparison.Ordinal)).ToList();
        Assert.Equal(Limit, lines.Count(static l => Regex.IsMatch(l, "\"content\":\"[^\"]")));
        Assert.Contains(lines, static l => l.Contains("\"finish_reason\":\"length\"", StringComparison.Ordinal));
        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams == 0, "the upstream stream to be closed");
        Assert.Equal(0, _server.Emulator.State.GetStats().CompletedStreams);
    }
}
