using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using OpenAI;
using OpenAI.Models;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Identity;

/// <summary>
/// Per-tenant model lists (<c>Tenants:N:Models</c>, a JWT's models claim) on both front doors, and <c>/v1/models</c>
/// as the official OpenAI SDK reads it. One server: acme may use "fast" only, beta anything.
/// </summary>
public sealed class ModelAccessTests : IAsyncLifetime
{
    private const string BetaKey = "beta-key-0123456789abcdef";
    private static readonly string[] OnlyFast = ["fast"];
    private EmulatorServer _provider = null!;
    private StreamHubServer _server = null!;

    public async Task InitializeAsync()
    {
        _provider = await ProviderAsync(["gpt-4.1", "gpt-4.1-mini"]);
        _server = await StreamHubServer.StartAsync(Settings(
        [
            .. Upstream.CatalogTestKit.Region(0, "openai", _provider, ("Models:chat", "gpt-4.1"), ("Models:fast", "gpt-4.1-mini")),
            ("Upstream:Model", "chat"),
            ("Tenants:0:Models:0", "fast"),
            ("Tenants:1:Name", "beta"),
            ("Tenants:1:ApiKey", BetaKey),
            .. JwtTestKit.Settings().Select(p => (p.Key, p.Value)),
        ]), _provider);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Stream_TenantOutsideTheModelsList_ForbiddenAndNothingReachesTheUpstream()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);

        var named = await Assert.ThrowsAsync<HubException>(() => caller.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "chat" }));
        var byDefault = await Assert.ThrowsAsync<HubException>(() => caller.ReadAllAsync(new StreamRequest { Prompt = "hi" }));
        var allowed = await caller.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "fast", MaxTokens = 2 });

        Assert.Equal("forbidden: model 'chat' is not one this caller may use; ask for one of: fast", named.Message);
        Assert.StartsWith("forbidden: model 'chat'", byDefault.Message, StringComparison.Ordinal);
        Assert.Equal(EmulatorText.Text("hi", 2), string.Concat(allowed));
        Assert.Equal(["gpt-4.1-mini"], _provider.State.GetRequests().Select(r => r.Model));
    }

    [Fact]
    public async Task Completions_TenantOutsideTheModelsList_403WithCodeForbidden()
    {
        using var http = _server.CreateHttpClient(TenantKey);

        using var response = await http.PostAsJsonAsync("v1/chat/completions", new { model = "chat", messages = new[] { new { role = "user", content = "hi" } } })
            .WaitAsync(Waits.Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout));
        Assert.Equal("forbidden", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Stream_JwtWithModelsClaim_TheClaimDecides()
    {
        var onlyFast = JwtTestKit.Token(new Dictionary<string, object> { ["tenant"] = "jwt-co", ["models"] = OnlyFast });
        var spaced = JwtTestKit.Token(new Dictionary<string, object> { ["tenant"] = "jwt-co", ["models"] = "fast chat" });
        await using var limited = await HubCaller.ConnectAsync(_server, onlyFast);
        await using var both = await HubCaller.ConnectAsync(_server, spaced);
        await using var unlisted = await HubCaller.ConnectAsync(_server, JwtTestKit.TenantToken("jwt-free"));

        var refused = await Assert.ThrowsAsync<HubException>(() => limited.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "chat" }));
        await limited.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "fast", MaxTokens = 1 });
        await both.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "chat", MaxTokens = 1 });
        await unlisted.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "chat", MaxTokens = 1 });

        Assert.StartsWith("forbidden:", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["gpt-4.1-mini", "gpt-4.1", "gpt-4.1"], _provider.State.GetRequests().Select(r => r.Model));
    }

    [Fact]
    public async Task ListModels_OfficialSdk_EachTenantSeesTheModelsItMayUseOwnedByTheirRegions()
    {
        var acme = await ModelClient(TenantKey).GetModelsAsync().WaitAsync(Waits.Timeout);
        var beta = await ModelClient(BetaKey).GetModelsAsync().WaitAsync(Waits.Timeout);

        Assert.Equal(["fast"], acme.Value.Select(m => m.Id));
        Assert.Equal(["chat", "fast"], beta.Value.Select(m => m.Id));
        Assert.All(beta.Value, m => Assert.Equal("openai", m.OwnedBy));
    }

    private OpenAIModelClient ModelClient(string key)
        => new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(_server.BaseAddress, "v1"), NetworkTimeout = Waits.Timeout });
}
