using StreamHub.Contracts;

namespace StreamHub.Admission;

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
