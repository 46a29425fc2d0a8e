using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using StreamHub.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a <see cref="StreamHubChatClient"/> as the <see cref="IChatClient"/>, the way Microsoft.Extensions.AI clients are.</summary>
public static class StreamHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="StreamHubChatClient"/> as the singleton <see cref="IChatClient"/>; the returned builder
    /// adds middleware (<c>.UseFunctionInvocation()</c>, <c>.UseLogging()</c>, ...).
    /// </summary>
    public static ChatClientBuilder AddStreamHubChatClient(this IServiceCollection services, Action<StreamHubClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddChatClient(provider => Create(provider, configure));
    }

    /// <summary>As <see cref="AddStreamHubChatClient"/>, as a keyed service.</summary>
    public static ChatClientBuilder AddKeyedStreamHubChatClient(this IServiceCollection services, object serviceKey, Action<StreamHubClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddKeyedChatClient(serviceKey, provider => Create(provider, configure));
    }

    private static StreamHubChatClient Create(IServiceProvider provider, Action<StreamHubClientOptions> configure)
    {
        var options = new StreamHubClientOptions { TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System };
        configure(options);

        return new StreamHubChatClient(options, provider.GetService<ILoggerFactory>());
    }
}
