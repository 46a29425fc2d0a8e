using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Upstream;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// <see cref="UpstreamClient"/> built by hand over real emulators (one per region, on loopback port 0) and
/// the app's own pooled handler, with time on a <see cref="RecordingTimeProvider"/> unless a test needs the
/// real clock.
/// </summary>
internal sealed class UpstreamHarness : IAsyncDisposable
{
    /// <summary>The suite's one default bound (<see cref="Waits.Timeout"/>), under the name these tests know.</summary>
    public static readonly TimeSpan Timeout = Waits.Timeout;

    private readonly ServiceProvider _services;

    private UpstreamHarness(EmulatorServer[] emulators, ServiceProvider services, UpstreamClient client, UpstreamOptions options, TimeProvider time)
    {
        Emulators = emulators;
        _services = services;
        Client = client;
        Options = options;
        Time = time;
    }

    public EmulatorServer[] Emulators { get; }

    public UpstreamClient Client { get; }

    public UpstreamOptions Options { get; }

    public TimeProvider Time { get; }

    public RecordingTimeProvider Clock => (RecordingTimeProvider)Time;

    public RegionSelector Regions => Client.Regions;

    /// <summary>Region i is named "r{i}", has priority i and the API key <see cref="ApiKey"/>(i).</summary>
    public static async Task<UpstreamHarness> StartAsync(
        int regions = 1,
        Action<UpstreamOptions>? configure = null,
        TimeProvider? time = null,
        EmulatorOptions? emulator = null)
    {
        var emulators = new EmulatorServer[regions];
        for (var i = 0; i < regions; i++)
        {
            emulators[i] = await EmulatorServer.StartAsync(emulator ?? StreamHubServer.FastEmulator()).WaitAsync(Timeout);
        }

        var settings = new Dictionary<string, string?>();
        for (var i = 0; i < regions; i++)
        {
            settings[$"Upstream:Regions:{i}:Name"] = $"r{i}";
            settings[$"Upstream:Regions:{i}:BaseUrl"] = new Uri(emulators[i].BaseAddress, "v1").ToString();
            settings[$"Upstream:Regions:{i}:ApiKey"] = ApiKey(i);
            settings[$"Upstream:Regions:{i}:Priority"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(UpstreamOptions.Section).Get<UpstreamOptions>()!;
        configure?.Invoke(options);
        var validation = new UpstreamOptionsValidator().Validate(null, options);
        Assert.False(validation.Failed, validation.FailureMessage);

        time ??= new RecordingTimeProvider();
        var services = new ServiceCollection();
        services.AddLogging();
        foreach (var region in options.Regions)
        {
            services.AddUpstreamHttpClient(region, options.Timeouts.Connect);
        }

        var provider = services.BuildServiceProvider();
        var selector = new RegionSelector(
            [.. options.Regions.Select(r => new UpstreamRegion(r, options.CircuitBreaker, time, NullLogger.Instance))]);
        var client = new UpstreamClient(
            provider.GetRequiredService<IHttpClientFactory>(),
            new ModelCatalog(options, selector),
            Microsoft.Extensions.Options.Options.Create(options),
            new SecretScrubber(configuration),
            time,
            provider.GetRequiredService<ILogger<UpstreamClient>>());
        return new UpstreamHarness(emulators, provider, client, options, time);
    }

    public static string ApiKey(int region) => $"sk-region{region}-0123456789abcdef";

    public static UpstreamCall Call(string prompt, int? maxTokens = null) => new([new ChatMessage("user", prompt)], "emulator-1", maxTokens, null);

    public IAsyncEnumerable<UpstreamChunk> Stream(string prompt, CancellationToken ct = default)
        => Client.StreamAsync(Call(prompt), NoProgress.Instance, ct);

    public IAsyncEnumerable<UpstreamChunk> Stream(UpstreamCall call, CancellationToken ct = default)
        => Client.StreamAsync(call, NoProgress.Instance, ct);

    /// <summary>Reads the whole stream; returns the chunks read and the failure that ended it, if any.</summary>
    public static async Task<(List<UpstreamChunk> Chunks, StreamHubException? Error)> ReadAllAsync(IAsyncEnumerable<UpstreamChunk> stream)
    {
        var chunks = new List<UpstreamChunk>();
        try
        {
            await foreach (var chunk in stream)
            {
                chunks.Add(chunk);
            }

            return (chunks, null);
        }
        catch (StreamHubException ex)
        {
            return (chunks, ex);
        }
    }

    public static List<string> Texts(IEnumerable<UpstreamChunk> chunks) => [.. chunks.Where(c => c.Text is not null).Select(c => c.Text!)];

    public int RequestCount(int region) => Emulators[region].State.GetRequests().Count;

    /// <summary>Waits (real time, bounded) until region <paramref name="region"/> has received <paramref name="count"/> requests.</summary>
    public Task WaitForRequestsAsync(int region, int count, TimeSpan? within = null)
        => Waits.EventuallyAsync(() => RequestCount(region) >= count, $"region r{region} to receive {count} request(s)", within);

    /// <summary>Every emulator serves no stream within <paramref name="within"/> (1 s by default).</summary>
    public Task AssertUpstreamIdleAsync(TimeSpan? within = null)
        => Waits.EventuallyAsync(() => Emulators.All(e => e.State.OpenStreams == 0), "every emulator to serve no stream", within ?? TimeSpan.FromSeconds(5));

    /// <summary>Advances the fake clock in steps until <paramref name="task"/> ends (retry backoffs with jitter).</summary>
    public async Task<T> DriveAsync<T>(Task<T> task, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!task.IsCompleted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream did not end while the clock was driven");
            Clock.Advance(step ?? TimeSpan.FromMilliseconds(500));

            // Real time for the attempt the step released to run before the next step (a bounded poll).
            await Task.WhenAny(task, Task.Delay(10));
        }

        return await task;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        foreach (var emulator in Emulators)
        {
            await emulator.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }
}
