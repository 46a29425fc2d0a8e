namespace StreamHub.Fanout;

/// <summary>SignalR group names are scoped by tenant, so a tenant can only ever reach its own groups.</summary>
internal static class GroupNames
{
    public static string For(string tenant, string group) => tenant + "/" + group;
}
