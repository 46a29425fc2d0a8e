namespace StreamHub.Admin;

public sealed record AdminQueueLimits(int Critical, int High, int Normal, int Low);
