namespace StreamHub.Admin;

/// <summary>The admission limits as <c>GET</c>/<c>PUT /admin/limits</c> carry them (the <c>Admission</c> settings).</summary>
public sealed record AdminLimits(
    int MaxConcurrentStreams,
    AdminQueueLimits QueueLimits,
    double BackpressureThreshold,
    TimeSpan MaxQueueWait,
    TimeSpan AgingInterval);
