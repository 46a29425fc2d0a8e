namespace StreamHub.Admission;

/// <summary>Whose pool a request waits for (<c>Admission:Scope</c>).</summary>
internal enum AdmissionScope
{
    /// <summary>Each instance admits on its own (the default).</summary>
    Instance,

    /// <summary>Every instance on one Redis shares one pool, one set of queues and the tenant limits.</summary>
    Cluster,
}
