using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamHub.Client;

/// <summary>
/// The client's one hub connection, shared by every request: started on first use, and replaced by a fresh one
/// (which may land on another instance) when it drops. A replacement is made once, however many requests saw
/// the drop; the groups being followed are joined again on it.
/// </summary>
internal sealed class HubConnectionSource(StreamHubClientOptions options, GroupListeners groups, ILoggerFactory? loggerFactory)
    : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HubConnection? _current;
    private bool _disposed;

    /// <summary>The connected hub connection, made and started if there is none.</summary>
    public async Task<HubConnection> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is { State: HubConnectionState.Connected })
        {
            return current;
        }

        return await ReplaceAsync(current, cancellationToken);
    }

    /// <summary>
    /// A connected connection other than <paramref name="broken"/>: the current one if another caller already
    /// replaced it, else a new one. Fails with a <see cref="StreamHubException"/> when StreamHub cannot be reached
    /// or refuses the credentials.
    /// </summary>
    public async Task<HubConnection> ReplaceAsync(HubConnection? broken, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is { State: HubConnectionState.Connected } current && !ReferenceEquals(current, broken))
            {
                return current;
            }

            if (_current is not null)
            {
                // A dropped connection's stop can wait on a dead socket; nobody needs to wait for it.
                _ = _current.DisposeAsync().AsTask();
                _current = null;
            }

            var connection = Build();
            try
            {
                await connection.StartAsync(cancellationToken);
                foreach (var group in groups.Names)
                {
                    await connection.InvokeAsync("JoinGroup", group, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await connection.DisposeAsync();
                throw ConnectFailures.From(ex, options.Url);
            }

            _current = connection;
            return connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            if (_current is not null)
            {
                await _current.DisposeAsync();
                _current = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private HubConnection Build()
    {
        var url = options.Url ?? throw new InvalidOperationException("StreamHubClientOptions.Url is not set: give the hub's address, e.g. http://localhost:5000/hubs/stream");
        var builder = new HubConnectionBuilder().WithUrl(url, http =>
        {
            // WebSockets without negotiation: one request, so a load balancer may send a reconnect anywhere.
            http.Transports = HttpTransportType.WebSockets;
            http.SkipNegotiation = true;
            var provider = options.AccessTokenProvider;
            if (provider is null && options.ApiKey is { } key)
            {
                provider = () => Task.FromResult<string?>(key);
            }

            http.AccessTokenProvider = provider;
            options.ConfigureConnection?.Invoke(http);
        });
        if (options.Protocol == StreamHubProtocol.MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        var connection = builder.Build();
        if (options.ServerTimeout is { } timeout)
        {
            connection.ServerTimeout = timeout;
            connection.KeepAliveInterval = timeout / 2;
        }

        var progress = options.Progress;
        connection.On<string, int>("Queued", (id, position) => progress?.Report(new StreamHubProgress(id, position, null)));
        connection.On<string, string>("Started", (id, region) => progress?.Report(new StreamHubProgress(id, null, region)));
        connection.On<string, object?>("Usage", static (_, _) => { }); // usage arrives as an event of the stream
        groups.Attach(connection);
        connection.Closed += _ => RestoreForGroupsAsync(connection);
        return connection;
    }

    /// <summary>
    /// A connection that closed by itself while groups are followed is replaced in the background (requests
    /// replace it themselves when they resume); if that fails for every delay, the followers get the failure.
    /// </summary>
    private async Task RestoreForGroupsAsync(HubConnection closed)
    {
        if (_disposed || !groups.Any || !ReferenceEquals(Volatile.Read(ref _current), closed))
        {
            return; // closed on purpose, nobody to restore it for, or already replaced
        }

        StreamHubException? last = null;
        foreach (var delay in options.ReconnectDelays)
        {
            await Task.Delay(delay, options.TimeProvider);
            if (_disposed || !groups.Any)
            {
                return;
            }

            try
            {
                await ReplaceAsync(closed, CancellationToken.None);
                return;
            }
            catch (StreamHubException ex) when (ex.Code == StreamHubErrorCodes.ConnectionLost)
            {
                last = ex;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }

        groups.Fail(new StreamHubException(
            StreamHubErrorCodes.ConnectionLost, $"the connection to StreamHub dropped and could not be restored: {last?.Message}", null, last));
    }
}
