using System.Net;
using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary><c>/v1/chat/completions</c> on the wire: event shapes, headers, status codes, error events.</summary>
public sealed class ChatCompletionsHttpTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(Settings());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Post_ClientDisposesMidStream_UpstreamRequestEnds()
    {
        // HttpClient drains an unfinished response for up to 2 s to reuse the connection unless told not to;
        // a browser or a cancelled read closes it at once, which is what this models.
        using var http = Http(_server, handler: new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"model":"emulator-1","stream":true,"messages":[{"role":"user","content":"{{Slow}}"}]}"""),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(StreamHubServer.Timeout);
        var body = await response.Content.ReadAsStreamAsync().WaitAsync(StreamHubServer.Timeout);
        var buffer = new byte[64];
        await body.ReadAtLeastAsync(buffer, 64).AsTask().WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(1, _server.Emulator.State.OpenStreams);

        response.Dispose();

        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }
}
