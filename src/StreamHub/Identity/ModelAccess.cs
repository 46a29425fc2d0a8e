namespace StreamHub.Identity;

/// <summary>
/// Which client-facing models a caller may use: the list its identity carries (a JWT's
/// <c>Identity:Jwt:ModelsClaim</c>), else its configured tenant's <c>Tenants:N:Models</c> (as limits are found by
/// the tenant's name), else any. Both front doors and <c>/v1/models</c> ask here.
/// </summary>
internal sealed class ModelAccess(ApiKeyDirectory tenants)
{
    /// <summary>The models <paramref name="caller"/> may use; null: any.</summary>
    public IReadOnlyCollection<string>? AllowedModels(Caller caller)
    {
        if (caller.Models is { } listed)
        {
            return listed;
        }

        return !caller.IsAnonymous && tenants.FindByName(caller.Tenant) is { Models.Count: > 0 } tenant ? tenant.Models : null;
    }
}
