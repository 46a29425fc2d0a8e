using System.Threading.Channels;

namespace StreamHub.Fanout;

/// <summary>
/// Sends a request's group messages in order from one background loop, so the caller's stream never waits
/// for a Redis round trip per token. A backplane failure drops the rest of the fan-out (logged once), never
/// the caller's own stream.
/// </summary>
internal sealed class GroupSender
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private readonly Channel<(long Seq, string? Text, string? Code)> _queue;
    private readonly IGroupPublisher _publisher;
    private readonly string _name;
    private readonly string _group;
    private readonly string _requestId;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public GroupSender(IGroupPublisher publisher, string name, string group, string requestId, int capacity, ILogger logger)
    {
        _publisher = publisher;
        _name = name;
        _group = group;
        _requestId = requestId;
        _logger = logger;
        _queue = Channel.CreateBounded<(long, string?, string?)>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(SendLoopAsync);
    }

    public ValueTask SendTokenAsync(long seq, string text)
        => _queue.Writer.TryWrite((seq, text, null)) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync((seq, text, null));

    public async ValueTask CompleteAsync(string? code)
    {
        if (!_queue.Writer.TryWrite((0, null, code)))
        {
            await _queue.Writer.WriteAsync((0, null, code));
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
        await foreach (var (seq, text, code) in _queue.Reader.ReadAllAsync())
        {
            if (broken)
            {
                continue;
            }

            try
            {
                await (text is not null
                    ? _publisher.TokenAsync(_name, _group, _requestId, seq, text)
                    : _publisher.CompletedAsync(_name, _group, _requestId, code));
            }
            catch (Exception ex)
            {
                // Keep draining so the request's stream never blocks on a dead backplane.
                broken = true;
                _logger.LogWarning(ex, "Group fan-out of {RequestId} stopped: the backplane is unreachable", _requestId);
            }
        }
    }
}
