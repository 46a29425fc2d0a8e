using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.OpenAi;

/// <summary>
/// <c>GET /v1/models</c>: the models this StreamHub is configured to send upstream, in OpenAI's list shape.
/// Today that is <c>Upstream:Model</c>, the one used when a request names none; a request may still name
/// another model, which is passed upstream as it is.
/// </summary>
internal static class ModelsEndpoint
{
    public static Results<JsonHttpResult<ModelList>, OpenAiError> List(HttpContext http, CallerResolver callers, IOptions<UpstreamOptions> upstream)
    {
        try
        {
            _ = ChatCompletionsEndpoint.ResolveCaller(http, callers);
        }
        catch (StreamHubException ex)
        {
            return new OpenAiError(ex);
        }

        var card = new ModelCard(upstream.Value.Model, "model", 0, "streamhub");
        return TypedResults.Json(new ModelList("list", [card]), OpenAiJsonContext.Default.ModelList);
    }
}
