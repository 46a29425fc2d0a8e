using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Observability;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Upstream;

/// <summary>A provider's quirks as settings: the key in another header, extra headers and query parameters, all kept secret.</summary>
public sealed class ProviderQuirksTests
{
    private const string AzureKey = "azure-key-0123456789abcdef";
    private const string ApiVersion = "2024-10-21";
    private const string ExtraHeader = "hdr-secret-0123456789";
    private const string AdminKey = "admin-key-0123456789abcdef";

    [Fact]
    public async Task Stream_AzureStyleRegion_ReceivesApiKeyApiVersionAndTheDeploymentNeverAuthorization()
    {
        await using var azure = await ProviderAsync(["my-gpt-4.1-deployment"], configure: o =>
        {
            o.RequireHeaders["api-key"] = AzureKey;
            o.RequireHeaders["X-Team-Secret"] = ExtraHeader;
            o.RequireQuery["api-version"] = ApiVersion;
        });
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(
                0,
                "azure",
                azure,
                ("ApiKey", AzureKey),
                ("ApiKeyHeader", "api-key"),
                ("Headers:X-Team-Secret", ExtraHeader),
                ("Query:api-version", ApiVersion),
                ("Models:chat", "my-gpt-4.1-deployment")),
            ("Upstream:Model", "chat"),
            ("Admin:ApiKey", AdminKey),
            ("Logging:LogLevel:Default", "Trace"),
        ]), azure);
        var logs = new CapturingLoggerProvider();
        server.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        var tokens = await caller.ReadAllAsync(new StreamRequest { RequestId = "azure", Prompt = "hello", MaxTokens = 3 });

        Assert.Equal(EmulatorText.Text("hello", 3), string.Concat(tokens));
        var received = Assert.Single(azure.State.GetRequests());
        Assert.Equal((200, "my-gpt-4.1-deployment", "?api-version=" + ApiVersion), (received.Status, received.Model, received.Query));
        Assert.Equal((AzureKey, ExtraHeader), (received.Headers["api-key"], received.Headers["x-team-secret"]));
        Assert.Null(received.Authorization);
        Assert.False(received.Headers.ContainsKey("authorization"));

        // Neither the key nor the further header or query value shows in admin output or any log line.
        using var admin = server.CreateHttpClient(AdminKey);
        var seen = new List<string>(logs.Lines);
        foreach (var path in new[] { "/admin/regions", "/admin/models", "/admin/requests", "/admin/stats" })
        {
            seen.Add(await admin.GetStringAsync(path).WaitAsync(Waits.Timeout));
        }

        Assert.Contains(seen, text => text.Contains("my-gpt-4.1-deployment", StringComparison.Ordinal));
        foreach (var secret in new[] { AzureKey, ExtraHeader, ApiVersion })
        {
            var leaks = seen.Where(text => text.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, $"{secret} leaked in:\n" + string.Join("\n---\n", leaks));
        }
    }

    [Fact]
    public async Task Stream_OpenAiStyleRegionWithoutApiKeyHeader_SendsTheKeyAsBearer()
    {
        await using var openai = await ProviderAsync(["gpt-4.1"], bearer: "sk-openai-0123456789abcdef");
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", openai, ("ApiKey", "sk-openai-0123456789abcdef"), ("Models:chat", "gpt-4.1")),
            ("Upstream:Model", "chat"),
        ]), openai);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        await caller.ReadAllAsync(new StreamRequest { Prompt = "hello", MaxTokens = 2 });

        var received = Assert.Single(openai.State.GetRequests());
        Assert.Equal((200, "Bearer sk-openai-0123456789abcdef", ""), (received.Status, received.Authorization, received.Query));
    }
}
