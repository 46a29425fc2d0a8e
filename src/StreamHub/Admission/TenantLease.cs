namespace StreamHub.Admission;

/// <summary>
/// A tenant's hold on one request: dispose it when the stream ends to give back the concurrency slot;
/// report real usage with <see cref="Correct"/> (before or after disposing).
/// </summary>
internal sealed class TenantLease : ITenantLease
{
    private readonly TenantLimits _owner;
    private readonly TenantLimits.TenantState _state;
    private int _disposed;

    internal TenantLease(TenantLimits owner, TenantLimits.TenantState state, long windowId, long charged)
    {
        _owner = owner;
        _state = state;
        WindowId = windowId;
        Charged = charged;
    }

    internal long WindowId { get; }

    /// <summary>Tokens currently charged for this request: the estimate, then the last correction.</summary>
    internal long Charged { get; set; }

    /// <summary>Replaces the charged tokens with the real count; calling again replaces it again.</summary>
    public void Correct(int actualTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        _owner.Correct(this, _state, actualTokens);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Release(_state);
        }
    }
}
