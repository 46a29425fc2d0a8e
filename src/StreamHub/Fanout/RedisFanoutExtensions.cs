using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace StreamHub.Fanout;

internal static class RedisFanoutExtensions
{
    /// <summary>
    /// One multiplexer shared by the SignalR backplane and the watch store. It never blocks start-up or a
    /// caller on Redis: it connects in the background, fails commands fast while Redis is away (streams go
    /// on; fan-out and watch report it) and reconnects by itself.
    /// </summary>
    public static IHostApplicationBuilder AddRedisFanout(this IHostApplicationBuilder builder, RedisSettings settings)
    {
        var configuration = ConfigurationOptions.Parse(settings.ConnectionString!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = 2000;
        configuration.ConnectRetry = 1;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        configuration.ChannelPrefix = RedisChannel.Literal(settings.ChannelPrefix + ":");

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(configuration));
        builder.Services.AddSingleton<IWatchStore, RedisWatchStore>();
        new Backplane(builder.Services).AddStackExchangeRedis(o => o.Configuration.ChannelPrefix = configuration.ChannelPrefix);
        builder.Services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
            .Configure<IConnectionMultiplexer>((o, multiplexer) => o.ConnectionFactory = _ => Task.FromResult(multiplexer));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// The hub's SignalR registration (AddStreaming) made the server builder; this one only carries the Redis
    /// backplane's services. Calling <c>AddSignalR()</c> again here would re-add the plain JSON protocol
    /// beside the coded-error one the hub registered.
    /// </summary>
    private sealed class Backplane(IServiceCollection services) : ISignalRServerBuilder
    {
        public IServiceCollection Services => services;
    }
}
