using System.Threading.RateLimiting;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// A permit this instance holds, whichever pool granted it: what a rejoin registers in Redis and what the
/// fallback pool counts while Redis is unreachable (<see cref="Shadow"/>).
/// </summary>
internal sealed class LocalPermit(string id, AdmissionTicket ticket)
{
    public string Id { get; } = id;

    public AdmissionTicket Ticket { get; } = ticket;

    /// <summary>The fallback pool's lease that counts this permit there; null while none does.</summary>
    public RateLimitLease? Shadow { get; set; }
}
