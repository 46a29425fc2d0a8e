using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// A provider that answers a request for <c>gpt-4o</c> as <c>gpt-4o-2024-08-06</c> (as OpenAI does), played by a
/// canned SSE body on its own loopback Kestrel: callers see the dated name, prices follow the name asked for.
/// </summary>
public sealed class ReportedModelTests : IAsyncLifetime
{
    private const string Dated = "gpt-4o-2024-08-06";

    private static readonly string[] Chunks =
    [
        """{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}],"usage":null}""",
        """{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}""",
        """{"id":"chatcmpl-c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":2,"total_tokens":1002,"prompt_tokens_details":{"cached_tokens":800}}}""",
        "[DONE]",
    ];

    private WebApplication _provider = null!;
    private StreamHubServer _server = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        _provider.MapPost("/v1/chat/completions", static async (HttpContext http) =>
        {
            http.Response.ContentType = "text/event-stream";
            foreach (var chunk in Chunks)
            {
                await http.Response.WriteAsync($"data: {chunk}\n\n");
                await http.Response.Body.FlushAsync();
            }
        });
        await _provider.StartAsync().WaitAsync(StreamHubServer.Timeout);
        var address = _provider.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _server = await StreamHubServer.StartAsync(Settings(
            ("Upstream:Regions:0:BaseUrl", address + "/v1"),
            ("Upstream:Model", "gpt-4o"),
            ("Pricing:Models:gpt-4o:InputPerMillion", "2.5"),
            ("Pricing:Models:gpt-4o:CachedInputPerMillion", "1.25"),
            ("Pricing:Models:gpt-4o:OutputPerMillion", "10")));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.StopAsync().WaitAsync(StreamHubServer.Timeout);
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task CompleteChatStreaming_ProviderReportsADatedModel_EveryChunkCarriesIt()
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var models = new HashSet<string>();

        await foreach (var update in ChatClient(_server, AcmeKey).CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: timeout.Token))
        {
            models.Add(update.Model);
        }

        Assert.Equal([Dated], models);
    }

    [Fact]
    public async Task CompleteChat_ProviderReportsADatedModel_TheCompletionCarriesIt()
    {
        var completion = (await ChatClient(_server, AcmeKey).CompleteChatAsync([new UserChatMessage("hi")]).WaitAsync(StreamHubServer.Timeout)).Value;

        Assert.Equal((Dated, "Hello there"), (completion.Model, completion.Content[0].Text));
    }

    [Fact]
    public async Task StreamEvents_ProviderReportsADatedModel_FinishReportsItAndTheCostUsesTheNameAskedForAndTheCachedPrice()
    {
        await using var connection = await _server.ConnectAsync(AcmeKey);

        var events = await StreamEventKit.ReadEventsAsync(connection, new StreamRequest { Prompt = "hi" });

        Assert.Equal((StreamEventTypes.Finish, "stop", Dated), (events[^2].Type, events[^2].FinishReason, events[^2].Model));
        var usage = events[^1].Usage!;
        Assert.Equal(("gpt-4o", 800), (usage.Model, usage.CachedPromptTokens));
        Assert.Equal(((200 * 2.5m) + (800 * 1.25m) + (2 * 10m)) / 1_000_000m, usage.Cost);
    }
}
