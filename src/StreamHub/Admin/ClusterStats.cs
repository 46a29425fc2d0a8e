namespace StreamHub.Admin;

/// <summary>
/// Cluster admission as this instance sees it. <paramref name="Mode"/> is "cluster" (admitting through the shared
/// pool) or "fallback" (Redis unreachable: admitting alone with <paramref name="FallbackPool"/> permits).
/// <paramref name="Reserved"/> permits are kept back after an outage for instances not yet heard from.
/// </summary>
public sealed record ClusterStats(string Mode, string Instance, int Instances, int FallbackPool, int Reserved, int LocalPermits);
