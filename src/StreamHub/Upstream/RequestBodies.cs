using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One open's request bodies: each is written once per upstream model name and dialect and sent by every attempt
/// (retries, hedges, failover) that asks for that name in that dialect, so regions that call the model differently,
/// or speak another wire format, each get their own.
/// </summary>
internal sealed class RequestBodies(UpstreamCall call)
{
    private readonly Lock _gate = new();

    // Usually one name; a few when regions map the model differently or speak another dialect.
    private readonly List<(string Model, Dialect Dialect, byte[] Body)> _written = new(1);

    public UpstreamCall Call => call;

    public byte[] For(string model, Dialect dialect = Dialect.OpenAi)
    {
        lock (_gate)
        {
            foreach (var (name, spoken, body) in _written)
            {
                if (name == model && spoken == dialect)
                {
                    return body;
                }
            }

            var written = call.ToRequestBody(model, dialect);
            _written.Add((model, dialect, written));
            return written;
        }
    }
}
