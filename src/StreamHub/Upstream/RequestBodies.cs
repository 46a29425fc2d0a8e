namespace StreamHub.Upstream;

/// <summary>
/// One open's request bodies: each is written once per upstream model name and sent by every attempt (retries,
/// hedges, failover) that asks for that name, so regions that call the model differently each get their own.
/// </summary>
internal sealed class RequestBodies(UpstreamCall call)
{
    private readonly Lock _gate = new();

    // Usually one name; a few when regions map the model differently.
    private readonly List<(string Model, byte[] Body)> _written = new(1);

    public UpstreamCall Call => call;

    public byte[] For(string model)
    {
        lock (_gate)
        {
            foreach (var (name, body) in _written)
            {
                if (name == model)
                {
                    return body;
                }
            }

            var written = call.ToRequestBody(model);
            _written.Add((model, written));
            return written;
        }
    }
}
