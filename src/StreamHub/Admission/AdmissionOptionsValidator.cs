using StreamHub.Validation;

namespace StreamHub.Admission;

/// <summary>
/// The <c>Admission</c> rules: the annotations on <see cref="AdmissionOptions"/> and how its fields relate.
/// Start-up, <c>PUT /admin/limits</c> and <see cref="PriorityAdmission.UpdateLimits"/> all run it.
/// </summary>
/// <remarks>
/// The rules of <c>Scope=Cluster</c> hold the settings an instance starts with and the limits operators set;
/// they need the <paramref name="configuration"/> (the instance's, from DI). A rule built at run time
/// (<see cref="AdmissionRule"/>: the cluster's limits as Redis holds them, a fallback pool's share) checks the
/// section's own fields only, so limits another instance wrote never throw here.
/// </remarks>
internal sealed class AdmissionOptionsValidator(IConfiguration? configuration = null)
    : SettingsValidator<AdmissionOptions>(AdmissionOptions.SectionName)
{
    protected override void CheckFields(AdmissionOptions options, List<string> failures)
    {
        if (options.AgingInterval >= options.MaxQueueWait)
        {
            // A request would time out before it ever aged, so low priority could starve after all.
            failures.Add("Admission:AgingInterval must be shorter than Admission:MaxQueueWait");
        }

        if (configuration is null || options.Scope != AdmissionScope.Cluster)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(configuration["Redis:ConnectionString"]))
        {
            failures.Add("Admission:Scope=Cluster needs Redis:ConnectionString: the Redis every instance shares holds the pool and its queues");
        }

        if (options.ExpectedInstances > options.MaxConcurrentStreams)
        {
            failures.Add("Admission:ExpectedInstances must not exceed Admission:MaxConcurrentStreams: each instance's fallback pool is their quotient");
        }
    }
}
