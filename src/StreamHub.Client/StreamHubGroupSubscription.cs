using System.Threading.Channels;

namespace StreamHub.Client;

/// <summary>
/// Membership of a group, from <see cref="StreamHubChatClient.JoinGroupAsync"/>: enumerate it for what the group's
/// requests fan out (one reader); dispose it to leave the group.
/// </summary>
public sealed class StreamHubGroupSubscription : IAsyncEnumerable<StreamHubGroupMessage>, IAsyncDisposable
{
    private readonly Channel<StreamHubGroupMessage> _channel;
    private readonly Func<ValueTask> _leave;
    private int _disposed;

    internal StreamHubGroupSubscription(string group, Channel<StreamHubGroupMessage> channel, Func<ValueTask> leave)
    {
        Group = group;
        _channel = channel;
        _leave = leave;
    }

    /// <summary>The group's name, as joined.</summary>
    public string Group { get; }

    /// <summary>
    /// The group's messages as they arrive, until cancelled or disposed. After a dropped connection the group is
    /// joined again by itself; what was sent in the gap is not replayed (watch a request to get all of it). When
    /// StreamHub cannot be reached again, reading fails with <see cref="StreamHubErrorCodes.ConnectionLost"/>.
    /// </summary>
    public IAsyncEnumerator<StreamHubGroupMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        => _channel.Reader.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Leaves the group (when no other subscription of this client follows it) and ends the enumeration.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            await _leave();
        }
    }
}
