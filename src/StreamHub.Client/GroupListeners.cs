using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace StreamHub.Client;

/// <summary>
/// The groups this client follows and where their messages go: each follower has a channel, fed by the
/// connection's <c>GroupToken</c>, <c>GroupEvent</c> and <c>GroupCompleted</c> callbacks.
/// </summary>
internal sealed class GroupListeners
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ChannelWriter<StreamHubGroupMessage>, byte>> _byGroup = new(StringComparer.Ordinal);

    /// <summary>The groups with at least one follower (joined again after a reconnect).</summary>
    public IEnumerable<string> Names
    {
        get
        {
            foreach (var (name, writers) in _byGroup)
            {
                if (!writers.IsEmpty)
                {
                    yield return name;
                }
            }
        }
    }

    public void Add(string group, ChannelWriter<StreamHubGroupMessage> writer)
        => _byGroup.GetOrAdd(group, static _ => new())[writer] = 0;

    /// <summary>Removes a follower; true when it was the group's last.</summary>
    public bool Remove(string group, ChannelWriter<StreamHubGroupMessage> writer)
        => _byGroup.TryGetValue(group, out var writers) && writers.TryRemove(writer, out _) && writers.IsEmpty;

    /// <summary>Whether any group is followed (a dropped connection is then restored even with no request running).</summary>
    public bool Any
    {
        get
        {
            foreach (var name in Names)
            {
                return true;
            }

            return false;
        }
    }

    /// <summary>Ends every follower's enumeration with <paramref name="error"/> (StreamHub could not be reached again).</summary>
    public void Fail(Exception error)
    {
        foreach (var (_, writers) in _byGroup)
        {
            foreach (var writer in writers.Keys)
            {
                writer.TryComplete(error);
            }

            writers.Clear();
        }
    }

    public void Attach(HubConnection connection)
    {
        connection.On<string, string, long, string>("GroupToken", (group, id, seq, text)
            => Publish(new StreamHubGroupMessage(group, id, new StreamHubEvent { Seq = seq, Type = "text", Text = text }, false, null)));
        connection.On<string, string, StreamHubEvent>("GroupEvent", (group, id, item)
            => Publish(new StreamHubGroupMessage(group, id, item, false, null)));
        connection.On<string, string, string?>("GroupCompleted", (group, id, code)
            => Publish(new StreamHubGroupMessage(group, id, null, true, code)));
    }

    private void Publish(StreamHubGroupMessage message)
    {
        if (_byGroup.TryGetValue(message.Group, out var writers))
        {
            foreach (var writer in writers.Keys)
            {
                // Unbounded: a callback must not block the connection's receive loop.
                writer.TryWrite(message);
            }
        }
    }
}
