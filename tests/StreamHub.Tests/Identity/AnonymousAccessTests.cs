using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.OpenAi;
using StreamHub.Tests.Streaming;

namespace StreamHub.Tests.Identity;

/// <summary>
/// No open wallet: with a real region configured, callers without a key are refused unless the operator turns
/// anonymous access on (with a start-up warning), and then they share limits per client address, however many
/// connections they open and whatever <c>X-Forwarded-For</c> they send.
/// </summary>
public sealed class AnonymousAccessTests
{
    private const string TenantKey = "tenant-key-0123456789abcdef";
    private const string Hold = "[emulator: tps=5 tokens=1000] hold a slot";

    [Fact]
    public async Task Stream_RealRegionAndAllowAnonymousUnset_RefusesCallersWithoutAKeyAndNothingReachesTheUpstream()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Identity:AllowAnonymous"] = null,
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = TenantKey,
        });
        using var http = OpenAiTestKit.Http(server, key: null);

        var hub = await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync());
        using var response = await http.PostAsync("v1/chat/completions", OpenAiTestKit.Json("""{"messages":[{"role":"user","content":"free?"}]}"""))
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Contains("401", hub.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"code\":\"unauthorized\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Emulator.State.GetRequests());
        await using var tenant = await server.ConnectAsync(TenantKey);
        Assert.Equal(EmulatorText.Text("paid", 2), string.Concat(await HubStreamingTests.ReadAllAsync(tenant, new StreamRequest { Prompt = "paid", MaxTokens = 2 })));
    }

    [Fact]
    public async Task Start_AllowAnonymousTrue_WarnsNamingTheSettingAndTheLimits()
    {
        var lines = await StartupLog.CaptureAsync("Identity:AllowAnonymous=true");

        var warning = Assert.Single(lines, static l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("Identity:AllowAnonymous", StringComparison.Ordinal));
        Assert.Contains("Identity:AnonymousLimits", warning, StringComparison.Ordinal);
        Assert.Contains("60 requests", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AllowAnonymousUnset_DoesNotWarn()
    {
        var lines = await StartupLog.CaptureAsync();

        Assert.DoesNotContain(lines, static l => l.Contains("Identity:AllowAnonymous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stream_AnonymousRequestsPerMinute_PooledAcrossConnectionsAndForwardedForIgnored()
    {
        await using var server = await StreamHubServer.StartAsync(Limits(("RequestsPerMinute", "2")));
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await server.ConnectAsync();
        await HubStreamingTests.ReadAllAsync(first, new StreamRequest { Prompt = "one", MaxTokens = 1 });
        await HubStreamingTests.ReadAllAsync(second, new StreamRequest { Prompt = "two", MaxTokens = 1 });

        var refused = await Assert.ThrowsAsync<HubException>(() => HubStreamingTests.ReadAllAsync(third, new StreamRequest { Prompt = "three", MaxTokens = 1 }));
        using var http = OpenAiTestKit.Http(server, key: null);
        using var spoofed = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = OpenAiTestKit.Json("""{"messages":[{"role":"user","content":"from elsewhere"}],"max_tokens":1}"""),
        };
        spoofed.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await http.SendAsync(spoofed).WaitAsync(StreamHubServer.Timeout);

        Assert.StartsWith("rate_limited: ", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        await using var tenant = await server.ConnectAsync(TenantKey);
        Assert.Single(await HubStreamingTests.ReadAllAsync(tenant, new StreamRequest { Prompt = "paid", MaxTokens = 1 }));
    }

    [Fact]
    public async Task Stream_AnonymousConcurrentStreams_PooledAcrossConnections()
    {
        await using var server = await StreamHubServer.StartAsync(Limits(("MaxConcurrentStreams", "1")));
        await using var holder = await server.ConnectAsync();
        await using var other = await server.ConnectAsync();
        using var hold = new CancellationTokenSource();
        var held = await holder.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = Hold }, hold.Token).WaitAsync(StreamHubServer.Timeout);
        await held.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        var refused = await Assert.ThrowsAsync<HubException>(() => HubStreamingTests.ReadAllAsync(other, new StreamRequest { Prompt = "me too", MaxTokens = 1 }));

        Assert.StartsWith("rate_limited: ", refused.Message, StringComparison.Ordinal);
        await using var tenant = await server.ConnectAsync(TenantKey);
        Assert.Single(await HubStreamingTests.ReadAllAsync(tenant, new StreamRequest { Prompt = "paid", MaxTokens = 1 }));
        await hold.CancelAsync();
        await server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
        Assert.Single(await HubStreamingTests.ReadAllAsync(other, new StreamRequest { Prompt = "my turn", MaxTokens = 1 }));
    }

    [Fact]
    public async Task Stream_AnonymousTokensPerMinute_PooledAcrossConnections()
    {
        await using var server = await StreamHubServer.StartAsync(Limits(("TokensPerMinute", "100")));
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await HubStreamingTests.ReadAllAsync(first, new StreamRequest { Prompt = "spend", MaxTokens = 90 });

        var refused = await Assert.ThrowsAsync<HubException>(() => HubStreamingTests.ReadAllAsync(second, new StreamRequest { Prompt = "spend more", MaxTokens = 90 }));

        Assert.StartsWith("rate_limited: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("100 tokens per minute", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_JwtTenantNotConfigured_HasTheJwtDefaultLimits()
    {
        await using var server = await StreamHubServer.StartAsync(JwtTestKit.Settings(("Identity:Jwt:DefaultLimits:MaxConcurrentStreams", "1")));
        await using var holder = await server.ConnectAsync(JwtTestKit.TenantToken("minted"));
        await using var again = await server.ConnectAsync(JwtTestKit.TenantToken("minted"));
        using var hold = new CancellationTokenSource();
        var held = await holder.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = Hold }, hold.Token).WaitAsync(StreamHubServer.Timeout);
        await held.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        var refused = await Assert.ThrowsAsync<HubException>(() => HubStreamingTests.ReadAllAsync(again, new StreamRequest { Prompt = "more", MaxTokens = 1 }));

        Assert.StartsWith("rate_limited: tenant minted may run 1 streams at once", refused.Message, StringComparison.Ordinal);
        await using var otherTenant = await server.ConnectAsync(JwtTestKit.TenantToken("another"));
        Assert.Single(await HubStreamingTests.ReadAllAsync(otherTenant, new StreamRequest { Prompt = "mine", MaxTokens = 1 }));
        await hold.CancelAsync();
    }

    [Fact]
    public async Task Stream_JwtTenantNamedAsAConfiguredTenant_SharesThatTenantsLimits()
    {
        await using var server = await StreamHubServer.StartAsync(JwtTestKit.Settings(
            ("Tenants:0:Name", "acme"),
            ("Tenants:0:ApiKey", TenantKey),
            ("Tenants:0:RequestsPerMinute", "1")));
        await using var keyed = await server.ConnectAsync(TenantKey);
        await using var jwt = await server.ConnectAsync(JwtTestKit.TenantToken("acme"));
        await HubStreamingTests.ReadAllAsync(keyed, new StreamRequest { Prompt = "one", MaxTokens = 1 });

        var refused = await Assert.ThrowsAsync<HubException>(() => HubStreamingTests.ReadAllAsync(jwt, new StreamRequest { Prompt = "two", MaxTokens = 1 }));

        Assert.StartsWith("rate_limited: tenant acme may send 1 requests per minute", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Identity:AnonymousLimits:MaxConcurrentStreams must be at least 1", "Identity:AnonymousLimits:MaxConcurrentStreams=0")]
    [InlineData("Identity:AnonymousLimits:RequestsPerMinute must be at least 1", "Identity:AnonymousLimits:RequestsPerMinute=-5")]
    [InlineData("Identity:Jwt:DefaultLimits:TokensPerMinute must be at least 1", "Identity:Jwt:DefaultLimits:TokensPerMinute=0")]
    public async Task BuildApp_BadCallerLimit_StartFailsNamingTheKey(string message, string setting)
    {
        var error = await FailedStart.RunAsync(setting);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void ClientAddress_Of_PoolsIPv6ByItsSlash64(string address, string expected)
        => Assert.Equal(expected, StreamHub.Identity.ClientAddress.Of(IPAddress.Parse(address)));

    /// <summary>Anonymous access on with one anonymous limit set (the kit turns them all off), and one tenant.</summary>
    private static Dictionary<string, string?> Limits((string Key, string Value) limit) => AdminTestKit.Settings(
        ("Tenants:0:ApiKey", TenantKey),
        ("Identity:AnonymousLimits:" + limit.Key, limit.Value));
}
