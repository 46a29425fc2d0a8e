using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Streaming;

/// <summary>
/// This instance's group members: which connections joined which of their tenant's groups (at most
/// <c>Fanout:MaxGroupsPerConnection</c> each), and each member's <see cref="MemberOutbox"/>. The relay hands a
/// group's message to every member's outbox without waiting, and each outbox sends on by its own loop, so a member
/// that stops reading never slows the request or the other members. One that falls <c>Fanout:GroupBuffer</c>
/// messages behind is let go: its connection is closed (it may connect again, join again and catch up with Watch).
/// </summary>
internal sealed class GroupMembers(
    IGroupRelay relay, IHubContext<StreamingHub, IStreamClient> hub, IOptions<FanoutOptions> options, ILogger<GroupMembers> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LocalGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemberOutbox> _members = new(StringComparer.Ordinal);

    /// <summary>Groups with members on this instance.</summary>
    public int GroupCount
    {
        get
        {
            lock (_gate)
            {
                return _groups.Count;
            }
        }
    }

    /// <summary>Adds the connection to <paramref name="scopedGroup"/>; once it returns, the group's messages reach it.</summary>
    public async Task JoinAsync(HubCallerContext connection, string scopedGroup)
    {
        LocalGroup group;
        lock (_gate)
        {
            if (!_members.TryGetValue(connection.ConnectionId, out var member))
            {
                member = new MemberOutbox(connection, hub.Clients.Client(connection.ConnectionId), options.Value.GroupBuffer, logger);
                _members.Add(connection.ConnectionId, member);
            }

            if (!member.Groups.Contains(scopedGroup) && member.Groups.Count >= options.Value.MaxGroupsPerConnection)
            {
                throw new StreamHubException(
                    ErrorCodes.RateLimited,
                    $"this connection has joined {options.Value.MaxGroupsPerConnection} groups; leave one first or open another connection");
            }

            if (!_groups.TryGetValue(scopedGroup, out group!))
            {
                group = new LocalGroup(g => relay.ListenAsync(scopedGroup, message => Deliver(g, message)));
                _groups.Add(scopedGroup, group);
            }

            if (member.Groups.Add(scopedGroup))
            {
                group.Members = [.. group.Members, member];
            }
        }

        try
        {
            await group.Listening;
        }
        catch (StreamHubException)
        {
            Leave(connection.ConnectionId, scopedGroup);
            throw;
        }
    }

    public void Leave(string connectionId, string scopedGroup)
    {
        LocalGroup? emptied = null;
        lock (_gate)
        {
            if (_members.TryGetValue(connectionId, out var member) && member.Groups.Remove(scopedGroup))
            {
                emptied = Remove(scopedGroup, member);
            }
        }

        StopListening(emptied);
    }

    /// <summary>The connection is gone (or let go): it leaves every group.</summary>
    public void Forget(string connectionId)
    {
        var emptied = new List<LocalGroup>();
        lock (_gate)
        {
            if (!_members.Remove(connectionId, out var member))
            {
                return;
            }

            foreach (var scopedGroup in member.Groups)
            {
                if (Remove(scopedGroup, member) is { } group)
                {
                    emptied.Add(group);
                }
            }

            member.Groups.Clear();
            member.Close();
        }

        foreach (var group in emptied)
        {
            StopListening(group);
        }
    }

    private void Deliver(LocalGroup group, GroupMessage message)
    {
        foreach (var member in group.Members)
        {
            if (!member.TryPost(message))
            {
                logger.LogWarning(
                    "Group member {ConnectionId} fell {Count} messages behind (it stopped reading): closing its connection",
                    member.ConnectionId,
                    options.Value.GroupBuffer);
                Forget(member.ConnectionId);
                member.Abort();
            }
        }
    }

    /// <summary>Takes the member out of the group; returns the group when that left it empty (it is then gone). Under the lock.</summary>
    private LocalGroup? Remove(string scopedGroup, MemberOutbox member)
    {
        if (!_groups.TryGetValue(scopedGroup, out var group))
        {
            return null;
        }

        group.Members = Array.FindAll(group.Members, m => m != member);
        if (group.Members.Length > 0)
        {
            return null;
        }

        _groups.Remove(scopedGroup);
        return group;
    }

    private static void StopListening(LocalGroup? group)
    {
        if (group is not null)
        {
            _ = StopAsync(group.Listening);
        }

        static async Task StopAsync(Task<IAsyncDisposable> listening)
        {
            try
            {
                await (await listening).DisposeAsync();
            }
            catch (StreamHubException)
            {
                // It never listened.
            }
        }
    }

    /// <summary>One group's members on this instance; the array is replaced, never changed, so delivery reads it without the lock.</summary>
    private sealed class LocalGroup
    {
        public LocalGroup(Func<LocalGroup, Task<IAsyncDisposable>> listen) => Listening = listen(this);

        public MemberOutbox[] Members { get; set; } = [];

        /// <summary>The relay's subscription for this group, made when its first member joined.</summary>
        public Task<IAsyncDisposable> Listening { get; }
    }
}
