using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamHub.Admission.Cluster;
using StreamHub.Validation;

namespace StreamHub.Admission;

internal static class AdmissionExtensions
{
    /// <summary>
    /// Binds and validates <c>Admission</c> (failing at start-up with the key's name) and registers
    /// <see cref="PriorityAdmission"/> (also as the <see cref="IStreamAdmission"/> the pipeline and operators use)
    /// and <see cref="TenantLimits"/> as singletons on the DI TimeProvider; with <c>Admission:Scope=Cluster</c>,
    /// the cluster's admission, tenant limits and resumable journal in their place.
    /// </summary>
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSettings<AdmissionOptions, AdmissionOptionsValidator>(AdmissionOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (builder.Configuration.WantsClusterAdmission())
        {
            builder.Services.AddClusterAdmission();
        }

        builder.Services.TryAddSingleton(services => new PriorityAdmission(
            services.GetRequiredService<IOptions<AdmissionOptions>>().Value,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<IStreamAdmission>(services => services.GetRequiredService<PriorityAdmission>());
        builder.Services.TryAddSingleton(services => new TenantLimits(services.GetRequiredService<TimeProvider>()));
        builder.Services.TryAddSingleton<ITenantLimits>(services => services.GetRequiredService<TenantLimits>());
        builder.Services.TryAddSingleton<IResumableJournal, LocalResumableJournal>();
        return builder;
    }
}
