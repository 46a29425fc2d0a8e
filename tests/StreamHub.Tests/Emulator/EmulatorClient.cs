using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using StreamHub.Emulator;

namespace StreamHub.Tests.Emulator;

/// <summary>An emulator on a loopback Kestrel and an HttpClient for it: raw HTTP, as a gateway would talk.</summary>
internal sealed class EmulatorClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private EmulatorClient(EmulatorServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout };
    }

    public EmulatorServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<EmulatorClient> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { FirstTokenDelay = TimeSpan.FromMilliseconds(1), TokensPerSecond = 5000 };
        configure?.Invoke(options);
        return new EmulatorClient(await EmulatorServer.StartAsync(options).WaitAsync(Timeout));
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async Task<HttpResponseMessage> PostAsync(string path, string json, IEnumerable<(string Name, string Value)>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeout);
    }

    /// <summary>Every SSE event (name and data) of a streamed answer, read with the framework's SSE parser.</summary>
    public static async Task<List<SseItem<string>>> ReadEventsAsync(HttpResponseMessage response)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cts.Token))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>The JSON chunks of an OpenAI stream, checked to end with <c>[DONE]</c>.</summary>
    public static async Task<List<JsonElement>> ReadChunksAsync(HttpResponseMessage response)
    {
        var events = await ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1].Data);
        return [.. events.SkipLast(1).Select(e => JsonDocument.Parse(e.Data).RootElement)];
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Timeout)).RootElement;

    public async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(path).WaitAsync(Timeout)).RootElement;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}
