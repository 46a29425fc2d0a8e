using System.Collections;

namespace StreamHub.Streaming;

/// <summary>
/// The logging scope every front door opens around a request's enumeration, so every line logged on its
/// behalf (upstream attempts, retries, breakers, fan-out) carries its request id and tenant. The scope
/// flows through the async iterators because they run on the front door's execution context.
/// </summary>
internal sealed class RequestLogScope(string requestId, string tenant) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", requestId),
        1 => new("Tenant", tenant),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"RequestId:{requestId} Tenant:{tenant}";
}
