using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Fanout;
using StreamHub.OpenAi;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// <c>resumable</c> over <c>/v1/chat/completions</c>: the pipeline, not the front door, decides what an HTTP
/// caller's disconnect does to the upstream, so the OpenAI door honours it exactly as the hub does.
/// </summary>
public sealed class ResumableCompletionsTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(Settings(("Fanout:ResumeGrace", "00:00:30")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("body")]
    [InlineData("header")]
    public async Task Post_ResumableCallerDisconnects_UpstreamRunsOnAndWatchFromZeroGetsTheWholeAnswer(string idFrom)
    {
        var requestId = "oa-resume-" + idFrom;
        await DisconnectAfterFirstEventAsync(requestId, resumable: true, idFrom);

        await using var watcher = await _server.ConnectAsync(AcmeKey);
        var items = await WatchAllAsync(watcher, requestId);

        // Every event numbered with no gap: the 60 text events, then finish and usage.
        Assert.Equal(Enumerable.Range(1, 62).Select(i => (long)i), items.Select(i => i.Seq));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], items.Skip(60).Select(i => i.Type));
        Assert.Equal(EmulatorText.Text("phone", 60), string.Concat(items.Select(i => i.Text)));
        await _server.AssertUpstreamIdleAsync();
        await AssertNoRequestInFlightAsync();
    }

    [Fact]
    public async Task Post_NotResumableCallerDisconnects_UpstreamEndsAtOnceAndWatchersLearnAborted()
    {
        await DisconnectAfterFirstEventAsync("oa-once", resumable: false, idFrom: "body");

        await _server.AssertUpstreamIdleAsync();
        await using var watcher = await _server.ConnectAsync(AcmeKey);
        var error = await Assert.ThrowsAsync<HubException>(() => WatchAllAsync(watcher, "oa-once"));
        Assert.StartsWith("aborted: ", error.Message, StringComparison.Ordinal);
        await AssertNoRequestInFlightAsync();
    }

    /// <summary>
    /// Starts a streamed completion that takes about 1.5 s upstream, reads its first bytes, then closes the
    /// connection the way a browser tab or a cancelled read does (no drain), while the upstream still streams.
    /// </summary>
    private async Task DisconnectAfterFirstEventAsync(string requestId, bool resumable, string idFrom)
    {
        using var http = Http(_server, handler: new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        var bodyId = idFrom == "body" ? $"\"request_id\":\"{requestId}\"," : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{{{bodyId}}"resumable":{{(resumable ? "true" : "false")}},"stream":true,"messages":[{"role":"user","content":"[emulator: tps=40 tokens=60] phone"}]}"""),
        };
        if (idFrom == "header")
        {
            request.Headers.Add(OpenAiHeaders.RequestId, requestId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(requestId, response.Headers.GetValues(OpenAiHeaders.RequestId).Single());
        var body = await response.Content.ReadAsStreamAsync().WaitAsync(StreamHubServer.Timeout);
        await body.ReadAtLeastAsync(new byte[64], 64).AsTask().WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(1, _server.Emulator.State.OpenStreams);

        response.Dispose();
    }

    private static async Task<List<StreamEvent>> WatchAllAsync(HubConnection connection, string requestId)
    {
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("Watch", requestId, 0L).WaitAsync(StreamHubServer.Timeout);
        return await Streams.ReadToEndAsync(reader);
    }

    private async Task AssertNoRequestInFlightAsync()
    {
        var requests = _server.Services.GetRequiredService<ActiveRequests>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (requests.Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{requests.Count} request(s) still in flight");
            await Task.Delay(10);
        }
    }
}
