using StreamHub.Validation;

namespace StreamHub.Admission;

/// <summary>
/// The <c>Admission</c> rules: the annotations on <see cref="AdmissionOptions"/> and how its fields relate.
/// Start-up, <c>PUT /admin/limits</c> and <see cref="PriorityAdmission.UpdateLimits"/> all run it.
/// </summary>
internal sealed class AdmissionOptionsValidator() : SettingsValidator<AdmissionOptions>(AdmissionOptions.SectionName)
{
    protected override void CheckFields(AdmissionOptions options, List<string> failures)
    {
        if (options.AgingInterval >= options.MaxQueueWait)
        {
            // A request would time out before it ever aged, so low priority could starve after all.
            failures.Add("Admission:AgingInterval must be shorter than Admission:MaxQueueWait");
        }
    }
}
