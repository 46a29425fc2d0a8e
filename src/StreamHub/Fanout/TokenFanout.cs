using Microsoft.Extensions.Options;

namespace StreamHub.Fanout;

/// <summary>
/// Starts a request's fan-out: its watch buffer, and, when the request names a group, the
/// <c>GroupToken</c>/<c>GroupCompleted</c> messages to that tenant's group on every instance.
/// </summary>
internal sealed class TokenFanout(
    IWatchStore store,
    IGroupPublisher groups,
    IOptions<FanoutOptions> options,
    ILogger<TokenFanout> logger)
{
    /// <param name="afterSeq">The last seq already published (a survivor going on with another instance's request); 0 for a new request.</param>
    public FanoutSession Begin(string requestId, string tenant, string? group, long afterSeq = 0)
    {
        var watch = store.Open(requestId, tenant);
        return group is null
            ? new FanoutSession(watch, groupSender: null, afterSeq)
            : new FanoutSession(watch, new GroupSender(groups, GroupNames.For(tenant, group), group, requestId, options.Value.GroupBuffer, logger), afterSeq);
    }
}
