using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamHub.Fanout;
using StreamHub.Identity;
using StreamHub.Validation;

namespace StreamHub.Streaming;

internal static class StreamingExtensions
{
    /// <summary>The hub, its limits and the completion pipeline both front doors call.</summary>
    public static IHostApplicationBuilder AddStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<StreamingOptions, StreamingOptionsValidator>(StreamingOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CompletionPipeline>();
        builder.Services.AddSingleton<ActiveRequests>();
        builder.Services.AddSingleton<StreamPump>();
        builder.Services.AddSingleton<GroupMembers>();
        builder.Services.AddHostedService<ShutdownNotice>();
        builder.Services.AddHostedService<AbortListener>();
        builder.Services.AddHostedService<ResumableTakeover>();

        builder.Services.AddSignalR(static o => o.EnableDetailedErrors = false)
            .AddMessagePackProtocol(); // optional for clients: JSON stays the default, .NET clients may choose MessagePack

        // A long chat history needs more than SignalR's 32 KB default; above this SignalR closes the
        // connection, below it the parser answers oversize input with invalid_request.
        builder.Services.AddOptions<HubOptions>()
            .Configure<IOptions<StreamingOptions>>(static (hub, limits) => hub.MaximumReceiveMessageSize = limits.Value.MaxReceiveMessageSize);
        builder.Services.UseCodedErrors();

        // A reconnect storm (thousands of clients after a deploy) overflows Kestrel's default accept
        // backlog of 512, and dropped SYNs cost clients whole seconds; the kernel caps it at somaxconn.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.Backlog = 4096);
        return builder;
    }

    /// <summary>
    /// Every error a client receives starts with its contract code (see <see cref="CodedErrorProtocol"/>),
    /// whichever protocol it speaks: SignalR resolves its protocols through
    /// <see cref="CodedErrorProtocolResolver"/>, which wraps each. Call it before or after <c>AddSignalR()</c>
    /// and protocol registrations, in any order (<c>AddSignalR()</c> adds its resolver only when none is).
    /// </summary>
    public static IServiceCollection UseCodedErrors(this IServiceCollection services)
    {
        services.RemoveAll<IHubProtocolResolver>();
        services.AddSingleton<IHubProtocolResolver, CodedErrorProtocolResolver>();
        return services;
    }

    public static IEndpointRouteBuilder MapStreaming(this IEndpointRouteBuilder app)
    {
        app.MapHub<StreamingHub>(ApiKeyAuthenticationHandler.HubPath, o =>
        {
            o.AllowStatefulReconnects = true;

            // A connection authenticated by a JWT ends when the token does (API keys carry no expiry).
            o.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization(IdentityClaims.HubCallerPolicy).RequireCors(Cors.CorsExtensions.BrowserPolicy);
        return app;
    }
}
