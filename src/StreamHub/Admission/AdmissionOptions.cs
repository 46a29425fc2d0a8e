using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace StreamHub.Admission;

/// <summary>The <c>Admission</c> settings: the pool of upstream streams and how requests wait for it.</summary>
internal sealed class AdmissionOptions
{
    public const string SectionName = "Admission";

    /// <summary>The pool: how many upstream streams may run at once.</summary>
    [Range(1, 100_000, ErrorMessage = "Admission:MaxConcurrentStreams must be between 1 and 100000")]
    public int MaxConcurrentStreams { get; set; } = 64;

    /// <summary>How many requests of each priority may wait; a request over the limit fails with <c>queue_full</c>.</summary>
    public AdmissionQueueLimits QueueLimits { get; set; } = new();

    /// <summary>
    /// Share of the pool that non-critical requests may fill; the rest is headroom kept for critical ones.
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "Admission:BackpressureThreshold must be in (0, 1]")]
    public double BackpressureThreshold { get; set; } = 0.8;

    /// <summary>Longest time a request waits in a queue before it fails with <c>queue_timeout</c>.</summary>
    public TimeSpan MaxQueueWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A waiting request's effective priority rises one tier per interval waited, so low never starves.</summary>
    public TimeSpan AgingInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>The bounded queue length per priority (<c>Admission:QueueLimits:*</c>); 0 means never queue.</summary>
internal sealed class AdmissionQueueLimits
{
    public int Critical { get; set; } = 1000;
    public int High { get; set; } = 1000;
    public int Normal { get; set; } = 1000;
    public int Low { get; set; } = 1000;

    public int this[Priority priority] => priority switch
    {
        Priority.Critical => Critical,
        Priority.High => High,
        Priority.Normal => Normal,
        _ => Low,
    };
}

/// <summary>
/// The checks DataAnnotations cannot express: nested queue limits, TimeSpans and how the fields relate.
/// </summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    internal const int MaxQueueLimit = 1_000_000;

    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxConcurrentStreams < 1)
        {
            failures.Add("Admission:MaxConcurrentStreams must be at least 1");
        }

        // NaN slips through RangeAttribute's comparisons, so the range is checked here as well.
        if (!(options.BackpressureThreshold > 0 && options.BackpressureThreshold <= 1))
        {
            failures.Add("Admission:BackpressureThreshold must be in (0, 1]");
        }

        if (options.QueueLimits is null)
        {
            failures.Add("Admission:QueueLimits must be set");
        }
        else
        {
            CheckQueueLimit(failures, nameof(AdmissionQueueLimits.Critical), options.QueueLimits.Critical);
            CheckQueueLimit(failures, nameof(AdmissionQueueLimits.High), options.QueueLimits.High);
            CheckQueueLimit(failures, nameof(AdmissionQueueLimits.Normal), options.QueueLimits.Normal);
            CheckQueueLimit(failures, nameof(AdmissionQueueLimits.Low), options.QueueLimits.Low);
        }

        if (options.MaxQueueWait <= TimeSpan.Zero || options.MaxQueueWait > TimeSpan.FromHours(1))
        {
            failures.Add("Admission:MaxQueueWait must be greater than 0 and at most 01:00:00");
        }

        if (options.AgingInterval <= TimeSpan.Zero)
        {
            failures.Add("Admission:AgingInterval must be greater than 0");
        }
        else if (options.AgingInterval >= options.MaxQueueWait)
        {
            // A request would time out before it ever aged, so low priority could starve after all.
            failures.Add("Admission:AgingInterval must be shorter than Admission:MaxQueueWait");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckQueueLimit(List<string> failures, string tier, int value)
    {
        if (value is < 0 or > MaxQueueLimit)
        {
            failures.Add($"Admission:QueueLimits:{tier} must be between 0 and {MaxQueueLimit}");
        }
    }
}
