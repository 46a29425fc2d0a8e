namespace StreamHub.Admin;

/// <summary>
/// One request in flight. <paramref name="State"/> is "queued" (waiting for a slot), "starting" (admitted
/// or validating, no upstream stream yet) or "streaming".
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
    long Tokens);
