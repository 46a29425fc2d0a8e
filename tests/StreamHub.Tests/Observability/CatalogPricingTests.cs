using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Observability;

/// <summary>Cost priced as the model that answered: the name its region was asked for, then the client-facing name.</summary>
public sealed class CatalogPricingTests
{
    [Fact]
    public async Task Stream_FailoverToAnotherProvider_CostUsesTheAnsweringUpstreamModelsPrice()
    {
        await using var openai = await ProviderAsync(["gpt-4.1"]);
        await using var deepseek = await ProviderAsync(["deepseek-chat"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", openai, ("Priority", "0"), ("Models:chat", "gpt-4.1")),
            .. Region(1, "deepseek", deepseek, ("Priority", "1"), ("Models:chat", "deepseek-chat")),
            ("Upstream:Model", "chat"),
            ("Pricing:Models:gpt-4.1:InputPerMillion", "2"),
            ("Pricing:Models:gpt-4.1:OutputPerMillion", "8"),
            ("Pricing:Models:chat:InputPerMillion", "100"),
            ("Pricing:Models:chat:OutputPerMillion", "300"),
        ]), openai);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        await caller.ReadAllAsync(new StreamRequest { RequestId = "openai", Prompt = "price this answer", MaxTokens = 10 });
        openai.State.SetScript(["status=503"]);
        await caller.ReadAllAsync(new StreamRequest { RequestId = "deepseek", Prompt = "price this answer", MaxTokens = 10 });

        // gpt-4.1 has its own price; deepseek-chat has none, so the client-facing name's applies.
        var first = await caller.UsageAsync("openai");
        var second = await caller.UsageAsync("deepseek");
        Assert.Equal(("gpt-4.1", "openai"), (first.Model, first.Region));
        Assert.Equal(((first.PromptTokens * 2m) + (first.CompletionTokens * 8m)) / 1_000_000m, first.Cost);
        Assert.Equal(("deepseek-chat", "deepseek"), (second.Model, second.Region));
        Assert.Equal(((second.PromptTokens * 100m) + (second.CompletionTokens * 300m)) / 1_000_000m, second.Cost);
    }
}
