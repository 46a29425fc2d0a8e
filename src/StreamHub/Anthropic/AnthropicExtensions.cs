using StreamHub.Cors;

namespace StreamHub.Anthropic;

internal static class AnthropicExtensions
{
    /// <summary>The Anthropic-compatible front door; it calls the same <c>CompletionPipeline</c> as the hub and <c>/v1/chat/completions</c>.</summary>
    public static IHostApplicationBuilder AddAnthropicCompat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MessagesEndpoint>();
        return builder;
    }

    /// <summary>
    /// <c>/v1/messages</c>. Authentication is the tenant key as <c>x-api-key</c> or a bearer token, checked by the
    /// handler itself so that a refusal has Anthropic's error shape rather than an empty 401.
    /// </summary>
    public static IEndpointRouteBuilder MapAnthropicCompat(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/messages", (HttpContext http, MessagesEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithTags("Anthropic-compatible")
            .RequireCors(CorsExtensions.BrowserPolicy)
            .WithName("CreateMessage")
            .WithSummary("Anthropic's Messages API through the StreamHub pipeline, streamed (stream: true) or whole, from any region's dialect.")
            .WithDescription(
                "Tenant key as x-api-key or Authorization: Bearer. Optional headers as on /v1/chat/completions: X-StreamHub-Priority, " +
                "X-StreamHub-Group, X-Request-Id. Errors use Anthropic's shape ({\"type\":\"error\",\"error\":{\"type\",\"message\"}}) with the " +
                "StreamHub code leading the message; once streaming has begun, an error arrives as an error event and the stream ends.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream", additionalContentTypes: ["application/json"])
            .Produces(StatusCodes.Status400BadRequest, contentType: "application/json")
            .Produces(StatusCodes.Status401Unauthorized, contentType: "application/json")
            .Produces(StatusCodes.Status404NotFound, contentType: "application/json")
            .Produces(StatusCodes.Status413PayloadTooLarge, contentType: "application/json")
            .Produces(StatusCodes.Status429TooManyRequests, contentType: "application/json")
            .Produces(AnthropicError.Overloaded, contentType: "application/json");
        return app;
    }
}
