namespace StreamHub.Admin;

/// <summary>One client-facing model: the regions that serve it (in the catalog's order) and its fallbacks, in order.</summary>
public sealed record AdminModel(string Name, IReadOnlyList<AdminModelRegion> Regions, IReadOnlyList<string> Fallbacks);
