using System.Text.Json;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Group messages between instances: one Redis channel per tenant-scoped group (<c>{prefix}:group:{tenant}/{name}</c>),
/// subscribed by an instance only while one of its connections is a member, so an instance hears only the groups
/// it serves. Each subscription is read in order by one queue; the message is JSON.
/// </summary>
internal sealed class RedisGroupRelay(IConnectionMultiplexer redis, ILogger<RedisGroupRelay> logger) : IGroupRelay
{
    public async Task PublishAsync(string scopedGroup, GroupMessage message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, GroupMessageJsonContext.Default.GroupMessage);
        await redis.GetSubscriber().PublishAsync(Channel(scopedGroup), json);
    }

    public async Task<IAsyncDisposable> ListenAsync(string scopedGroup, Action<GroupMessage> deliver)
    {
        ChannelMessageQueue queue;
        try
        {
            queue = await redis.GetSubscriber().SubscribeAsync(Channel(scopedGroup));
        }
        catch (RedisException)
        {
            throw new StreamHubException(ErrorCodes.UpstreamUnavailable, "the group fan-out (Redis) is unreachable; join again in a few seconds");
        }

        queue.OnMessage(message =>
        {
            GroupMessage? item;
            try
            {
                item = JsonSerializer.Deserialize((byte[])message.Message!, GroupMessageJsonContext.Default.GroupMessage);
            }
            catch (JsonException ex)
            {
                // Not ours (another writer on the channel): skip it, keep the group's queue going.
                logger.LogWarning(ex, "A message on {Channel} is not a group message", message.Channel);
                return;
            }

            if (item is not null)
            {
                deliver(item);
            }
        });
        return new Subscription(queue, logger);
    }

    private static RedisChannel Channel(string scopedGroup) => RedisChannel.Literal("group:" + scopedGroup);

    private sealed class Subscription(ChannelMessageQueue queue, ILogger logger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (RedisException ex)
            {
                // Redis forgets a dead connection's subscriptions by itself.
                logger.LogDebug(ex, "Could not unsubscribe from {Channel}", queue.Channel);
            }
        }
    }
}
