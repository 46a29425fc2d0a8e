namespace StreamHub.Admin;

/// <summary>A <c>PUT /admin/limits</c> body: fields left out keep their current value.</summary>
public sealed record AdminLimitsUpdate(
    int? MaxConcurrentStreams,
    AdminQueueLimitsUpdate? QueueLimits,
    double? BackpressureThreshold,
    TimeSpan? MaxQueueWait,
    TimeSpan? AgingInterval);
