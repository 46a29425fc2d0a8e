namespace StreamHub.Contracts;

/// <summary>The four admission tiers, most urgent first; the numeric value orders the queues.</summary>
public enum Priority
{
    Critical = 0,
    High = 1,
    Normal = 2,
    Low = 3,
}
