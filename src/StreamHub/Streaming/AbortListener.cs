using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Streaming;

/// <summary>
/// Hears the tenants' aborts that other instances relay (<see cref="IAbortRelay"/>) and ends this instance's request
/// of that tenant and id, if it runs here. A hosted service: listening starts with the host, not at registration.
/// </summary>
internal sealed class AbortListener(IAbortRelay relay, ActiveRequests requests) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        relay.Listen(key => requests.TryAbort(key, ErrorCodes.Aborted, ActiveRequests.EndedByTenant));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        relay.Stop();
        return Task.CompletedTask;
    }
}
