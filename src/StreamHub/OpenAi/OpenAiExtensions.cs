using StreamHub.Cors;

namespace StreamHub.OpenAi;

internal static class OpenAiExtensions
{
    /// <summary>The OpenAI-compatible front door; it calls the same <c>CompletionPipeline</c> as the hub.</summary>
    public static IHostApplicationBuilder AddOpenAiCompat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatCompletionsEndpoint>();
        return builder;
    }

    /// <summary>
    /// <c>/v1/chat/completions</c> and <c>/v1/models</c>. Authentication is the tenant bearer key, checked
    /// by the handlers themselves so that a refusal has OpenAI's error shape rather than an empty 401.
    /// </summary>
    public static IEndpointRouteBuilder MapOpenAiCompat(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1")
            .WithTags("OpenAI-compatible")
            .RequireCors(CorsExtensions.BrowserPolicy);

        v1.MapPost("/chat/completions", (HttpContext http, ChatCompletionsEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithName("CreateChatCompletion")
            .WithSummary("OpenAI chat completions through the StreamHub pipeline, streamed (stream: true) or whole.")
            .WithDescription(
                $"Bearer tenant key. Optional headers: {OpenAiHeaders.Priority} (critical|high|normal|low; lowers the tier, " +
                $"a higher ask is capped), {OpenAiHeaders.Group} (or body field group), {OpenAiHeaders.RequestId} " +
                "(or body field request_id). Errors use OpenAI's shape with the StreamHub code as error.code; " +
                "once streaming has begun, an error arrives as a data: {\"error\":…} event and the stream ends.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream", additionalContentTypes: ["application/json"])
            .Produces(StatusCodes.Status400BadRequest, contentType: "application/json")
            .Produces(StatusCodes.Status401Unauthorized, contentType: "application/json")
            .Produces(StatusCodes.Status429TooManyRequests, contentType: "application/json")
            .Produces(StatusCodes.Status503ServiceUnavailable, contentType: "application/json");

        v1.MapGet("/models", ModelsEndpoint.List)
            .WithName("ListModels")
            .WithSummary("The models the caller may use, in OpenAI's list shape, each owned_by the regions that serve it.");
        return app;
    }
}
