using System.Collections.Concurrent;

namespace StreamHub.Fanout;

/// <summary>Group messages on one instance (no Redis): handed straight to this instance's listener of the group.</summary>
internal sealed class LocalGroupRelay : IGroupRelay
{
    private readonly ConcurrentDictionary<string, Action<GroupMessage>> _listeners = new(StringComparer.Ordinal);

    public Task PublishAsync(string scopedGroup, GroupMessage message)
    {
        if (_listeners.TryGetValue(scopedGroup, out var deliver))
        {
            deliver(message);
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> ListenAsync(string scopedGroup, Action<GroupMessage> deliver)
    {
        _listeners[scopedGroup] = deliver;
        return Task.FromResult<IAsyncDisposable>(new Listener(this, scopedGroup, deliver));
    }

    private sealed class Listener(LocalGroupRelay relay, string scopedGroup, Action<GroupMessage> deliver) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            // Only this listener: a later one for the same group may already have replaced it.
            relay._listeners.TryRemove(new KeyValuePair<string, Action<GroupMessage>>(scopedGroup, deliver));
            return ValueTask.CompletedTask;
        }
    }
}
