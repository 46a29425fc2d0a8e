using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamHub.Identity;

namespace StreamHub.Streaming;

internal static class StreamingExtensions
{
    /// <summary>The hub, its limits and the completion pipeline both front doors call.</summary>
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StreamingOptions>()
            .BindConfiguration(StreamingOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CompletionPipeline>();
        builder.Services.AddSingleton<ActiveRequests>();
        builder.Services.AddHostedService<ShutdownNotice>();

        var limits = builder.Configuration.GetSection(StreamingOptions.Section).Get<StreamingOptions>() ?? new StreamingOptions();
        builder.Services.AddSignalR(o =>
        {
            // A long chat history needs more than SignalR's 32 KB default; above this SignalR closes the
            // connection, below it the parser answers oversize input with invalid_request.
            o.MaximumReceiveMessageSize = limits.MaxReceiveMessageSize;
            o.EnableDetailedErrors = false;
        });

        builder.Services.UseCodedErrors();
        return builder;
    }

    /// <summary>
    /// Every error a client receives starts with its contract code (see <see cref="CodedErrorProtocol"/>).
    /// Idempotent, and safe to call again after anything else calls <c>AddSignalR()</c>, which re-adds the
    /// plain JSON protocol.
    /// </summary>
    public static IServiceCollection UseCodedErrors(this IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHubProtocol) && services[i].ImplementationType == typeof(JsonHubProtocol))
            {
                services.RemoveAt(i);
            }
        }

        if (!services.Any(d => d.ServiceType == typeof(CodedErrorMarker)))
        {
            services.AddSingleton<CodedErrorMarker>();
            services.AddSingleton<IHubProtocol>(sp => new CodedErrorProtocol(
                new JsonHubProtocol(sp.GetRequiredService<IOptions<JsonHubProtocolOptions>>())));
        }

        return services;
    }

    public static IEndpointRouteBuilder MapStreaming(this IEndpointRouteBuilder app)
    {
        app.MapHub<StreamingHub>(ApiKeyAuthenticationHandler.HubPath, o =>
        {
            o.AllowStatefulReconnects = true;
        }).RequireAuthorization(IdentityClaims.HubCallerPolicy).RequireCors(Cors.CorsExtensions.BrowserPolicy);
        return app;
    }

    /// <summary>Marks that the coded-error protocol is registered.</summary>
    private sealed class CodedErrorMarker;
}
