namespace StreamHub.Admin;

/// <summary>
/// One request in flight. <paramref name="State"/> is "queued" (waiting for a slot), "starting" (admitted
/// or validating, no upstream stream yet) or "streaming" (on another instance of a cluster: holding a permit).
/// <paramref name="Instance"/> is the cluster instance it runs or waits on (null with <c>Admission:Scope=Instance</c>);
/// region and tokens are known only for this instance's own requests.
/// </summary>
public sealed record AdminRequest(
    string Id,
    string Tenant,
    string Priority,
    string? EffectivePriority,
    string State,
    int? QueuePosition,
    double AgeMs,
    string? Region,
    long Tokens,
    string? Instance = null);
