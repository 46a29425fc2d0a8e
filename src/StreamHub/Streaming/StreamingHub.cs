using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Fanout;
using StreamHub.Identity;

namespace StreamHub.Streaming;

/// <summary>
/// The SignalR front door at <c>/hubs/stream</c>. It only translates: the raw argument into a
/// <see cref="CompletionRequest"/>, the pipeline's tokens into a bounded channel (a slow reader slows its
/// own upstream read), and failures into <c>HubException</c>s whose message is "code: sentence".
/// </summary>
internal sealed class StreamingHub(
    CompletionPipeline pipeline,
    IWatchStore watches,
    CallerResolver callers,
    IOptions<StreamingOptions> options,
    ILogger<StreamingHub> logger) : Hub<IStreamClient>
{
    private static readonly object StreamCountKey = new();

    /// <summary>Streams the completion's tokens. The argument is bound as raw JSON and validated here.</summary>
    public ChannelReader<string> Stream(JsonElement request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(limits.StreamBufferTokens)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        CompletionRequest parsed;
        Caller caller;
        try
        {
            parsed = StreamRequestParser.Parse(request, limits);
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
        _ = PumpAsync(tokens, channel.Writer, counter, parsed, cancellationToken);
        return channel.Reader;
    }

    /// <summary>Joins the caller to its tenant's group <paramref name="name"/>: it then receives GroupToken/GroupCompleted.</summary>
    public async Task JoinGroup(string name)
    {
        var caller = ResolveOrThrow();
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupNames.For(caller.Tenant, ValidGroup(name)));
    }

    public async Task LeaveGroup(string name)
    {
        var caller = ResolveOrThrow();
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupNames.For(caller.Tenant, ValidGroup(name)));
    }

    /// <summary>
    /// Streams a request's tokens after <paramref name="afterSeq"/> (0 replays from the start), then the live
    /// ones, then its end, from any instance. Only the request's tenant may watch it.
    /// </summary>
    public ChannelReader<WatchItem> Watch(string requestId, long afterSeq, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<WatchItem>(new BoundedChannelOptions(options.Value.StreamBufferTokens)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        try
        {
            var caller = callers.Resolve(Context.User);
            if (requestId is null || !StreamRequestParser.IsRequestId(requestId) || afterSeq < 0)
            {
                throw new StreamHubException(ErrorCodes.InvalidRequest, "Watch needs a requestId ([A-Za-z0-9_-]{1,64}) and afterSeq >= 0");
            }

            _ = WatchPumpAsync(watches.WatchAsync(requestId, caller.Tenant, afterSeq, cancellationToken), channel.Writer, cancellationToken);
        }
        catch (StreamHubException ex)
        {
            channel.Writer.TryComplete(new HubException(ex.ToWireMessage()));
        }

        return channel.Reader;
    }

    private async Task WatchPumpAsync(IAsyncEnumerable<WatchItem> items, ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                await writer.WriteAsync(item, cancellationToken);
            }

            writer.TryComplete();
        }
        catch (StreamHubException ex)
        {
            writer.TryComplete(new HubException(ex.ToWireMessage()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Watch failed unexpectedly");
            writer.TryComplete(new HubException($"{ErrorCodes.UpstreamUnavailable}: the watch failed unexpectedly; retry"));
        }
    }

    private Caller ResolveOrThrow()
    {
        try
        {
            return callers.Resolve(Context.User);
        }
        catch (StreamHubException ex)
        {
            throw new HubException(ex.ToWireMessage());
        }
    }

    private static string ValidGroup(string name) => name is not null && StreamRequestParser.IsGroup(name)
        ? name
        : throw new HubException($"{ErrorCodes.InvalidRequest}: group must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'");

    private async Task PumpAsync(
        IAsyncEnumerable<string> tokens,
        ChannelWriter<string> writer,
        Counter counter,
        CompletionRequest request,
        CancellationToken cancellationToken)
    {
        var requestId = request.RequestId;
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
        catch (StreamHubException ex)
        {
            writer.TryComplete(new HubException(ex.ToWireMessage()));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller cancelled or disconnected: the upstream request has ended with the enumeration.
            writer.TryComplete();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Stream {RequestId} failed unexpectedly", requestId);
            writer.TryComplete(new HubException($"{ErrorCodes.UpstreamError}: the stream failed unexpectedly; retry"));
        }
        finally
        {
            Interlocked.Decrement(ref counter.Value);
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
