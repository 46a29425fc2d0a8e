using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// One client-facing model on providers that each know only their own model names (real emulators): failover
/// sends each region its own name, a fallback model answers when the model's regions cannot, mid-stream too.
/// </summary>
public sealed class ModelFailoverTests
{
    private const string DeepSeekKey = "sk-deepseek-0123456789abcdef";
    private const string OpenAiKey = "sk-openai-0123456789abcdef";

    /// <summary>The README's example, read from README.md: DeepSeek first, OpenAI as failover, one client-facing model "chat".</summary>
    [Fact]
    public async Task Stream_ReadmeDeepSeekThenOpenAi_EachSideGetsItsOwnModelNameAndTheFailoverAnswers()
    {
        await using var deepseek = await ProviderAsync(["deepseek-chat"], bearer: DeepSeekKey);
        await using var openai = await ProviderAsync(["gpt-4.1"], bearer: OpenAiKey);
        var readme = ReadmeExample("# DeepSeek as primary, OpenAI as failover");
        Assert.Equal(("deepseek-chat", "gpt-4.1", "chat"), (readme["Upstream:Regions:0:Models:chat"], readme["Upstream:Regions:1:Models:chat"], readme["Upstream:Model"]));
        readme["Upstream:Regions:0:BaseUrl"] = new Uri(deepseek.BaseAddress, "v1").ToString();
        readme["Upstream:Regions:1:BaseUrl"] = new Uri(openai.BaseAddress, "v1").ToString();
        readme["Upstream:Regions:0:ApiKey"] = DeepSeekKey;
        readme["Upstream:Regions:1:ApiKey"] = OpenAiKey;
        await using var server = await StreamHubServer.StartAsync(Settings([.. readme.Select(p => (p.Key, (string?)p.Value))]), deepseek);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        var healthy = await caller.ReadAllAsync(new StreamRequest { RequestId = "healthy", Prompt = "hello", MaxTokens = 4 });
        deepseek.State.SetScript(["status=503"]);
        var failedOver = await caller.ReadAllAsync(new StreamRequest { RequestId = "failover", Prompt = "hello", MaxTokens = 4 });

        Assert.Equal(EmulatorText.Text("hello", 4), string.Concat(healthy));
        Assert.Equal(EmulatorText.Text("hello", 4), string.Concat(failedOver));
        Assert.Equal(("deepseek", "openai"), (await caller.StartedAsync("healthy"), await caller.StartedAsync("failover")));
        Assert.Equal(("deepseek-chat", "gpt-4.1"), ((await caller.UsageAsync("healthy")).Model, (await caller.UsageAsync("failover")).Model));
        Assert.Equal([("deepseek-chat", null), ("deepseek-chat", "status=503")], Received(deepseek));
        Assert.Equal([("gpt-4.1", (string?)null)], Received(openai));
    }

    [Fact]
    public async Task Completions_EveryRegionOfTheModelOpen_TheFallbackModelAnswersAndSaysSo()
    {
        await using var primary = await ProviderAsync(["gpt-4.1"]);
        await using var backup = await ProviderAsync(["gemini-2.5-flash"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", primary, ("Models:chat", "gpt-4.1")),
            .. Region(1, "gemini", backup, ("Models:fast", "gemini-2.5-flash")),
            ("Upstream:Model", "chat"),
            ("Upstream:Fallbacks:chat:0", "fast"),
            ("Upstream:Retry:MaxAttempts", "1"),
            ("Upstream:CircuitBreaker:FailureThreshold", "1"),
            ("Upstream:CircuitBreaker:BreakDuration", "00:10:00"),
        ]), primary);
        using var http = server.CreateHttpClient(TenantKey);
        primary.State.SetScript(["status=500"]);

        // The first request finds chat's one region failing (and opens it); the second finds it open.
        using var failing = await http.PostAsJsonAsync("v1/chat/completions", Body("chat")).WaitAsync(Waits.Timeout);
        using var open = await http.PostAsJsonAsync("v1/chat/completions", Body("chat")).WaitAsync(Waits.Timeout);

