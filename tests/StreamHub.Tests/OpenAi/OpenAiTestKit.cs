using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.OpenAi;

/// <summary>Tenants, clients and an SSE reader shared by the OpenAI front door's tests.</summary>
internal static class OpenAiTestKit
{
    public const string AcmeKey = "acme-key-0123456789abcdef";
    public const string TrickleKey = "trickle-key-0123456789abcdef";
    public const string Slow = "[emulator: tps=10 tokens=500] tell a long story";

    /// <summary>acme (Normal tier) and trickle (one request a minute); one attempt upstream, so failures are quick.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = AcmeKey,
            ["Tenants:0:Tier"] = "Normal",
            ["Tenants:1:Name"] = "trickle",
            ["Tenants:1:ApiKey"] = TrickleKey,
            ["Tenants:1:RequestsPerMinute"] = "1",
            ["Upstream:Retry:MaxAttempts"] = "1",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The official OpenAI .NET client pointed at StreamHub, with its retries off so a 429 surfaces.</summary>
    public static ChatClient ChatClient(StreamHubServer server, string key) => new(
        "emulator-1",
        new ApiKeyCredential(key),
        new OpenAIClientOptions
        {
            Endpoint = new Uri(server.BaseAddress + "v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = Waits.Timeout,
        });

    /// <summary>An HTTP client for <paramref name="server"/> that sends <paramref name="key"/> (acme's by default).</summary>
    public static HttpClient Http(StreamHubServer server, string? key = AcmeKey, HttpMessageHandler? handler = null) => server.CreateHttpClient(key, handler);

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The <c>data:</c> payloads of an SSE body, in order.</summary>
    public static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout);
        var events = new List<string>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.StartsWith("data: ", block, StringComparison.Ordinal);
            events.Add(block["data: ".Length..]);
        }

        return events;
    }

    /// <summary>The repository root (where Hub.sln, package.json and node_modules live).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Hub.sln above {AppContext.BaseDirectory}");
    }
}
