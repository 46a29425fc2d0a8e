using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Tenants' aborts between instances on one Redis channel (<c>{prefix}:abort</c>, message <c>{requestId}:{scope}</c>:
/// an id holds no ':', so the first one ends it). The subscription is made when the host starts and again until it
/// holds while Redis is away at start; once made, the multiplexer restores it after a reconnect.
/// </summary>
internal sealed class RedisAbortRelay(
    IConnectionMultiplexer redis, IOptions<RedisSettings> settings, TimeProvider timeProvider, ILogger<RedisAbortRelay> logger) : IAbortRelay, IDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("abort");
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);
    private readonly CancellationTokenSource _stopping = new();

    public async Task<bool> RelayAsync(RequestKey key)
    {
        try
        {
            // Running somewhere: its buffer exists and its last entry is not the end. Asked before the abort goes
            // out, or the abort's own end could answer it.
            var last = await redis.GetDatabase().StreamRangeAsync(
                WatchKeys.Stream(settings.Value.ChannelPrefix, key.Scope, key.Id), "-", "+", count: 1, messageOrder: Order.Descending);
            await redis.GetSubscriber().PublishAsync(Channel, key.Id + ":" + key.Scope);
            return last.Length == 1 && !WatchEntry.IsEnd(last[0], out _);
        }
        catch (RedisException)
        {
            throw new StreamHubException(
                ErrorCodes.UpstreamUnavailable, "the other instances cannot be reached (Redis is unreachable); retry the abort in a few seconds");
        }
    }

    public void Listen(Func<RequestKey, bool> abort) => _ = SubscribeAsync(abort);

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();

    private async Task SubscribeAsync(Func<RequestKey, bool> abort)
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) =>
                {
                    var text = (string?)message;
                    var colon = text?.IndexOf(':') ?? -1;
                    if (colon > 0 && abort(new RequestKey(text![(colon + 1)..], text[..colon])))
                    {
                        logger.LogInformation("Request {RequestId} of {Scope} ended by its owner from another instance", text[..colon], text[(colon + 1)..]);
                    }
                });
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Cannot hear other instances' aborts yet (Redis is unreachable); trying again in {Delay}", RetryEvery);
            }

            try
            {
                await Task.Delay(RetryEvery, timeProvider, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
