using System.ComponentModel.DataAnnotations;
using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>The bounded queue length per priority (<c>Admission:QueueLimits:*</c>); 0 means never queue.</summary>
internal sealed class AdmissionQueueLimits
{
    internal const int Max = 1_000_000;
    private const string Message = "{0} must be between {1} and {2}";

    [Range(0, Max, ErrorMessage = Message)]
    public int Critical { get; set; } = 1000;

    [Range(0, Max, ErrorMessage = Message)]
    public int High { get; set; } = 1000;

    [Range(0, Max, ErrorMessage = Message)]
    public int Normal { get; set; } = 1000;

    [Range(0, Max, ErrorMessage = Message)]
    public int Low { get; set; } = 1000;

    public int this[Priority priority] => priority switch
    {
        Priority.Critical => Critical,
        Priority.High => High,
        Priority.Normal => Normal,
        _ => Low,
    };
}
