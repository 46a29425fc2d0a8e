using Microsoft.Extensions.Options;
using StreamHub.Validation;
using AspNetCorsOptions = Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions;

namespace StreamHub.Cors;

internal static class CorsExtensions
{
    /// <summary>The policy the browser-facing endpoints (hub, OpenAI-compatible front door) require.</summary>
    public const string BrowserPolicy = "browsers";

    /// <summary>Headers a page may read from a response (the rest stay hidden from script).</summary>
    private static readonly string[] Exposed = ["Retry-After", "X-Request-Id", "X-StreamHub-Region"];

    /// <summary>
    /// The <see cref="BrowserPolicy"/> built from <c>Cors:AllowedOrigins</c>. Any header and method (the
    /// SignalR and OpenAI clients send their own); credentials allowed because the JavaScript SignalR client
    /// negotiates with them, which is safe here since StreamHub authenticates by bearer key, not cookie.
    /// </summary>
    public static IHostApplicationBuilder AddBrowserCors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AllowedOriginsOptions, AllowedOriginsOptionsValidator>(AllowedOriginsOptions.Section);
        builder.Services.AddCors();
        builder.Services.AddOptions<AspNetCorsOptions>()
            .Configure<IOptions<AllowedOriginsOptions>, IHostEnvironment>((cors, allowed, environment) =>
            {
                var origins = new HashSet<string>(allowed.Value.AllowedOrigins, StringComparer.OrdinalIgnoreCase);
                var loopbackInDevelopment = origins.Count == 0 && environment.IsDevelopment();
                cors.AddPolicy(BrowserPolicy, policy => policy
                    .SetIsOriginAllowed(origin => origins.Contains(origin) || (loopbackInDevelopment && AllowedOriginsOptions.IsLoopback(origin)))
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .AllowCredentials()
                    .WithExposedHeaders(Exposed)
                    .SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
            });
        return builder;
    }

    /// <summary>
    /// The CORS middleware: it answers preflights and adds the headers for endpoints that
    /// <c>RequireCors(BrowserPolicy)</c>; it must run before authentication so a preflight needs no key.
    /// </summary>
    public static IApplicationBuilder UseBrowserCors(this IApplicationBuilder app) => app.UseCors();
}
