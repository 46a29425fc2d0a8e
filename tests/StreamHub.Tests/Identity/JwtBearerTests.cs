using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Identity.JwtTestKit;

namespace StreamHub.Tests.Identity;

/// <summary>
/// JWT bearer tokens beside API keys, end to end: a pool of two and a slow emulator, so a queued request
/// shows the priority its token's tier allows.
/// </summary>
public sealed class JwtBearerTests(JwtBearerTests.SharedServer shared) : IClassFixture<JwtBearerTests.SharedServer>, IAsyncLifetime
{
    private const string TenantKey = "apikey-tenant-0123456789abcdef";
    private const string Slow = "[emulator: tps=5 tokens=1000] hold a slot";
    private static readonly string[] ReaderAndAdmin = ["reader", "streamhub-admin"];

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_ValidJwt_StreamsTheEmulatorText()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantToken("jwt-acme", "high"));

        var stream = await caller.StartAsync(new StreamRequest { RequestId = "jwt-1", Prompt = "Tell me about rivers", MaxTokens = 6 });
        var tokens = await Streams.ReadToEndAsync(stream);

        Assert.Equal(EmulatorText.Text("Tell me about rivers", 6), string.Concat(tokens));
        Assert.Equal("primary", await caller.StartedAsync("jwt-1"));
    }

    [Fact]
    public async Task Stream_HighTierJwtAsksCritical_IsQueuedAsHighForItsTenant()
    {
        await using var holder = await HubCaller.ConnectAsync(_server, TenantToken("jwt-gold", "critical"));
        await using var caller = await HubCaller.ConnectAsync(_server, TenantToken("jwt-acme", "High"));
        using var hold = new CancellationTokenSource();
        _ = await holder.StartAsync(new StreamRequest { RequestId = "hold-1", Prompt = Slow }, hold.Token);
        _ = await holder.StartAsync(new StreamRequest { RequestId = "hold-2", Prompt = Slow }, hold.Token);
        await holder.StartedAsync("hold-1");
        await holder.StartedAsync("hold-2");

        using var wait = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "asks-critical", Prompt = "me first", Priority = "critical" }, wait.Token);
        Assert.Equal(1, await caller.QueuedAsync("asks-critical"));

        var entry = Assert.Single(_server.Services.GetRequiredService<PriorityAdmission>().Snapshot().Entries);
        Assert.Equal("asks-critical", entry.RequestId);
        Assert.Equal("jwt-acme", entry.Tenant);
        Assert.Equal(Priority.High, entry.Priority);
        await wait.CancelAsync();
        await hold.CancelAsync();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Stream_JwtWithoutTier_IsNormal()
    {
        await using var holder = await HubCaller.ConnectAsync(_server, TenantToken("jwt-gold", "critical"));
        await using var caller = await HubCaller.ConnectAsync(_server, TenantToken("jwt-plain"));
        using var hold = new CancellationTokenSource();
        _ = await holder.StartAsync(new StreamRequest { RequestId = "hold-3", Prompt = Slow }, hold.Token);
        _ = await holder.StartAsync(new StreamRequest { RequestId = "hold-4", Prompt = Slow }, hold.Token);
        await holder.StartedAsync("hold-3");
        await holder.StartedAsync("hold-4");

        using var wait = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "plain-1", Prompt = "me first", Priority = "critical" }, wait.Token);
        await caller.QueuedAsync("plain-1");

        var entry = Assert.Single(_server.Services.GetRequiredService<PriorityAdmission>().Snapshot().Entries);
        Assert.Equal(Priority.Normal, entry.Priority);
        await wait.CancelAsync();
        await hold.CancelAsync();
    }

    [Fact]
    public async Task Stream_ApiKeyBesideJwt_StillStreams()
    {
        await using var connection = await _server.ConnectAsync(TenantKey);

        var tokens = await Streams.ReadAllAsync(connection, new StreamRequest { Prompt = "keys still work", MaxTokens = 3 });

        Assert.Equal(EmulatorText.Text("keys still work", 3), string.Concat(tokens));
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", Token(Tenant, expiresIn: TimeSpan.FromMinutes(-5)) },
        { "wrongly signed", Token(Tenant, key: "another-signing-key-0123456789abcdef") },
        { "another issuer", Token(Tenant, issuer: "https://elsewhere.test") },
        { "another audience", Token(Tenant, audience: "someone-else") },
        { "unknown tier", Token(new Dictionary<string, object> { ["tenant"] = "jwt-acme", ["tier"] = "platinum" }) },
        { "numeric tier", Token(new Dictionary<string, object> { ["tenant"] = "jwt-acme", ["tier"] = "0" }) },
        { "bad tenant name", Token(new Dictionary<string, object> { ["tenant"] = "has space" }) },
        { "no tenant, no role", Token(new Dictionary<string, object> { ["sub"] = "nobody" }) },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Negotiate_BadJwt_Answers401(string why, string token)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => _server.ConnectAsync(token));

        Assert.True(error.Message.Contains("401", StringComparison.Ordinal), $"{why}: {error.Message}");
    }

    [Fact]
    public async Task Negotiate_JwtAsAccessTokenQuery_IsAcceptedOnTheHubPathOnly()
    {
        var token = Uri.EscapeDataString(TenantToken("jwt-acme", "high"));
        using var http = AdminTestKit.Http(_server, key: null);

        using var hub = await http.PostAsync($"hubs/stream/negotiate?negotiateVersion=1&access_token={token}", null).WaitAsync(StreamHubServer.Timeout);
        using var admin = await http.GetAsync($"admin/stats?access_token={Uri.EscapeDataString(AdminToken())}").WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task AdminStats_AdminRoleJwt_Answers200AndTenantJwt403()
    {
        using var admin = AdminTestKit.Http(_server, AdminToken());
        using var tenant = AdminTestKit.Http(_server, TenantToken("jwt-acme", "critical"));
        using var expired = AdminTestKit.Http(_server, Token(new Dictionary<string, object> { ["role"] = "streamhub-admin" }, expiresIn: TimeSpan.FromMinutes(-5)));

        using var asAdmin = await AdminTestKit.SendAsync(admin, "GET", "/admin/stats");
        using var asTenant = await AdminTestKit.SendAsync(tenant, "GET", "/admin/stats");
        using var asExpired = await AdminTestKit.SendAsync(expired, "GET", "/admin/stats");

        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, asExpired.StatusCode);
    }

    [Fact]
    public async Task Negotiate_AdminRoleInARolesArray_CanReadStats()
    {
        var token = Token(new Dictionary<string, object> { ["sub"] = "ops", ["roles"] = ReaderAndAdmin });
        using var admin = AdminTestKit.Http(_server, token);

        using var response = await AdminTestKit.SendAsync(admin, "GET", "/admin/stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Dictionary<string, object> Tenant => new() { ["tenant"] = "jwt-acme", ["tier"] = "high" };

    /// <summary>
    /// A pool of two and a slow emulator, shared: the tests that fill the pool end their holds, and each
    /// test starts once the previous test's requests have left the pool and the queue.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(Settings(
        ("Admission:MaxConcurrentStreams", "2"),
        ("Admission:BackpressureThreshold", "1"),
        ("Tenants:0:Name", "keyed"),
        ("Tenants:0:ApiKey", TenantKey),
        ("Tenants:0:Tier", "Low")));
}
