using System.Net.Http.Json;
using StreamHub.Admin;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Admin;

/// <summary><c>GET /admin/models</c>: the catalog as operators see it.</summary>
public sealed class AdminModelsTests
{
    private const string AdminKey = "admin-key-0123456789abcdef";

    [Fact]
    public async Task AdminModels_Catalog_RegionsUpstreamNamesWeightsFallbacksAndThePriceEachUses()
    {
        await using var openai = await ProviderAsync(["gpt-4.1", "gpt-4.1-mini"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", openai, ("Weight", "3"), ("ApiKey", "sk-openai-0123456789abcdef"), ("Models:chat", "gpt-4.1"), ("Models:fast", "gpt-4.1-mini")),
            .. Region(1, "local", openai, ("Priority", "2")),
            ("Upstream:Model", "chat"),
            ("Upstream:Fallbacks:chat:0", "fast"),
            ("Pricing:Models:gpt-4.1:InputPerMillion", "2"),
            ("Pricing:Models:gpt-4.1:CachedInputPerMillion", "0.5"),
            ("Pricing:Models:gpt-4.1:OutputPerMillion", "8"),
            ("Pricing:Models:fast:OutputPerMillion", "1.6"),
            ("Admin:ApiKey", AdminKey),
        ]), openai);
        using var http = server.CreateHttpClient(AdminKey);

        var catalog = await http.GetFromJsonAsync<AdminModelCatalog>("/admin/models").WaitAsync(Waits.Timeout);

        Assert.Equal("chat", catalog!.DefaultModel);
        Assert.Equal(["local"], catalog.AnyNameRegions);
        Assert.Equal(["chat", "fast"], catalog.Models.Select(m => m.Name));
        var chat = catalog.Models[0];
        Assert.Equal(["fast"], chat.Fallbacks);
        Assert.Equal(
            [
                new AdminModelRegion("openai", "gpt-4.1", 0, 3, "closed", "gpt-4.1", 2m, 8m, 0.5m),
                new AdminModelRegion("local", "chat", 2, 1, "closed", null, null, null, null),
            ],
            chat.Regions);
        Assert.Equal(new AdminModelRegion("openai", "gpt-4.1-mini", 0, 3, "closed", "fast", 0m, 1.6m, null), catalog.Models[1].Regions[0]);
    }
}
