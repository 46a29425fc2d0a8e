using Microsoft.Extensions.Options;

namespace StreamHub.Fanout;

/// <summary>
/// Starts a request's fan-out: its watch buffer (opened once the request passed its limits), and, when the request names a group, the
/// <c>GroupToken</c>/<c>GroupCompleted</c> messages to that scope's group on every instance.
/// </summary>
internal sealed class TokenFanout(
    IWatchStore store,
    IGroupRelay groups,
    IOptions<FanoutOptions> options,
    ILogger<TokenFanout> logger)
{
    /// <summary>A new request's fan-out; its watch buffer opens once it has passed its limits.</summary>
    public FanoutSession Begin(string requestId, string scope, string? group) => Session(requestId, scope, group, continued: null, afterSeq: 0);

    /// <summary>
    /// A survivor's fan-out for a dead instance's request: it writes on in the request's watch buffer at once (it
    /// is watchable already) and numbers events, for watchers and the group alike, on from <paramref name="afterSeq"/>.
    /// </summary>
    public FanoutSession Continue(string requestId, string scope, string? group, long afterSeq)
        => Session(requestId, scope, group, store.Continue(requestId, scope), afterSeq);

    private FanoutSession Session(string requestId, string scope, string? group, IWatchWriter? continued, long afterSeq)
        => new(
            store,
            requestId,
            scope,
            group is null ? null : new GroupSender(groups, GroupNames.For(scope, group), group, requestId, options.Value.GroupBuffer, logger),
            continued,
            afterSeq);
}
