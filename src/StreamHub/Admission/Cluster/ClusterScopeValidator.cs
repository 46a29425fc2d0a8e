using Microsoft.Extensions.Options;

namespace StreamHub.Admission.Cluster;

/// <summary>The checks of <c>Admission:Scope=Cluster</c> that reach beyond the <c>Admission</c> section.</summary>
internal sealed class ClusterScopeValidator(IConfiguration configuration) : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Scope != AdmissionScope.Cluster)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(configuration["Redis:ConnectionString"]))
        {
            failures.Add("Admission:Scope=Cluster needs Redis:ConnectionString: the Redis every instance shares holds the pool and its queues");
        }

        if (options.ExpectedInstances > options.MaxConcurrentStreams)
        {
            failures.Add("Admission:ExpectedInstances must not exceed Admission:MaxConcurrentStreams: each instance's fallback pool is their quotient");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
