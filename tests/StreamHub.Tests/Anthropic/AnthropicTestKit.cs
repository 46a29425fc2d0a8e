using Anthropic;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.Anthropic;

/// <summary>StreamHub with its region speaking one dialect or the other, and Anthropic's SDK pointed at its <c>/v1/messages</c>.</summary>
internal static class AnthropicTestKit
{
    /// <summary>The key StreamHub sends its region (Anthropic's API, and the emulator's /v1/messages, require one).</summary>
    public const string RegionKey = "sk-ant-region-0123456789abcdef";

    /// <summary>The OpenAI front door's tenants (acme, trickle) and one attempt upstream; region 0 speaks <paramref name="dialect"/>.</summary>
    public static Task<StreamHubServer> StartAsync(string dialect, params (string Key, string? Value)[] more)
        => StreamHubServer.StartAsync(Settings([("Upstream:Regions:0:Dialect", dialect), ("Upstream:Regions:0:ApiKey", RegionKey), .. more]));

    /// <summary>The official Anthropic .NET client with its retries off, so a 429 or 529 surfaces.</summary>
    public static AnthropicClient Client(StreamHubServer server, string key = AcmeKey)
        => new() { ApiKey = key, BaseUrl = server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };
}
