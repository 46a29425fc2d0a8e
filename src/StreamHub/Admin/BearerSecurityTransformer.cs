using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StreamHub.Admin;

/// <summary>
/// Declares the bearer scheme (the admin key) in the OpenAPI document, requires it on every
/// <c>/admin</c> operation and lists the 401 and 403 answers those operations give without it.
/// </summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            In = ParameterLocation.Header,
            Description = "The operators' key (setting Admin:ApiKey) as the header 'Authorization: Bearer' followed by the key.",
        };

        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/admin", StringComparison.Ordinal) || item.Operations is null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No admin key, or an unknown key" });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "A key that is not the admin key (e.g. a tenant's)" });
            }
        }

        return Task.CompletedTask;
    }
}
