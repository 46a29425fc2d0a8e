using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using StreamHub.Identity;
using StreamHub.Validation;

namespace StreamHub.Admin;

internal static class AdminExtensions
{
    /// <summary>
    /// The operators' API: the <c>Admin</c> settings, the live admission limits, ProblemDetails, the
    /// OpenAPI document (with the bearer scheme) and the security headers on every response.
    /// </summary>
    public static IHostApplicationBuilder AddAdmin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AdminOptions, AdminOptionsValidator>(AdminOptions.Section);
        builder.Services.AddSingleton<AdmissionLimitsEditor>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityTransformer>());
        builder.Services.AddTransient<IStartupFilter, SecurityHeaders.StartupFilter>();
        return builder;
    }

    /// <summary>
    /// <c>/admin/*</c> (admin key only), <c>/openapi/v1.json</c> and <c>/scalar</c> (public only when
    /// <c>Admin:PublicApiDocs</c> is true; by default only in Development).
    /// </summary>
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin")
            .WithTags("Admin")
            .RequireAuthorization(IdentityClaims.AdminPolicy);
        group.MapStats();
        group.MapRegions();
        group.MapModels();
        group.MapRequests();
        group.MapLimits();

        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var publicDocs = app.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value.PublicApiDocs ?? environment.IsDevelopment();
        var openApi = app.MapOpenApi();
        var scalar = app.MapScalarApiReference("/scalar", options => options
            .WithTitle("StreamHub API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes(BearerSecurityTransformer.SchemeName));
        if (!publicDocs)
        {
            openApi.RequireAuthorization(IdentityClaims.AdminPolicy);
            scalar.RequireAuthorization(IdentityClaims.AdminPolicy);
        }

        return app;
    }
}
