using StreamHub.Validation;

namespace StreamHub.Fanout;

internal static class FanoutExtensions
{
    /// <summary>
    /// Watch buffers, group fan-out and tenants' aborts. With <c>Redis:ConnectionString</c> set, a Redis channel per
    /// group carries group messages between instances, one channel carries aborts and watch buffers are Redis
    /// Streams; without it, one instance, in memory, the same behaviour.
    /// </summary>
    public static IHostApplicationBuilder AddFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<FanoutOptions, FanoutOptionsValidator>(FanoutOptions.Section);
        builder.Services.AddSettings<RedisSettings, RedisSettingsValidator>(RedisSettings.Section);
        builder.Services.AddSingleton<TokenFanout>();

        // Which services exist depends on whether Redis is configured at all; the settings themselves
        // (connection string, channel prefix) are read validated, from IOptions<RedisSettings>.
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisSettings.Section}:{nameof(RedisSettings.ConnectionString)}"]))
        {
            builder.Services.AddSingleton<IWatchStore, InMemoryWatchStore>();
            builder.Services.AddSingleton<IGroupRelay, LocalGroupRelay>();
            builder.Services.AddSingleton<IAbortRelay, LocalAbortRelay>();
        }
        else
        {
            builder.AddRedisFanout();
        }

        return builder;
    }
}
