namespace StreamHub.Admin;

/// <summary>
/// What <c>GET /admin/models</c> answers: the model a request without one gets, the regions that serve any name as
/// asked (no <c>Models</c>), and each listed client-facing model.
/// </summary>
public sealed record AdminModelCatalog(string DefaultModel, IReadOnlyList<string> AnyNameRegions, IReadOnlyList<AdminModel> Models);
