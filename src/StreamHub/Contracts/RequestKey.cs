namespace StreamHub.Contracts;

/// <summary>
/// What names a request in flight: the scope that owns it (its tenant, or one anonymous connection) and its id.
/// Request ids are the caller's own (DESIGN "Client callbacks"), so two tenants may run the same id at once and
/// neither ever finds, refuses or ends the other's.
/// </summary>
internal readonly record struct RequestKey(string Scope, string Id);
