using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Streaming;

/// <summary>The hub's fan-out methods: groups of the caller's scope and watching a request from any instance.</summary>
internal sealed partial class StreamingHub
{
    /// <summary>
    /// Joins the caller to its scope's group <paramref name="name"/>: it then receives GroupToken, GroupEvent and
    /// GroupCompleted. At most <c>Fanout:MaxGroupsPerConnection</c> groups a connection (<c>rate_limited:</c> beyond).
    /// </summary>
    public async Task JoinGroup(string name)
    {
        try
        {
            await members.JoinAsync(Context, ScopedGroup(name));
        }
        catch (StreamHubException ex)
        {
            throw pump.Failure(ex)!;
        }
    }

    public Task LeaveGroup(string name)
    {
        try
        {
            members.Leave(Context.ConnectionId, ScopedGroup(name));
            return Task.CompletedTask;
        }
        catch (StreamHubException ex)
        {
            throw pump.Failure(ex)!;
        }
    }

    /// <summary>
    /// Streams a request's events after <paramref name="afterSeq"/> (0 replays from the start), then the live
    /// ones, then its end, from any instance. Only the request's scope (its tenant, or its anonymous connection)
    /// finds it: another scope's request of the same id is as unknown as one that never ran. At most
    /// <c>Streaming:MaxWatchesPerConnection</c> at once.
    /// </summary>
    public ChannelReader<StreamEvent> Watch(string requestId, long afterSeq, CancellationToken cancellationToken)
    {
        var channel = NewChannel<StreamEvent>();
        try
        {
            var caller = callers.Resolve(Context);
            if (requestId is null || !StreamRequestParser.IsRequestId(requestId) || afterSeq < 0)
            {
                throw new StreamHubException(ErrorCodes.InvalidRequest, "Watch needs a requestId ([A-Za-z0-9_-]{1,64}) and afterSeq >= 0");
            }

            var max = options.Value.MaxWatchesPerConnection;
            var watching = ConnectionCounter.For(Context, WatchCountKey);
            if (!watching.TryTake(max))
            {
                throw new StreamHubException(
                    ErrorCodes.RateLimited, $"this connection already watches {max} requests; end a watch first or open another connection");
            }

            _ = pump.PumpWatchAsync(watches.WatchAsync(requestId, caller.Scope, afterSeq, cancellationToken), channel.Writer, watching, cancellationToken);
        }
        catch (StreamHubException ex)
        {
            channel.Writer.TryComplete(pump.Failure(ex, cancellationToken));
        }

        return channel.Reader;
    }

    /// <summary>
    /// The SignalR group <paramref name="name"/> of the caller's scope (its tenant, or its own anonymous connection);
    /// a coded failure for a bad name.
    /// </summary>
    private string ScopedGroup(string name)
    {
        var caller = callers.Resolve(Context);
        if (name is null || !StreamRequestParser.IsGroup(name))
        {
            throw new StreamHubException(
                ErrorCodes.InvalidRequest, "group must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'");
        }

        return GroupNames.For(caller.Scope, name);
    }
}
