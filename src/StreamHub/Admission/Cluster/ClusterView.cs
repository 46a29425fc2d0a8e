namespace StreamHub.Admission.Cluster;

/// <summary>The cluster's side of an <see cref="AdmissionSnapshot"/>.</summary>
/// <param name="Instance">This instance's id in the cluster.</param>
/// <param name="Fallback">True while this instance admits on its own (Redis unreachable, or not joined yet); the rest of the snapshot is then its own.</param>
/// <param name="Instances">Instances holding a live lease.</param>
/// <param name="FallbackPool">What this instance admits on its own while Redis is unreachable.</param>
/// <param name="Reserved">Permits kept back for instances not yet heard from after an outage.</param>
/// <param name="LocalPermits">Permits this instance holds.</param>
/// <param name="Held">Every permit in the cluster, with its holder.</param>
internal sealed record ClusterView(
    string Instance,
    bool Fallback,
    int Instances,
    int FallbackPool,
    int Reserved,
    int LocalPermits,
    IReadOnlyList<HeldPermit> Held);
