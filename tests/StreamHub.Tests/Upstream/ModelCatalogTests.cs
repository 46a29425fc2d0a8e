using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The catalog from settings: which regions serve a name under which upstream name, and a request's plan.</summary>
public sealed class ModelCatalogTests
{
    [Fact]
    public void Find_MappedName_ItsRegionsWithTheirOwnNamesAndTheAnyNameRegionAsAsked()
    {
        var catalog = Catalog(
            ("deepseek", new() { ["chat"] = "deepseek-chat" }),
            ("openai", new() { ["chat"] = "gpt-4.1", ["fast"] = "gpt-4.1-mini" }),
            ("local", []));

        var chat = catalog.Find("chat")!;

        Assert.Equal(["deepseek", "openai", "local"], chat.Selector.Regions.Select(r => r.Name));
        Assert.Equal(["deepseek-chat", "gpt-4.1", "chat"], chat.Selector.Regions.Select(chat.UpstreamNameFor));
        Assert.Equal(["openai", "local"], catalog.Find("FAST")!.Selector.Regions.Select(r => r.Name));
        Assert.Equal(["local"], catalog.Find("llama3.2")!.Selector.Regions.Select(r => r.Name));
        Assert.Equal(["chat", "fast"], catalog.Names);
    }

    [Fact]
    public void Find_NoRegionServesTheName_Null()
    {
        var catalog = Catalog(("deepseek", new() { ["chat"] = "deepseek-chat" }));

        Assert.Null(catalog.Find("gpt-4.1"));
    }

    [Fact]
    public void Plan_ModelOutsideTheCallersList_ForbiddenListingItsModels()
    {
        var catalog = Catalog(("openai", new() { ["chat"] = "gpt-4.1", ["fast"] = "gpt-4.1-mini" }));

        var error = Assert.Throws<StreamHubException>(() => catalog.Plan("chat", allowed: ["fast"]));

        Assert.Equal(ErrorCodes.Forbidden, error.Code);
        Assert.Equal("model 'chat' is not one this caller may use; ask for one of: fast", error.Message);
    }

    [Fact]
    public void Plan_ModelNoRegionServes_InvalidRequestListingTheServedOnes()
    {
        var catalog = Catalog(("openai", new() { ["chat"] = "gpt-4.1", ["fast"] = "gpt-4.1-mini" }));

        var error = Assert.Throws<StreamHubException>(() => catalog.Plan("deepseek-chat", allowed: null));

        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
        Assert.Equal("model 'deepseek-chat' is not served here; ask for one of: chat, fast", error.Message);
    }

    [Fact]
    public void Plan_Fallbacks_InOrderWithoutTheOnesTheCallerMayNotUse()
    {
        var catalog = Catalog(
            [("a", new() { ["chat"] = "a-chat", ["fast"] = "a-fast", ["cheap"] = "a-cheap" })],
            fallbacks: new() { ["chat"] = ["fast", "cheap"] });

        Assert.Equal(["chat", "fast", "cheap"], catalog.Plan("chat", allowed: null).Select(r => r.Model));
        Assert.Equal(["chat", "cheap"], catalog.Plan("chat", allowed: ["chat", "cheap"]).Select(r => r.Model));
        Assert.Equal(["fast"], catalog.Plan("fast", allowed: null).Select(r => r.Model));
    }

    [Fact]
    public void Listed_RestrictedCaller_ItsModelsThatSomeRegionServes()
    {
        var catalog = Catalog(("openai", new() { ["chat"] = "gpt-4.1", ["fast"] = "gpt-4.1-mini" }), ("local", []));

        Assert.Equal(["chat", "fast"], catalog.Listed(null));
        Assert.Equal(["fast", "llama3.2"], catalog.Listed(["fast", "llama3.2"]));
    }

    [Fact]
    public void ReadmeCatalogExample_BindsValidatesAndRoutesChatThenFast()
    {
        var readme = File.ReadAllText(Path.Combine(OpenAi.OpenAiTestKit.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf("```json\n\"Upstream\"", StringComparison.Ordinal) + "```json\n".Length;
        var json = "{" + readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)] + "}";
        var options = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build()
            .GetSection(UpstreamOptions.Section).Get<UpstreamOptions>()!;

        var validation = new UpstreamOptionsValidator().Validate(null, options);
        var time = new FakeTimeProvider();
        var catalog = new ModelCatalog(options, new RegionSelector([.. options.Regions.Select(r => new UpstreamRegion(r, options.CircuitBreaker, time, NullLogger.Instance))]));
        var plan = catalog.Plan("chat", allowed: null);

        Assert.False(validation.Failed, validation.FailureMessage);
        Assert.Equal(["chat", "fast"], plan.Select(r => r.Model));
        Assert.Equal(["azure", "openai-key-1", "openai-key-2"], plan[0].Selector.Regions.Select(r => r.Name));
        Assert.Equal("my-gpt-4.1-deployment", plan[0].UpstreamNameFor(plan[0].Selector.Regions[0]));
        Assert.Equal(new Uri("https://my-resource.openai.azure.com/openai/v1/chat/completions?api-version=v1"), plan[0].Selector.Regions[0].Endpoint.ChatCompletions);
        Assert.Equal(["openai-key-1", "openai-key-2", "gemini"], plan[1].Selector.Regions.Select(r => r.Name));
        var aggregator = Assert.Single(catalog.Find("claude-sonnet-4.5")!.Selector.Regions);
        Assert.Equal(("openrouter", "anthropic/claude-sonnet-4.5"), (aggregator.Name, catalog.Find("claude-sonnet-4.5")!.UpstreamNameFor(aggregator)));
    }

    private static ModelCatalog Catalog(params (string Name, Dictionary<string, string> Models)[] regions) => Catalog(regions, []);

    private static ModelCatalog Catalog((string Name, Dictionary<string, string> Models)[] regions, Dictionary<string, List<string>> fallbacks)
    {
        var options = new UpstreamOptions { Model = "chat" };
        foreach (var (name, models) in regions)
        {
            options.Regions.Add(new RegionOptions { Name = name, BaseUrl = "http://127.0.0.1:9/v1", Models = new(models, StringComparer.OrdinalIgnoreCase) });
        }

        foreach (var (model, list) in fallbacks)
        {
            options.Fallbacks[model] = list;
        }

        var time = new FakeTimeProvider();
        var selector = new RegionSelector([.. options.Regions.Select(r => new UpstreamRegion(r, options.CircuitBreaker, time, NullLogger.Instance))]);
        return new ModelCatalog(options, selector);
    }
}