        foreach (var response in new[] { failing, open })
        {
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout));
            Assert.Equal("gemini-2.5-flash", json.RootElement.GetProperty("model").GetString());
            Assert.Equal(EmulatorText.Text("hello", 3), json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
            Assert.Equal("fast", Assert.Single(response.Headers.GetValues("X-StreamHub-Model")));
            Assert.Equal("gemini", Assert.Single(response.Headers.GetValues("X-StreamHub-Region")));
        }

        Assert.Equal([("gpt-4.1", "status=500")], Received(primary));
        Assert.Equal([("gemini-2.5-flash", null), ("gemini-2.5-flash", (string?)null)], Received(backup));
    }

    [Fact]
    public async Task StreamEvents_TheModelsRegionFails_FinishAndUsageNameTheFallbackAndItsPriceApplies()
    {
        await using var primary = await ProviderAsync(["gpt-4.1"]);
        await using var backup = await ProviderAsync(["gemini-2.5-flash"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", primary, ("Models:chat", "gpt-4.1")),
            .. Region(1, "gemini", backup, ("Models:fast", "gemini-2.5-flash")),
            ("Upstream:Model", "chat"),
            ("Upstream:Fallbacks:chat:0", "fast"),
            ("Upstream:Retry:MaxAttempts", "1"),
            ("Pricing:Models:gpt-4.1:InputPerMillion", "2"),
            ("Pricing:Models:gpt-4.1:OutputPerMillion", "8"),
            ("Pricing:Models:gemini-2.5-flash:InputPerMillion", "0.30"),
            ("Pricing:Models:gemini-2.5-flash:CachedInputPerMillion", "0.03"),
            ("Pricing:Models:gemini-2.5-flash:OutputPerMillion", "2.50"),
        ]), primary);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);
        primary.State.SetScript(["status=500"]);

        var events = await StreamEventKit.ReadEventsAsync(
            caller.Connection, new StreamRequest { RequestId = "fell-back", Prompt = "[emulator: cached=4] hello", MaxTokens = 5 });

        Assert.Equal("gemini", await caller.StartedAsync("fell-back"));
        Assert.Equal("gemini-2.5-flash", Assert.Single(events, e => e.Type == StreamEventTypes.Finish).Model);
        var usage = Assert.Single(events, e => e.Type == StreamEventTypes.Usage).Usage!;
        Assert.Equal(("gemini-2.5-flash", "gemini", 4), (usage.Model, usage.Region, usage.CachedPromptTokens));
        Assert.Equal((((usage.PromptTokens - 4) * 0.30m) + (4 * 0.03m) + (usage.CompletionTokens * 2.50m)) / 1_000_000m, usage.Cost);
    }

    [Fact]
    public async Task Stream_MidStreamContinueAndTheModelsOnlyRegionBreaks_TheFallbackModelContinues()
    {
        await using var primary = await ProviderAsync(["gpt-4.1"]);
        await using var backup = await ProviderAsync(["gemini-2.5-flash"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", primary, ("Models:chat", "gpt-4.1")),
            .. Region(1, "gemini", backup, ("Models:fast", "gemini-2.5-flash")),
            ("Upstream:Model", "chat"),
            ("Upstream:Fallbacks:chat:0", "fast"),
            ("Upstream:MidStream", "Continue"),
            ("Upstream:CircuitBreaker:FailureThreshold", "1"),
            ("Upstream:CircuitBreaker:BreakDuration", "00:10:00"),
        ]), primary);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        var tokens = await caller.ReadAllAsync(new StreamRequest { RequestId = "cut", Prompt = "[emulator: drop-after=3] hello", MaxTokens = 8 });

        var continued = Assert.Single(backup.State.GetRequests());
        Assert.Equal(("gemini-2.5-flash", 200), (continued.Model, continued.Status));
        Assert.Equal(["user", "assistant", "user"], continued.Messages.Select(m => m.Role));
        Assert.Equal(EmulatorText.Text("hello", 8)[..continued.Messages[1].Content!.Length], continued.Messages[1].Content);
        Assert.StartsWith(continued.Messages[1].Content!, string.Concat(tokens), StringComparison.Ordinal);
        Assert.Equal("gemini-2.5-flash", (await caller.UsageAsync("cut")).Model);
        Assert.Equal([("gpt-4.1", "drop-after=3")], Received(primary));
    }

    [Fact]
    public async Task Stream_ModelNoRegionServes_InvalidRequestListingTheServedModels()
    {
        await using var openai = await ProviderAsync(["gpt-4.1", "gpt-4.1-mini"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "openai", openai, ("Models:chat", "gpt-4.1"), ("Models:fast", "gpt-4.1-mini")),
            ("Upstream:Model", "chat"),
        ]), openai);
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        var error = await Assert.ThrowsAsync<HubException>(() => caller.ReadAllAsync(new StreamRequest { Prompt = "hi", Model = "deepseek-chat" }));

        Assert.Equal("invalid_request: model 'deepseek-chat' is not served here; ask for one of: chat, fast", error.Message);
        Assert.Empty(openai.State.GetRequests());
    }

    /// <summary>The <c>--Key=Value</c> settings of the README's shell example that starts with <paramref name="comment"/>.</summary>
    private static Dictionary<string, string> ReadmeExample(string comment)
    {
        var readme = File.ReadAllText(Path.Combine(OpenAi.OpenAiTestKit.RepositoryRoot(), "README.md"));
        var start = readme.IndexOf(comment, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no example '{comment}'");
        var block = readme[start..readme.IndexOf("\n\n", start, StringComparison.Ordinal)];
        var settings = new Dictionary<string, string>();
        foreach (var argument in block.Split([' ', '\n', '\\'], StringSplitOptions.RemoveEmptyEntries).Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)))
        {
            var (key, value) = (argument[2..argument.IndexOf('=', StringComparison.Ordinal)], argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            settings[key] = value;
        }

        Assert.True(settings.Count >= 10, "the README's example is not the settings it should be:\n" + block);
        return settings;
    }

    private static object Body(string model) => new
    {
        model,
        messages = new[] { new { role = "user", content = "hello" } },
        max_tokens = 3,
    };
}
