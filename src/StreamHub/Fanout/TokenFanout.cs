using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Streaming;

namespace StreamHub.Fanout;

/// <summary>
/// Starts a request's fan-out: its watch buffer, and, when the request names a group, the
/// <c>GroupToken</c>/<c>GroupCompleted</c> messages to that tenant's group on every instance.
/// </summary>
internal sealed class TokenFanout(
    IWatchStore store,
    IHubContext<StreamingHub, IStreamClient> hub,
    IOptions<FanoutOptions> options,
    ILogger<TokenFanout> logger)
{
    public FanoutSession Begin(string requestId, string tenant, string? group)
    {
        var watch = store.Open(requestId, tenant);
        return group is null
            ? new FanoutSession(watch, groupSender: null)
            : new FanoutSession(watch, new GroupSender(hub, GroupNames.For(tenant, group), group, requestId, options.Value.GroupBuffer, logger));
    }
}

/// <summary>SignalR group names are scoped by tenant, so a tenant can only ever reach its own groups.</summary>
internal static class GroupNames
{
    public static string For(string tenant, string group) => tenant + "/" + group;
}

/// <summary>One request's fan-out, fed by the request's own stream in token order.</summary>
internal sealed class FanoutSession(IWatchWriter watch, GroupSender? groupSender) : IAsyncDisposable
{
    private long _seq;
    private bool _completed;

    /// <summary>Tokens published so far (read by the operators' request list from another thread).</summary>
    public long Seq => Volatile.Read(ref _seq);

    public ValueTask PublishAsync(string text)
    {
        var seq = ++_seq;
        watch.Append(seq, text);
        return groupSender?.SendTokenAsync(seq, text) ?? ValueTask.CompletedTask;
    }

    /// <summary>Ends the fan-out; <paramref name="code"/> is null on success.</summary>
    public async ValueTask CompleteAsync(string? code)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        watch.Complete(code);
        if (groupSender is not null)
        {
            await groupSender.CompleteAsync(code);
        }
    }

    public ValueTask DisposeAsync() => CompleteAsync(ErrorCodes.Aborted);
}

/// <summary>
/// Sends a request's group messages in order from one background loop, so the caller's stream never waits
/// for a Redis round trip per token. A backplane failure drops the rest of the fan-out (logged once), never
/// the caller's own stream.
/// </summary>
internal sealed class GroupSender
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private readonly Channel<(long Seq, string? Text, string? Code)> _queue;
    private readonly IHubContext<StreamingHub, IStreamClient> _hub;
    private readonly string _name;
    private readonly string _group;
    private readonly string _requestId;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public GroupSender(IHubContext<StreamingHub, IStreamClient> hub, string name, string group, string requestId, int capacity, ILogger logger)
    {
        _hub = hub;
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
                var group = _hub.Clients.Group(_name);
                await (text is not null
                    ? group.GroupToken(_group, _requestId, seq, text)
                    : group.GroupCompleted(_group, _requestId, code));
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
