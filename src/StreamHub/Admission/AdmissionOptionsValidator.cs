using Microsoft.Extensions.Options;

namespace StreamHub.Admission;

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
