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

        CompletionRequest parsed;
        Caller caller;
        try
        {
            parsed = StreamRequestParser.ParseArgument(request, limits);
            caller = callers.Resolve(Context.User);
        }
        catch (StreamHubException ex)
        {
            channel.Writer.TryComplete(new HubException(ex.ToWireMessage()));
            return channel.Reader;
        }

        var counter = StreamCounter(Context);
        if (Interlocked.Increment(ref counter.Value) > limits.MaxStreamsPerConnection)
        {
            Interlocked.Decrement(ref counter.Value);
            channel.Writer.TryComplete(new HubException(
                $"{ErrorCodes.RateLimited}: this connection already has {limits.MaxStreamsPerConnection} streams open; wait for one to finish or open another connection"));
            return channel.Reader;
        }

        var progress = new HubProgress(Clients.Caller, parsed.RequestId);
        var tokens = pipeline.RunAsync(parsed, caller, progress, cancellationToken);
        _ = PumpAsync(tokens, channel.Writer, counter, parsed, caller, cancellationToken);
        return limits.CoalesceWindow is { } window ? new CoalescingReader(channel.Reader, window, timeProvider) : channel.Reader;
    }

    private async Task PumpAsync(
        IAsyncEnumerable<string> tokens,
        ChannelWriter<string> writer,
        Counter counter,
        CompletionRequest request,
        Caller caller,
        CancellationToken cancellationToken)
    {
        var requestId = request.RequestId;
        using var scope = logger.BeginScope(new RequestLogScope(requestId, caller.Tenant));
        try
        {
            var callerGone = false;
            await foreach (var token in tokens)
            {
                if (callerGone)
                {
                    // A resumable request outlives its caller: keep reading so watchers get the rest.
                    continue;
                }

                try
                {
                    await writer.WriteAsync(token, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    callerGone = true;
                    if (!request.Resumable)
                    {
                        break;
                    }
                }
            }

            writer.TryComplete();
        }
        catch (Exception ex)
        {
            writer.TryComplete(Ending(ex, cancellationToken));
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
    /// How a stream ends after <paramref name="ex"/>: a coded failure reaches the caller as "code: sentence", the
    /// caller's own cancel or disconnect ends it quietly, anything else is logged and sent as a generic code.
    /// </summary>
    private Exception? Ending(Exception ex, CancellationToken cancellationToken)
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
