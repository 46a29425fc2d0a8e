using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamHub.Fanout;
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
            .Validate(
                o => o.CoalesceWindow is null || (o.CoalesceWindow >= TimeSpan.Zero && o.CoalesceWindow <= TimeSpan.FromSeconds(1)),
                "Streaming:CoalesceWindow must be between 00:00:00 and 00:00:01 (or absent for off).")
            .ValidateOnStart();
        builder.Services.AddSingleton<CompletionPipeline>();
        builder.Services.AddSingleton<ActiveRequests>();
        builder.Services.AddSingleton<IGroupPublisher, HubGroupPublisher>();
        builder.Services.AddHostedService<ShutdownNotice>();
        builder.Services.AddHostedService<ResumableTakeover>();

        var limits = builder.Configuration.GetSection(StreamingOptions.Section).Get<StreamingOptions>() ?? new StreamingOptions();
        builder.Services.AddSignalR(o =>
        {
            // A long chat history needs more than SignalR's 32 KB default; above this SignalR closes the
            // connection, below it the parser answers oversize input with invalid_request.
            o.MaximumReceiveMessageSize = limits.MaxReceiveMessageSize;
            o.EnableDetailedErrors = false;
        })
        .AddMessagePackProtocol(); // optional for clients: JSON stays the default, .NET clients may choose MessagePack

        builder.Services.UseCodedErrors();

        // A reconnect storm (thousands of clients after a deploy) overflows Kestrel's default accept
        // backlog of 512, and dropped SYNs cost clients whole seconds; the kernel caps it at somaxconn.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.Backlog = 4096);
        return builder;
    }

    /// <summary>
    /// Every error a client receives starts with its contract code (see <see cref="CodedErrorProtocol"/>),
    /// whichever protocol it speaks: each hub protocol registered by type or instance is replaced by the same
    /// protocol wrapped in <see cref="CodedErrorProtocol"/>. Idempotent, and safe to call again after anything
    /// else calls <c>AddSignalR()</c>, which re-adds the plain JSON protocol.
    /// </summary>
    public static IServiceCollection UseCodedErrors(this IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType != typeof(IHubProtocol) || descriptor.IsKeyedService)
            {
                continue;
            }

            // Wrappers are registered by factory, so neither branch sees them again.
            Func<IServiceProvider, IHubProtocol> inner;
            Type innerType;
            if (descriptor.ImplementationType is { } type)
            {
                services.TryAddSingleton(type);
                inner = sp => (IHubProtocol)sp.GetRequiredService(type);
                innerType = type;
            }
            else if (descriptor.ImplementationInstance is IHubProtocol instance)
            {
                inner = _ => instance;
                innerType = instance.GetType();
            }
            else
            {
                continue;
            }

            services.RemoveAt(i);
            if (!services.Any(d => d.ServiceType == typeof(CodedErrorMarker) && d.ImplementationInstance is CodedErrorMarker m && m.Inner == innerType))
            {
                services.AddSingleton(new CodedErrorMarker(innerType));
                services.AddSingleton<IHubProtocol>(sp => new CodedErrorProtocol(inner(sp)));
            }
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

    /// <summary>Marks that the protocol <see cref="Inner"/> is registered wrapped in the coded-error protocol.</summary>
    private sealed record CodedErrorMarker(Type Inner);
}
