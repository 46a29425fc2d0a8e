using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Identity;

namespace StreamHub.Streaming;

/// <summary>
/// The SignalR front door at <c>/hubs/stream</c>. It only translates: the raw argument into a
/// <see cref="CompletionRequest"/>, the pipeline's tokens into a bounded channel (a slow reader slows its
/// own upstream read), and failures into <c>HubException</c>s whose message is "code: sentence".
/// </summary>
internal sealed partial class StreamingHub(
    CompletionPipeline pipeline,
    IWatchStore watches,
    CallerResolver callers,
    IOptions<StreamingOptions> options,
    TimeProvider timeProvider,
    ILogger<StreamingHub> logger) : Hub<IStreamClient>
{
    private static readonly object StreamCountKey = new();

    /// <summary>
    /// Streams the completion's tokens. The argument is bound as loosely as each protocol allows (JSON gives a
    /// <see cref="System.Text.Json.JsonElement"/>, MessagePack a map, array or primitive) and validated here,
    /// so every malformed call gets <c>invalid_request:</c>.
    /// </summary>
    public ChannelReader<string> Stream(object? request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var channel = NewChannel<string>();
        try
        {
            var parsed = StreamRequestParser.ParseArgument(request, limits);
            var caller = callers.Resolve(Context);
            var counter = StreamCounter(Context);
            if (Interlocked.Increment(ref counter.Value) > limits.MaxStreamsPerConnection)
            {
                Interlocked.Decrement(ref counter.Value);
                throw new StreamHubException(
                    ErrorCodes.RateLimited,
                    $"this connection already has {limits.MaxStreamsPerConnection} streams open; wait for one to finish or open another connection");
            }

            var tokens = pipeline.RunAsync(parsed, caller, new HubProgress(Clients.Caller, parsed.RequestId), cancellationToken);
            _ = PumpAsync(tokens, channel.Writer, counter, new RequestLogScope(parsed.RequestId, caller.Tenant), cancellationToken);
        }
        catch (StreamHubException ex)
        {
            channel.Writer.TryComplete(Failure(ex, cancellationToken));
            return channel.Reader;
        }

        return limits.CoalesceWindow is { } window ? new CoalescingReader(channel.Reader, window, timeProvider) : channel.Reader;
    }

    /// <summary>
    /// Writes the pipeline's tokens into the stream's channel. When the caller goes, writing stops and the
    /// enumeration is left; the pipeline decides what happens to the upstream (a resumable request goes on).
    /// </summary>
    private async Task PumpAsync(
        IAsyncEnumerable<string> tokens,
        ChannelWriter<string> writer,
        Counter counter,
        RequestLogScope logScope,
        CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(logScope);
        try
        {
            await foreach (var token in tokens)
            {
                await writer.WriteAsync(token, cancellationToken);
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(Failure(ex, cancellationToken));
        }
        finally
        {
            Interlocked.Decrement(ref counter.Value);
        }
    }

    /// <summary>A stream's bounded buffer: a slow reader makes its writer (and so its upstream read) wait.</summary>
    private Channel<T> NewChannel<T>() => Channel.CreateBounded<T>(new BoundedChannelOptions(options.Value.StreamBufferTokens)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>
    /// The hub's one translation of a failure into its wire form, for every method: a coded failure reaches the
    /// caller as a <see cref="HubException"/> "code: sentence", the caller's own cancel or disconnect ends a
    /// stream quietly (null), anything else is logged and sent as <c>upstream_error</c>.
    /// </summary>
    private HubException? Failure(Exception ex, CancellationToken cancellationToken = default)
    {
        switch (ex)
        {
            case StreamHubException coded:
                return new HubException(coded.ToWireMessage());
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            default:
                logger.LogError(ex, "A stream failed unexpectedly");
                return new HubException($"{ErrorCodes.UpstreamError}: the stream failed unexpectedly; retry");
        }
    }

    private static Counter StreamCounter(HubCallerContext context)
    {
        // Items is per connection; the hub instance is not.
        lock (context.Items)
        {
            if (context.Items.TryGetValue(StreamCountKey, out var existing) && existing is Counter counter)
            {
                return counter;
            }

            counter = new Counter();
            context.Items[StreamCountKey] = counter;
            return counter;
        }
    }

    private sealed class Counter
    {
        public int Value;
    }

    /// <summary>Sends the pipeline's progress to the calling connection, keyed by request id.</summary>
    private sealed class HubProgress(IStreamClient client, string requestId) : IStreamProgress
    {
        public ValueTask QueuedAsync(int position) => new(client.Queued(requestId, position));

        public ValueTask StartedAsync(string region) => new(client.Started(requestId, region));

        public ValueTask UsageAsync(UsageReport usage) => new(client.Usage(requestId, usage));
    }
}
