using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamHub.Fanout;

internal static class RedisFanoutExtensions
{
    /// <summary>
    /// One multiplexer shared by the SignalR backplane and the watch store. It never blocks start-up or a
    /// caller on Redis: it connects in the background, fails commands fast while Redis is away (streams go
    /// on; fan-out and watch report it) and reconnects by itself.
    /// </summary>
    public static IHostApplicationBuilder AddRedisFanout(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IConnectionMultiplexer>(static services =>
            ConnectionMultiplexer.Connect(Configuration(services.GetRequiredService<IOptions<RedisSettings>>().Value)));
        builder.Services.AddSingleton<IWatchStore, RedisWatchStore>();
        builder.Services.AddSingleton<IGroupRelay, RedisGroupRelay>();
        builder.Services.AddSingleton<IAbortRelay, RedisAbortRelay>();
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>()
            .Configure<IOptions<RedisSettings>, IServiceProvider>(static (o, settings, services) =>
            {
                o.Configuration.ChannelPrefix = ChannelPrefix(settings.Value);
                o.ConnectionFactory = _ => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
            });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    private static ConfigurationOptions Configuration(RedisSettings settings)
    {
        var configuration = ConfigurationOptions.Parse(settings.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = 2000;
        configuration.ConnectRetry = 1;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ChannelPrefix = ChannelPrefix(settings);
        return configuration;
    }

    private static RedisChannel ChannelPrefix(RedisSettings settings) => RedisChannel.Literal(settings.ChannelPrefix + ":");
}
