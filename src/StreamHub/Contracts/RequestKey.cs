namespace StreamHub.Contracts;

/// <summary>
/// What names a request in flight: its tenant and its id. Request ids are the tenant's own (DESIGN "Client
/// callbacks"), so two tenants may run the same id at once and neither ever finds, refuses or ends the other's.
/// </summary>
internal readonly record struct RequestKey(string Tenant, string Id);
