namespace StreamHub.Admission;

/// <summary>
/// A tenant's hold on one request: dispose it when the stream ends to give back the concurrency slot;
/// report real usage with <see cref="Correct"/> (before or after disposing).
/// </summary>
internal interface ITenantLease : IDisposable
{
    /// <summary>Replaces the charged tokens with the real count; calling again replaces it again.</summary>
    void Correct(int actualTokens);
}
