using Microsoft.Extensions.Options;

namespace StreamHub.Fanout;

/// <summary>
/// Starts a request's fan-out: its watch buffer (opened once the request passed its limits), and, when the request names a group, the
/// <c>GroupToken</c>/<c>GroupCompleted</c> messages to that tenant's group on every instance.
/// </summary>
internal sealed class TokenFanout(
    IWatchStore store,
    IGroupRelay groups,
    IOptions<FanoutOptions> options,
    ILogger<TokenFanout> logger)
{
    public FanoutSession Begin(string requestId, string tenant, string? group)
    {
        return group is null
            ? new FanoutSession(store, requestId, tenant, groupSender: null)
            : new FanoutSession(store, requestId, tenant, new GroupSender(groups, GroupNames.For(tenant, group), group, requestId, options.Value.GroupBuffer, logger));
    }
}
