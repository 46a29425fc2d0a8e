namespace StreamHub.Admin;

/// <summary>
/// Security headers on every response (the pages, their scripts, the admin API). The page policy allows
/// only same-origin scripts, styles and connections (WebSockets included); Scalar's reference page at
/// <c>/scalar</c> runs an inline bootstrap script and inline styles, so it gets a looser policy of its own.
/// Added by a startup filter so it runs before static files.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    internal const string PagePolicy = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'";

    internal const string ScalarPolicy = "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; worker-src 'self' blob:";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase)
            ? ScalarPolicy
            : PagePolicy;
        return next(context);
    }

    /// <summary>Puts the middleware first in the pipeline, ahead of static files.</summary>
    internal sealed class StartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<SecurityHeaders>();
            next(app);
        };
    }
}
