namespace StreamHub.Admin;

/// <summary>The pool: its size, permits held, streams past their first token, and the backpressure flag.</summary>
public sealed record PoolStats(int Size, int Active, int ActiveStreams, double Utilization, int BackpressureLimit, bool Backpressure);
