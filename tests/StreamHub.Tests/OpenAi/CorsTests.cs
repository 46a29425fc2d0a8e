using System.Net;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary><c>Cors:AllowedOrigins</c> on the OpenAI endpoint and the hub, seen as a browser's preflight.</summary>
public sealed class CorsTests(CorsTests.ListedOriginServer listed) : IClassFixture<CorsTests.ListedOriginServer>, IAsyncLifetime
{
    private const string Allowed = "https://app.example.com";

    private StreamHubServer _listed = null!;

    public async Task InitializeAsync() => _listed = await listed.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("v1/chat/completions", "POST")]
    [InlineData("hubs/stream/negotiate", "POST")]
    [InlineData("v1/models", "GET")]
    public async Task Preflight_ListedOrigin_IsAllowedWithTheAuthorizationHeader(string path, string method)
    {
        using var response = await PreflightAsync(_listed, path, method, Allowed);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("authorization", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example.com", "Production")]
    [InlineData("http://localhost:5173", "Production")]
    public async Task Preflight_OriginNotListed_GetsNoCorsHeaders(string origin, string environment)
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("environment", environment)));

        using var response = await PreflightAsync(server, "v1/chat/completions", "POST", origin);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_NoOriginsConfiguredInDevelopment_AllowsLoopbackPagesOnly()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("environment", "Development")));

        using var loopback = await PreflightAsync(server, "v1/chat/completions", "POST", "http://localhost:5173");
        using var remote = await PreflightAsync(server, "v1/chat/completions", "POST", "https://app.example.com");

        Assert.Equal("http://localhost:5173", Assert.Single(loopback.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(remote.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Post_ListedOrigin_ExposesRetryAfterAndRequestId()
    {
        using var http = Http(_listed);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json("""{"messages":[{"role":"user","content":"a"}],"max_tokens":2}""") };
        request.Headers.Add("Origin", Allowed);

        using var response = await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Allowed, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var exposed = string.Join(',', response.Headers.GetValues("Access-Control-Expose-Headers"));
        Assert.Contains("Retry-After", exposed, StringComparison.Ordinal);
        Assert.Contains("X-Request-Id", exposed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_OriginWithAPath_FailsNamingTheKey()
    {
        await using var emulator = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => StreamHubServer.StartAsync(Settings(("Cors:AllowedOrigins:0", "https://app.example.com/page")), emulator));

        Assert.Contains("Cors:AllowedOrigins", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PreflightAsync(StreamHubServer server, string path, string method, string origin)
    {
        using var http = Http(server, key: null);
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);
    }

    /// <summary>The tests with <see cref="Allowed"/> listed share one server: they only read its answers.</summary>
    public sealed class ListedOriginServer() : SharedStreamHub(Settings(("Cors:AllowedOrigins:0", Allowed)));
}
