namespace StreamHub.Admin;

public sealed record AdminQueueLimitsUpdate(int? Critical, int? High, int? Normal, int? Low);
