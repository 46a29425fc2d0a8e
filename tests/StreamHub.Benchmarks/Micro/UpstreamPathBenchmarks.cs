using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Benchmarks.Micro;

/// <summary>
/// The whole upstream read path of one request, <see cref="UpstreamClient.StreamAsync"/> (Polly, the SSE
/// parser, the idle watchdog, <see cref="UpstreamStream.ReadAsync"/>), over an in-memory response whose body
/// hands out one event per read and completes every read asynchronously, as a socket does at 20 tokens/s.
/// Run with 10 and 1,000 tokens: (bytes(1000) - bytes(10)) / 990 is what one token costs, the rest is per request.
/// The stub stream itself allocates nothing per read (pooled async builder).
/// </summary>
[MemoryDiagnoser]
public class UpstreamPathBenchmarks
{
    private ServiceProvider _services = null!;
    private UpstreamClient _client = null!;
    private UpstreamCall _call = null!;
    private byte[] _body = [];
    private readonly byte[] _readBuffer = new byte[4096];

    [Params(10, 1000)]
    public int Tokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Tokens; i++)
        {
            sb.Append("data: {\"id\":\"chatcmpl-emu-7\",\"object\":\"chat.completion.chunk\",\"created\":1732630000,\"model\":\"emulator-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" stream\"},\"finish_reason\":null}],\"x_emit_ts\":123456789012345}\n\n");
        }

        sb.Append("data: {\"id\":\"chatcmpl-emu-7\",\"object\":\"chat.completion.chunk\",\"created\":1732630000,\"model\":\"emulator-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sb.Append("data: [DONE]\n\n");
        _body = Encoding.UTF8.GetBytes(sb.ToString());

        var region = new RegionOptions { Name = "bench", BaseUrl = "http://127.0.0.1:9/v1" };
        var options = new UpstreamOptions { Regions = [region] };
        var services = new ServiceCollection();
        services.AddHttpClient("upstream:bench").ConfigurePrimaryHttpMessageHandler(() => new StubHandler(() => _body));
        _services = services.BuildServiceProvider();
        var selector = new RegionSelector([new UpstreamRegion(region, options.CircuitBreaker, TimeProvider.System, NullLogger.Instance)]);
        _client = new UpstreamClient(
            _services.GetRequiredService<IHttpClientFactory>(),
            new ModelCatalog(options, selector),
            Options.Create(options),
            new SecretScrubber(new ConfigurationBuilder().Build()),
            TimeProvider.System,
            NullLogger<UpstreamClient>.Instance);
        _call = new UpstreamCall([new ChatMessage("user", "hello")], "emulator-1", Tokens, null);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public async Task<int> StreamOneRequest()
    {
        var tokens = 0;
        await foreach (var chunk in _client.StreamAsync(_call, NoProgress.Instance, CancellationToken.None))
        {
            tokens += chunk.Text is null ? 0 : 1;
        }

        return tokens;
    }

    /// <summary>The same body through SseParser and ChunkParser only: what is left is UpstreamClient's own cost.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> SseParserOnly()
    {
        var tokens = 0;
        await foreach (var item in System.Net.ServerSentEvents.SseParser.Create(new EventPerReadStream(_body), static (_, data) => ChunkParser.Parse(data)).EnumerateAsync())
        {
            tokens += item.Data.Text is null ? 0 : 1;
        }

        return tokens;
    }

    /// <summary>The stub body alone, read event by event: the floor under both of the above.</summary>
    [Benchmark]
    public async Task<int> StubStreamOnly()
    {
        var stream = new EventPerReadStream(_body);
        var reads = 0;
        while (await stream.ReadAsync(_readBuffer.AsMemory()) > 0)
        {
            reads++;
        }

        return reads;
    }

    private sealed class StubHandler(Func<byte[]> body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new EventPerReadStream(body())) };
            response.Content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(response);
        }
    }

    /// <summary>Returns one SSE event per read, each read completing asynchronously (like a socket waiting for data).</summary>
    private sealed class EventPerReadStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return ReadEvent(buffer.Span);
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadEvent(buffer.AsSpan(offset, count));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int ReadEvent(Span<byte> into)
        {
            if (_position >= data.Length)
            {
                return 0;
            }

            // Up to and including the blank line that ends the next event.
            var rest = data.AsSpan(_position);
            var end = rest.IndexOf("\n\n"u8);
            var length = Math.Min(into.Length, end < 0 ? rest.Length : end + 2);
            rest[..length].CopyTo(into);
            _position += length;
            return length;
        }
    }
}
