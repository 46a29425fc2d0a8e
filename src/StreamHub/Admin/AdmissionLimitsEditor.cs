using Microsoft.Extensions.Options;
using StreamHub.Admission;

namespace StreamHub.Admin;

/// <summary>
/// The admission limits in force (<see cref="IStreamAdmission.Limits"/>), starting from the <c>Admission</c>
/// settings and changed by operators through <see cref="IStreamAdmission.UpdateLimits"/>. A change must pass every
/// validator start-up runs on the <c>Admission</c> section. Changes live in memory (with
/// <c>Admission:Scope=Cluster</c>, in Redis for the whole cluster): a restart returns to the settings.
/// </summary>
internal sealed class AdmissionLimitsEditor(
    IEnumerable<IValidateOptions<AdmissionOptions>> validators,
    IStreamAdmission admission)
{
    private readonly Lock _lock = new();

    public AdminLimits Current
    {
        get
        {
            lock (_lock)
            {
                return ToLimits(admission.Limits);
            }
        }
    }

    /// <summary>Applies <paramref name="update"/> over the current limits, or returns the failures by field.</summary>
    public bool TryUpdate(AdminLimitsUpdate update, out AdminLimits applied, out Dictionary<string, string[]> errors)
    {
        lock (_lock)
        {
            var current = admission.Limits;
            var next = new AdmissionOptions
            {
                MaxConcurrentStreams = update.MaxConcurrentStreams ?? current.MaxConcurrentStreams,
                BackpressureThreshold = update.BackpressureThreshold ?? current.BackpressureThreshold,
                MaxQueueWait = update.MaxQueueWait ?? current.MaxQueueWait,
                AgingInterval = update.AgingInterval ?? current.AgingInterval,
                QueueLimits = new AdmissionQueueLimits
                {
                    Critical = update.QueueLimits?.Critical ?? current.QueueLimits.Critical,
                    High = update.QueueLimits?.High ?? current.QueueLimits.High,
                    Normal = update.QueueLimits?.Normal ?? current.QueueLimits.Normal,
                    Low = update.QueueLimits?.Low ?? current.QueueLimits.Low,
                },

                // Not changed here, but the validators' rules of a cluster read them.
                Scope = current.Scope,
                LeaseTimeout = current.LeaseTimeout,
                ExpectedInstances = current.ExpectedInstances,
            };

            errors = Validate(next);
            if (errors.Count > 0)
            {
                applied = ToLimits(current);
                return false;
            }

            admission.UpdateLimits(next);
            applied = ToLimits(next);
            return true;
        }
    }

    // Every message names the setting's key ("Admission:QueueLimits:Low must ..."): the field is that key
    // in the body's camelCase ("queueLimits.low").
    private Dictionary<string, string[]> Validate(AdmissionOptions options)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (!result.Failed)
            {
                continue;
            }

            foreach (var failure in result.Failures)
            {
                var field = Field(failure);
                if (!errors.TryGetValue(field, out var messages))
                {
                    errors[field] = messages = [];
                }

                messages.Add(failure);
            }
        }

        return errors.ToDictionary(static e => e.Key, static e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static string Field(string failure)
    {
        const string Prefix = AdmissionOptions.SectionName + ":";
        foreach (var word in failure.Split(' '))
        {
            if (word.StartsWith(Prefix, StringComparison.Ordinal) && word.Length > Prefix.Length)
            {
                return string.Join('.', word[Prefix.Length..].TrimEnd('.', ',', ';').Split(':')
                    .Select(static part => char.ToLowerInvariant(part[0]) + part[1..]));
            }
        }

        return string.Empty;
    }

    private static AdminLimits ToLimits(AdmissionOptions options) => new(
        options.MaxConcurrentStreams,
        new AdminQueueLimits(options.QueueLimits.Critical, options.QueueLimits.High, options.QueueLimits.Normal, options.QueueLimits.Low),
        options.BackpressureThreshold,
        options.MaxQueueWait,
        options.AgingInterval);
}
