using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace StreamHub.Client;

/// <summary>
/// An <see cref="IChatClient"/> over a StreamHub gateway's SignalR hub (<c>StreamEvents</c>). Text and reasoning
/// stream as they are generated; tool calls, usage, the model that answered and the finish reason arrive on the
/// final update. Failures are <see cref="StreamHubException"/>s. Requests are resumable by default: when the
/// connection drops mid-answer the client reconnects (to any instance) and continues the same answer with
/// <c>Watch</c>, so an <c>await foreach</c> sees it whole, without a gap or a repeat.
/// </summary>
/// <remarks>One instance holds one hub connection, shared by all its requests; it is safe to use concurrently.</remarks>
public sealed class StreamHubChatClient : IChatClient, IAsyncDisposable
{
    private readonly StreamHubClientOptions _options;
    private readonly GroupListeners _groups = new();
    private readonly HubConnectionSource _connections;
    private readonly ResumableEventStream _events;

    /// <summary>A client with the given options (<see cref="StreamHubClientOptions.Url"/> is required).</summary>
    public StreamHubChatClient(StreamHubClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Url, "options.Url");
        _options = options;
        _connections = new HubConnectionSource(options, _groups, loggerFactory);
        _events = new ResumableEventStream(_connections, options);
        Metadata = new ChatClientMetadata("streamhub", options.Url, options.ModelId);
    }

    /// <summary>A client of the hub at <paramref name="url"/> (e.g. <c>http://localhost:5000/hubs/stream</c>).</summary>
    public StreamHubChatClient(Uri url, string? apiKey = null)
        : this(new StreamHubClientOptions { Url = url, ApiKey = apiKey })
    {
    }

    /// <summary>Provider "streamhub", the hub's address and the default model.</summary>
    public ChatClientMetadata Metadata { get; }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        => GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// <c>AdditionalProperties</c> keys <c>priority</c>, <c>group</c>, <c>requestId</c> and <c>reasoningEffort</c>
    /// set those hub fields for this call; every other key goes upstream under <c>extra</c>. Each update's
    /// <c>ResponseId</c> is the request id (for <see cref="WatchAsync"/> and the operators' abort).
    /// </remarks>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var requestId = RequestBuilder.RequestId(options) ?? NewRequestId();
        var request = RequestBuilder.Build(messages, options, _options, requestId, _options.Resumable);
        var events = _events.ReadAsync(
            requestId,
            (connection, ct) => connection.StreamAsync<StreamHubEvent>("StreamEvents", request, ct),
            _options.Resumable,
            0,
            cancellationToken);
        return UpdatesAsync(requestId, events, cancellationToken);
    }

    /// <summary>
    /// Follows a request of the caller's tenant, started anywhere, from any instance: the events after
    /// <paramref name="afterSeq"/> (0: from the start), then the live ones, as updates; a drop is resumed.
    /// </summary>
    public IAsyncEnumerable<ChatResponseUpdate> WatchAsync(string requestId, long afterSeq = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var events = _events.ReadAsync(
            requestId,
            (connection, ct) => connection.StreamAsync<StreamHubEvent>("Watch", requestId, afterSeq, ct),
            resumable: true,
            afterSeq,
            cancellationToken);
        return UpdatesAsync(requestId, events, cancellationToken);
    }

    /// <summary>
    /// Joins the caller's tenant group <paramref name="group"/> (on any instance: the group spans them all); the
    /// subscription yields what the group's requests fan out until it is disposed.
    /// </summary>
    public async Task<StreamHubGroupSubscription> JoinGroupAsync(string group, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        var channel = Channel.CreateUnbounded<StreamHubGroupMessage>(new UnboundedChannelOptions { SingleReader = true });
        _groups.Add(group, channel.Writer);
        try
        {
            var connection = await _connections.GetAsync(cancellationToken);
            await connection.InvokeAsync("JoinGroup", group, cancellationToken);
        }
        catch (Exception ex)
        {
            _groups.Remove(group, channel.Writer);
            throw ex is Microsoft.AspNetCore.SignalR.HubException hub ? StreamHubException.FromHubMessage(hub.Message, hub) : ex;
        }

        return new StreamHubGroupSubscription(group, channel, async () =>
        {
            if (_groups.Remove(group, channel.Writer))
            {
                await LeaveAsync(group);
            }
        });
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Closes the hub connection.</summary>
    public ValueTask DisposeAsync() => _connections.DisposeAsync();

    /// <summary>Closes the hub connection (blocking; prefer <see cref="DisposeAsync"/>).</summary>
    public void Dispose() => _connections.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A fresh request id in the hub's shape (<c>[A-Za-z0-9_-]{1,64}</c>).</summary>
    public static string NewRequestId() => "c" + Guid.NewGuid().ToString("N");

    private static async IAsyncEnumerable<ChatResponseUpdate> UpdatesAsync(
        string requestId, IAsyncEnumerable<StreamHubEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var assembler = new UpdateAssembler(requestId);
        await foreach (var item in events.WithCancellation(cancellationToken))
        {
            if (assembler.Add(item) is { } update)
            {
                yield return update;
            }
        }

        if (assembler.Complete() is { } last)
        {
            yield return last;
        }
    }

    private async Task LeaveAsync(string group)
    {
        try
        {
            var connection = await _connections.GetAsync(CancellationToken.None);
            await connection.InvokeAsync("LeaveGroup", group);
        }
        catch (Exception ex) when (ex is StreamHubException or InvalidOperationException or ObjectDisposedException
            or Microsoft.AspNetCore.SignalR.HubException or OperationCanceledException)
        {
            // Leaving is a courtesy: a closed connection has left every group already.
        }
    }
}
