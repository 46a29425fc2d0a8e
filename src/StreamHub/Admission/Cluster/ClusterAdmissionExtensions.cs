using Microsoft.Extensions.Options;
using StreamHub.Fanout;

namespace StreamHub.Admission.Cluster;

internal static class ClusterAdmissionExtensions
{
    /// <summary>True when the settings ask for cluster admission and name the Redis it needs.</summary>
    public static bool WantsClusterAdmission(this IConfiguration configuration)
        => string.Equals(configuration["Admission:Scope"], nameof(AdmissionScope.Cluster), StringComparison.OrdinalIgnoreCase)
            && !string.IsNullOrWhiteSpace(configuration["Redis:ConnectionString"]);

    /// <summary>
    /// <c>Admission:Scope=Cluster</c>: the cluster's <see cref="IStreamAdmission"/>, <see cref="ITenantLimits"/> and
    /// <see cref="IResumableJournal"/> over the shared multiplexer, the heartbeat (a hosted service) and the
    /// <c>admission</c> readiness check.
    /// </summary>
    public static IServiceCollection AddClusterAdmission(this IServiceCollection services)
    {
        services.AddSingleton(static services => new ClusterMember(
            services.GetRequiredService<IOptions<RedisSettings>>().Value.ChannelPrefix,
            services.GetRequiredService<IOptions<AdmissionOptions>>().Value));
        services.AddSingleton(static services => new ClusterLimits(services.GetRequiredService<IOptions<AdmissionOptions>>().Value));
        services.AddSingleton<ClusterLink>();
        services.AddSingleton<ClusterLedger>();
        services.AddSingleton<FallbackPool>();
        services.AddSingleton<ClusterRejoin>();
        services.AddSingleton<ClusterPermits>();
        services.AddSingleton<ClusterDepartures>();
        services.AddSingleton<ClusterLine>();
        services.AddSingleton<ClusterSnapshots>();
        services.AddSingleton<ClusterAdmission>();
        services.AddSingleton<IStreamAdmission>(static services => services.GetRequiredService<ClusterAdmission>());
        services.AddSingleton<ClusterTenantLimits>();
        services.AddSingleton<ITenantLimits>(static services => services.GetRequiredService<ClusterTenantLimits>());
        services.AddSingleton<ClusterResumableJournal>();
        services.AddSingleton<IResumableJournal>(static services => services.GetRequiredService<ClusterResumableJournal>());
        services.AddSingleton<ClusterMessages>();
        services.AddHostedService<ClusterHeartbeat>();
        services.AddHealthChecks().AddCheck<AdmissionHealthCheck>("admission", tags: ["ready"]);
        return services;
    }
}
