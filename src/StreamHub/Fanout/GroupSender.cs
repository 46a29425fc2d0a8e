using System.Threading.Channels;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Sends a request's group messages in order from one background loop, so the caller's stream never waits
/// for a Redis round trip per token: text events as <c>GroupToken</c>, every other event as <c>GroupEvent</c>
/// (its wire form made here, off the request's own path), then the end. A relay failure drops the rest of the
/// fan-out (logged once), never the caller's own stream. Members never slow it: the relay hands each message to
/// their outboxes without waiting for them to read.
/// </summary>
internal sealed class GroupSender
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private readonly Channel<(CompletionEvent Item, bool End, string? Code)> _queue;
    private readonly IGroupRelay _relay;
    private readonly string _name;
    private readonly string _group;
    private readonly string _requestId;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public GroupSender(IGroupRelay relay, string name, string group, string requestId, int capacity, ILogger logger)
    {
        _relay = relay;
        _name = name;
        _group = group;
        _requestId = requestId;
        _logger = logger;
        _queue = Channel.CreateBounded<(CompletionEvent, bool, string?)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(SendLoopAsync);
    }

    public ValueTask SendAsync(CompletionEvent item)
        => _queue.Writer.TryWrite((item, false, null)) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync((item, false, null));

    public async ValueTask CompleteAsync(string? code)
    {
        if (!_queue.Writer.TryWrite((default, true, code)))
        {
            await _queue.Writer.WriteAsync((default, true, code));
        }

        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(DrainLimit);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Group fan-out of {RequestId} did not drain within {Limit}", _requestId, DrainLimit);
        }
    }

    private async Task SendLoopAsync()
    {
        var broken = false;
        await foreach (var (item, end, code) in _queue.Reader.ReadAllAsync())
        {
            if (broken)
            {
                continue;
            }

            try
            {
                await _relay.PublishAsync(_name, end ? GroupMessage.EndOf(_group, _requestId, code)
                    : item.Kind == EventKind.Text ? GroupMessage.TextOf(_group, _requestId, item.Seq, item.Text!)
                    : GroupMessage.EventOf(_group, _requestId, item.ToWire()));
            }
            catch (Exception ex)
            {
                // Keep draining so the request's stream never blocks on a dead backplane.
                broken = true;
                _logger.LogWarning(ex, "Group fan-out of {RequestId} stopped: the relay (Redis) is unreachable", _requestId);
            }
        }
    }
}
