using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Streaming;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// The official .NET SignalR client on a hub connection that records every callback of
/// <see cref="IStreamClient"/> by request id, so a test can await the one it expects. A new callback is one
/// <see cref="CallbackLog{T}"/> field, one <c>On</c> line in the constructor and one accessor.
/// </summary>
public sealed class HubCaller : IAsyncDisposable
{
    private readonly CallbackLog<int> _queued = new();
    private readonly CallbackLog<string> _started = new();
    private readonly CallbackLog<UsageReport> _usage = new();
    private readonly CallbackLog<(long Seq, string Text)> _groupTokens = new();
    private readonly CallbackLog<string?> _groupCompleted = new();

    private HubCaller(HubConnection connection)
    {
        Connection = connection;
        connection.On<string, int>(nameof(IStreamClient.Queued), (id, position) => _queued.Add(id, position));
        connection.On<string, string>(nameof(IStreamClient.Started), (id, region) => _started.Add(id, region));
        connection.On<string, UsageReport>(nameof(IStreamClient.Usage), (id, usage) => _usage.Add(id, usage));
        connection.On<string, string, long, string>(nameof(IStreamClient.GroupToken), (_, id, seq, text) => _groupTokens.Add(id, (seq, text)));
        connection.On<string, string, string?>(nameof(IStreamClient.GroupCompleted), (_, id, code) => _groupCompleted.Add(id, code));
    }

    public HubConnection Connection { get; }

    /// <summary>Connects to <paramref name="server"/> with <paramref name="key"/> as bearer token (anonymous without).</summary>
    public static Task<HubCaller> ConnectAsync(StreamHubServer server, string? key = null, bool messagePack = false)
        => ConnectAsync(server.HubUrl, key, messagePack);

    public static async Task<HubCaller> ConnectAsync(Uri hubUrl, string? key = null, bool messagePack = false)
        => new(await OpenConnectionAsync(hubUrl, key, messagePack));

    /// <summary>Records the callbacks of a connection opened elsewhere (disposing the caller disposes it).</summary>
    public static HubCaller Attach(HubConnection connection) => new(connection);

    /// <summary>
    /// A started connection over WebSockets. <paramref name="messagePack"/> makes MessagePack its only protocol:
    /// the handshake then fails unless the server speaks it, so a pass cannot be JSON's.
    /// </summary>
    public static async Task<HubConnection> OpenConnectionAsync(Uri hubUrl, string? key = null, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder().WithUrl(hubUrl, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            if (key is not null)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(key);
            }
        });
        if (messagePack)
        {
            builder.Services.RemoveAll<IHubProtocol>();
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        await connection.StartAsync().WaitAsync(Waits.Timeout);
        return connection;
    }

    /// <summary>Calls <c>Stream</c>; the reader yields the tokens (and throws the stream's HubException).</summary>
    public Task<ChannelReader<string>> StartAsync(object? request, CancellationToken cancellationToken = default)
        => Connection.StreamAsChannelAsync<string>("Stream", request, cancellationToken).WaitAsync(Waits.Timeout, CancellationToken.None);

    /// <summary>Calls <c>Stream</c> and reads it to the end.</summary>
    public Task<List<string>> ReadAllAsync(object? request) => Streams.ReadAllAsync(Connection, request);

    /// <summary>Calls <c>Watch</c> and reads it to the end.</summary>
    public Task<List<StreamEvent>> WatchAllAsync(string requestId, long afterSeq) => Streams.WatchAllAsync(Connection, requestId, afterSeq);

    public Task JoinGroupAsync(string group) => Connection.InvokeAsync("JoinGroup", group).WaitAsync(Waits.Timeout);

    /// <summary>The first queue position reported for <paramref name="id"/>.</summary>
    public Task<int> QueuedAsync(string id) => _queued.FirstAsync(id);

    /// <summary>The region of the first <c>Started</c> for <paramref name="id"/>.</summary>
    public Task<string> StartedAsync(string id) => _started.FirstAsync(id);

    public Task<UsageReport> UsageAsync(string id) => _usage.FirstAsync(id);

    /// <summary>Waits for <c>GroupCompleted</c> of <paramref name="requestId"/>; returns the group tokens' seqs and text before it, and its code.</summary>
    public async Task<(List<long> Seqs, string Text, string? Code)> GroupCompletedAsync(string requestId)
    {
        var code = await _groupCompleted.FirstAsync(requestId);
        var tokens = _groupTokens.All(requestId);
        return ([.. tokens.Select(t => t.Seq)], string.Concat(tokens.Select(t => t.Text)), code);
    }

    /// <summary>Whether any group message of <paramref name="requestId"/> reached this connection.</summary>
    public bool SawGroupMessages(string requestId) => _groupTokens.Contains(requestId) || _groupCompleted.Contains(requestId);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    /// <summary>The values one callback brought for each request id, in arrival order; awaiting the first is bounded.</summary>
    private sealed class CallbackLog<T>
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<T>> _first = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<T>> _all = new();

        public void Add(string id, T value)
        {
            _all.GetOrAdd(id, _ => new()).Enqueue(value);
            First(id).TrySetResult(value);
        }

        public Task<T> FirstAsync(string id) => First(id).Task.WaitAsync(Waits.Timeout);

        public List<T> All(string id) => _all.TryGetValue(id, out var values) ? [.. values] : [];

        public bool Contains(string id) => _all.ContainsKey(id);

        private TaskCompletionSource<T> First(string id) => _first.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
