namespace StreamHub.Fanout;

/// <summary>
/// SignalR group names are scoped by the caller's scope (its tenant, or one anonymous connection), so a caller can
/// only ever reach its own groups. Neither a scope nor a group name can hold the '/' between them.
/// </summary>
internal static class GroupNames
{
    public static string For(string scope, string group) => scope + "/" + group;
}
