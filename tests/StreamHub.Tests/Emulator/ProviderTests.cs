using System.ClientModel;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Models;
using StreamHub.Emulator;

namespace StreamHub.Tests.Emulator;

/// <summary>The emulator plays a provider: only its own model names, and the credentials it requires.</summary>
public sealed class ProviderTests
{
    private const string Chat = """{"model":"gpt-a","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task ChatCompletions_ModelNotServed_404ModelNotFoundInOpenAiShape()
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.Models = ["gpt-a", "gpt-b"]);

        using var known = await emulator.PostAsync("v1/chat/completions", Chat);
        using var unknown = await emulator.PostAsync("v1/chat/completions", Chat.Replace("gpt-a", "deepseek-chat", StringComparison.Ordinal));
        var error = (await EmulatorClient.ReadJsonAsync(unknown)).GetProperty("error");

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(("invalid_request_error", "model", "model_not_found"),
            (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        Assert.Contains("deepseek-chat", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(("deepseek-chat", 404), (emulator.Server.State.GetRequests()[^1].Model, emulator.Server.State.GetRequests()[^1].Status));
    }

    [Fact]
    public async Task Models_Configured_OfficialSdkListsExactlyThem()
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.Models = ["gpt-a", "gpt-b"]);
        var client = new OpenAIModelClient(new ApiKeyCredential("sk"), new OpenAIClientOptions { Endpoint = new Uri(emulator.Server.BaseAddress, "v1") });

        var models = await client.GetModelsAsync().WaitAsync(EmulatorClient.Timeout);

        Assert.Equal(["gpt-a", "gpt-b"], models.Value.Select(m => m.Id));
        Assert.Equal("/v1/models", emulator.Server.State.GetRequests()[^1].Path);
    }

    [Theory]
    [InlineData(null, "?api-version=2024-10-21", HttpStatusCode.Unauthorized)]
    [InlineData("wrong", "?api-version=2024-10-21", HttpStatusCode.Unauthorized)]
    [InlineData("azure-key", "", HttpStatusCode.Unauthorized)]
    [InlineData("azure-key", "?api-version=2024-06-01", HttpStatusCode.Unauthorized)]
    [InlineData("azure-key", "?api-version=2024-10-21", HttpStatusCode.OK)]
    public async Task ChatCompletions_RequiredHeaderAndQuery_401UnlessBothExact(string? key, string query, HttpStatusCode expected)
    {
        await using var emulator = await EmulatorClient.StartAsync(Azure);

        using var response = await emulator.PostAsync("v1/chat/completions" + query, Chat, key is null ? [] : [("api-key", key)]);

        Assert.Equal(expected, response.StatusCode);
        var record = emulator.Server.State.GetRequests()[^1];
        Assert.Equal((int)expected, record.Status);
        Assert.Equal(query, record.Query);
        if (expected == HttpStatusCode.Unauthorized)
        {
            var error = (await EmulatorClient.ReadJsonAsync(response)).GetProperty("error");
            Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task ChatCompletions_AzureStyleRegion_ReceivesApiKeyAndNoAuthorization()
    {
        await using var emulator = await EmulatorClient.StartAsync(Azure);

        using var response = await emulator.PostAsync("v1/chat/completions?api-version=2024-10-21", Chat, [("api-key", "azure-key")]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = emulator.Server.State.GetRequests()[^1];
        Assert.Equal("azure-key", record.Headers["API-KEY"]);
        Assert.Null(record.Authorization);
        Assert.False(record.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Models_MissingCredentials_401()
    {
        await using var emulator = await EmulatorClient.StartAsync(Azure);

        using var response = await emulator.Http.GetAsync("v1/models").WaitAsync(EmulatorClient.Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AddEmulator_Configuration_BindsModelsAndRequirements()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Emulator:Models:0"] = "m1",
            ["Emulator:Models:1"] = "m2",
            ["Emulator:RequireHeaders:Api-Key"] = "k",
            ["Emulator:RequireQuery:api-version"] = "v1",
        });
        builder.AddEmulator();
        await using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value;

        Assert.Equal(["m1", "m2"], options.Models);
        Assert.Equal("k", options.RequireHeaders["api-key"]);
        Assert.Equal("v1", options.RequireQuery["api-version"]);
    }

    private static void Azure(EmulatorOptions o)
    {
        o.RequireHeaders["api-key"] = "azure-key";
        o.RequireQuery["api-version"] = "2024-10-21";
    }
}
