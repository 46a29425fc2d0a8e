using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using StreamHub.Fanout;

namespace StreamHub.Streaming;

/// <summary>
/// One member connection's group messages, in order: a bounded queue that the relay fills without waiting and one
/// loop that sends each as <c>GroupToken</c>, <c>GroupEvent</c> or <c>GroupCompleted</c>. A member that stops reading
/// holds back only its own loop; when its queue is full it is let go (<see cref="GroupMembers"/>).
/// </summary>
internal sealed class MemberOutbox
{
    private readonly Channel<GroupMessage> _queue;
    private readonly HubCallerContext _connection;
    private readonly IStreamClient _client;
    private readonly ILogger _logger;

    public MemberOutbox(HubCallerContext connection, IStreamClient client, int capacity, ILogger logger)
    {
        _connection = connection;
        _client = client;
        _logger = logger;
        _queue = Channel.CreateBounded<GroupMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _ = Task.Run(SendLoopAsync);
    }

    public string ConnectionId => _connection.ConnectionId;

    /// <summary>The tenant-scoped groups this connection joined; guarded by <see cref="GroupMembers"/>' lock.</summary>
    public HashSet<string> Groups { get; } = new(StringComparer.Ordinal);

    /// <summary>Queues a message; false when the queue is full (the member has fallen too far behind).</summary>
    public bool TryPost(GroupMessage message) => _queue.Writer.TryWrite(message);

    /// <summary>No more messages: the loop ends once it has sent what is queued (or at once, when the connection is gone).</summary>
    public void Close() => _queue.Writer.TryComplete();

    /// <summary>Closes the member's connection: it stopped reading.</summary>
    public void Abort() => _connection.Abort();

    private async Task SendLoopAsync()
    {
        await foreach (var message in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await (message.End ? _client.GroupCompleted(message.Group, message.RequestId, message.Code)
                    : message.Event is { } item ? _client.GroupEvent(message.Group, message.RequestId, item)
                    : _client.GroupToken(message.Group, message.RequestId, message.Seq, message.Text!));
            }
            catch (Exception ex)
            {
                // The connection is going; what is left is dropped as the queue drains.
                _logger.LogDebug(ex, "A group message to connection {ConnectionId} was not sent", ConnectionId);
            }
        }
    }
}
