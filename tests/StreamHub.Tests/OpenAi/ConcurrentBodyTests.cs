using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// Many bodies read at once never mix: each request is answered from its own body and the upstream receives
/// each body once, whoever else is posting (a body parsed in place of the pipe's pooled memory would be read
/// after that memory went to another request: a caller answered from, or failed by, someone else's body).
/// </summary>
public sealed class ConcurrentBodyTests
{
    private const int Requests = 600;
    private const string GlobexKey = "globex-key-0123456789abcdef";

    [Fact]
    public async Task ChatCompletions_ManyBodiesAtOnceFromTwoTenants_EachAnsweredFromItsOwnBody()
    {
        await using var server = await StreamHubServer.StartAsync(OpenAiTestKit.Settings(("Tenants:2:Name", "globex"), ("Tenants:2:ApiKey", GlobexKey)));
        using var acme = OpenAiTestKit.Http(server, OpenAiTestKit.AcmeKey);
        using var other = OpenAiTestKit.Http(server, GlobexKey);
        var answers = new ConcurrentDictionary<string, string>();

        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            // Bodies of different sizes (some over one pipe segment) from two tenants.
            var prompt = $"body-{i}-" + new string((char)('a' + (i % 26)), 50 + (i * 37 % 6000));
            var http = i % 2 == 0 ? acme : other;
            using var response = await http.PostAsJsonAsync("v1/chat/completions", new { model = "emulator-1", messages = new[] { new { role = "user", content = prompt } }, max_tokens = 2 }, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, text);
            using var json = JsonDocument.Parse(text);
            answers[prompt] = json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        }).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Requests, answers.Count);
        Assert.All(answers, a => Assert.Equal(EmulatorText.Text(a.Key, 2), a.Value));
        var seen = server.Emulator.State.GetRequests().Select(static r => r.Messages[^1].Content).ToList();
        Assert.Equal(Requests, seen.Count);
        Assert.Equal(answers.Keys.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }
}
