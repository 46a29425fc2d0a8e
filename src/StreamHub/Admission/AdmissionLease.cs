using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace StreamHub.Admission;

/// <summary>
/// A permit from an <see cref="IStreamAdmission"/>, or a rejection carrying the standard
/// <see cref="MetadataName.ReasonPhrase"/> (the error code) and <see cref="MetadataName.RetryAfter"/>.
/// </summary>
internal sealed class AdmissionLease : RateLimitLease
{
    private static readonly string[] RejectedNames = [MetadataName.ReasonPhrase.Name, MetadataName.RetryAfter.Name];

    private readonly Action<AdmissionLease>? _release;
    private int _disposed;

    /// <param name="release">Returns the permit; called once, on the first dispose.</param>
    /// <param name="startedAt">Timestamp (TimeProvider) when the permit was granted.</param>
    internal AdmissionLease(Action<AdmissionLease> release, long startedAt)
    {
        _release = release;
        StartedAt = startedAt;
    }

    private AdmissionLease(AdmissionRejection rejection) => Rejection = rejection;

    /// <summary>Set when the lease holds no permit.</summary>
    public AdmissionRejection? Rejection { get; }

    /// <summary>Timestamp (TimeProvider) when the permit was granted.</summary>
    internal long StartedAt { get; }

    public override bool IsAcquired => Rejection is null;

    public override IEnumerable<string> MetadataNames => Rejection is null ? [] : RejectedNames;

    internal static AdmissionLease Rejected(AdmissionRejection rejection) => new(rejection);

    /// <summary>The rejection behind any lease that holds no permit (queue_full, queue_timeout, shutting_down).</summary>
    public static bool TryGetRejection(RateLimitLease lease, [NotNullWhen(true)] out AdmissionRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(lease);
        rejection = (lease as AdmissionLease)?.Rejection;
        return rejection is not null;
    }

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (Rejection is not null)
        {
            if (metadataName == MetadataName.ReasonPhrase.Name)
            {
                metadata = Rejection.Code;
                return true;
            }

            if (metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = Rejection.RetryAfter;
                return true;
            }
        }

        metadata = null;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        // Exactly once, whoever disposes and however often: a second return would mint a permit.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _release?.Invoke(this);
        }

        base.Dispose(disposing);
    }
}
