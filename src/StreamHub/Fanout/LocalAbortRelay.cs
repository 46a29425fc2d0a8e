using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>One instance: every request runs here, so there is nobody else to tell.</summary>
internal sealed class LocalAbortRelay : IAbortRelay
{
    public Task<bool> RelayAsync(RequestKey key) => Task.FromResult(false);

    public void Listen(Func<RequestKey, bool> abort)
    {
    }

    public void Stop()
    {
    }
}
