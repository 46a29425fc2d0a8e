using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// The SignalR front door at <c>/hubs/stream</c>. It only translates: the raw argument into a
/// <see cref="CompletionRequest"/>, the pipeline's events into a bounded channel (<see cref="StreamPump"/>: a slow
/// reader slows its own upstream read, one that stops reading is let go) as text (<c>Stream</c>) or typed events
/// (<c>StreamEvents</c>), and failures into <c>HubException</c>s whose message is "code: sentence". Request ids are
/// the caller's own (<see cref="Caller.Scope"/>: its tenant, or its anonymous connection): every lookup here names
/// the scope with the id.
/// </summary>
internal sealed partial class StreamingHub(
    CompletionPipeline pipeline,
    ActiveRequests requests,
    IWatchStore watches,
    IAbortRelay aborts,
    GroupMembers members,
    StreamPump pump,
    CallerResolver callers,
    IOptions<StreamingOptions> options,
    IOptions<UpstreamOptions> upstream,
    TimeProvider timeProvider) : Hub<IStreamClient>
{
    private static readonly object StreamCountKey = new();
    private static readonly object WatchCountKey = new();

    // What Stream sends of each event: the answer's text (a refusal is what the model says instead of one),
    // reasoning only with Upstream:ForwardReasoning. Static, so choosing one allocates nothing.
    private static readonly Func<CompletionEvent, string?> AnswerText
        = static e => e.Kind is EventKind.Text or EventKind.Refusal ? e.Text : null;

    private static readonly Func<CompletionEvent, string?> AnswerAndReasoningText
        = static e => e.Kind is EventKind.Text or EventKind.Refusal or EventKind.Reasoning ? e.Text : null;

    private static readonly Func<CompletionEvent, StreamEvent?> WireEvent = static e => e.ToWire();

    /// <summary>
    /// Streams the completion's text. The argument is bound as loosely as each protocol allows (JSON gives a
    /// <see cref="System.Text.Json.JsonElement"/>, MessagePack a map, array or primitive) and validated here,
    /// so every malformed call gets <c>invalid_request:</c>.
    /// </summary>
    public ChannelReader<string> Stream(object? request, CancellationToken cancellationToken)
    {
        var channel = NewChannel<string>();
        var text = upstream.Value.ForwardReasoning ? AnswerAndReasoningText : AnswerText;
        if (!Start(request, channel.Writer, text, cancellationToken))
        {
            return channel.Reader;
        }

        return options.Value.CoalesceWindow is { } window ? new CoalescingReader(channel.Reader, window, timeProvider) : channel.Reader;
    }

    /// <summary>
    /// Streams the completion as typed events (<see cref="StreamEvent"/>: text, reasoning, refusal, tool calls,
    /// finish, usage), reasoning always included; the same request, limits and behaviour as <see cref="Stream"/>.
    /// </summary>
    public ChannelReader<StreamEvent> StreamEvents(object? request, CancellationToken cancellationToken)
    {
        var channel = NewChannel<StreamEvent>();
        Start(request, channel.Writer, WireEvent, cancellationToken);
        return channel.Reader;
    }

    /// <summary>
    /// Ends the caller's tenant's request <paramref name="requestId"/>, on whichever instance runs it: its caller and
    /// watchers get <c>aborted:</c> and its upstream ends. What a resumed client (now only a watcher) uses to stop an
    /// answer. Never reaches another tenant's request of the same id. True when such a request was running.
    /// </summary>
    public async Task<bool> Abort(string requestId)
    {
        try
        {
            var caller = callers.Resolve(Context);
            if (requestId is null || !StreamRequestParser.IsRequestId(requestId))
            {
                throw new StreamHubException(ErrorCodes.InvalidRequest, "Abort needs a requestId ([A-Za-z0-9_-]{1,64})");
            }

            var key = new RequestKey(caller.Scope, requestId);
            return requests.TryAbort(key, ErrorCodes.Aborted, ActiveRequests.EndedByTenant) || await aborts.RelayAsync(key);
        }
        catch (StreamHubException ex)
        {
            throw pump.Failure(ex)!;
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        members.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Validates the request, counts it against the connection's streams and starts pumping the pipeline's
    /// events, as <paramref name="project"/> turns them into items (null: not sent), into <paramref name="writer"/>.
    /// False when the request was refused (the writer then holds the error).
    /// </summary>
    private bool Start<T>(object? request, ChannelWriter<T> writer, Func<CompletionEvent, T?> project, CancellationToken cancellationToken)
        where T : class
    {
        var limits = options.Value;
        try
        {
            var parsed = StreamRequestParser.ParseArgument(request, limits);
            var caller = callers.Resolve(Context);
            var streams = ConnectionCounter.For(Context, StreamCountKey);
            if (!streams.TryTake(limits.MaxStreamsPerConnection))
            {
                throw new StreamHubException(
                    ErrorCodes.RateLimited,
                    $"this connection already has {limits.MaxStreamsPerConnection} streams open; wait for one to finish or open another connection");
            }

            var key = new RequestKey(caller.Scope, parsed.RequestId);
            var events = pipeline.RunAsync(parsed, caller, new HubProgress(Clients.Caller, parsed.RequestId), cancellationToken);
            _ = pump.PumpRequestAsync(events, writer, project, key, streams, cancellationToken);
            requests.EndOnCancel(key, Context.ConnectionAborted, cancellationToken);
            return true;
        }
        catch (StreamHubException ex)
        {
            writer.TryComplete(pump.Failure(ex, cancellationToken));
            return false;
        }
    }

    /// <summary>A stream's bounded buffer: a slow reader makes its writer (and so its upstream read) wait.</summary>
    private Channel<T> NewChannel<T>() => Channel.CreateBounded<T>(new BoundedChannelOptions(options.Value.StreamBufferTokens)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Sends the pipeline's progress to the calling connection, keyed by request id.</summary>
    private sealed class HubProgress(IStreamClient client, string requestId) : IStreamProgress
    {
        public ValueTask QueuedAsync(int position) => new(client.Queued(requestId, position));

        public ValueTask StartedAsync(string region) => new(client.Started(requestId, region));

        public ValueTask UsageAsync(UsageReport usage) => new(client.Usage(requestId, usage));
    }
}
