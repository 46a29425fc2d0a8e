using StreamHub.Validation;

namespace StreamHub.Fanout;

internal static class FanoutExtensions
{
    /// <summary>
    /// Watch buffers and group fan-out. With <c>Redis:ConnectionString</c> set, the SignalR Redis backplane
    /// carries group messages between instances and watch buffers are Redis Streams; without it, one
    /// instance, in memory, the same behaviour.
    /// </summary>
    public static IHostApplicationBuilder AddFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<FanoutOptions, FanoutOptionsValidator>(FanoutOptions.Section);
        builder.Services.AddSettings<RedisSettings, RedisSettingsValidator>(RedisSettings.Section);
        builder.Services.AddSingleton<TokenFanout>();

        var redis = builder.Configuration.GetSection(RedisSettings.Section).Get<RedisSettings>();
        if (string.IsNullOrWhiteSpace(redis?.ConnectionString))
        {
            builder.Services.AddSingleton<IWatchStore, InMemoryWatchStore>();
        }
        else
        {
            builder.AddRedisFanout(redis);
        }

        return builder;
    }
}
