using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace StreamHub.Admission;

/// <summary>The <c>Admission</c> settings: the pool of upstream streams and how requests wait for it.</summary>
internal sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>The pool: how many upstream streams may run at once.</summary>
    [Range(1, 100_000, ErrorMessage = "{0} must be between {1} and {2}")]
    public int MaxConcurrentStreams { get; set; } = 64;

    /// <summary>How many requests of each priority may wait; a request over the limit fails with <c>queue_full</c>.</summary>
    [Required(ErrorMessage = "{0} must be set")]
    [ValidateObjectMembers]
    public AdmissionQueueLimits QueueLimits { get; set; } = new();

    /// <summary>
    /// Share of the pool that non-critical requests may fill; the rest is headroom kept for critical ones.
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "{0} must be in (0, 1]")]
    public double BackpressureThreshold { get; set; } = 0.8;

    /// <summary>Longest time a request waits in a queue before it fails with <c>queue_timeout</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "{0} must be greater than 0 and at most {2}")]
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A waiting request's effective priority rises one tier per interval waited, so low never starves.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "{0} must be greater than 0 and at most {2}")]
    public TimeSpan AgingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>Instance</c>: this instance's own pool. <c>Cluster</c>: one pool, one set of queues and tenant limits for
    /// every instance on the Redis at <c>Redis:ConnectionString</c>.
    /// </summary>
    [EnumDataType(typeof(AdmissionScope), ErrorMessage = "{0} must be Instance or Cluster.")]
    public AdmissionScope Scope { get; set; } = AdmissionScope.Instance;

    /// <summary>With <c>Scope=Cluster</c>: how soon a dead instance's permits and queue entries return.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "{0} must be between {1} and {2}")]
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>With <c>Scope=Cluster</c>: while Redis is unreachable each instance admits <c>MaxConcurrentStreams / ExpectedInstances</c>.</summary>
    [Range(1, 1000, ErrorMessage = "{0} must be between {1} and {2}")]
    public int ExpectedInstances { get; set; } = 1;
}
