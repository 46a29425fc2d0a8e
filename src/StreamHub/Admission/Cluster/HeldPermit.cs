using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>A permit held somewhere in the cluster: whose request, on which instance, since when.</summary>
internal sealed record HeldPermit(string RequestId, string Tenant, Priority Priority, string Instance, TimeSpan Age);
