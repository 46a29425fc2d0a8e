using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.OpenAi;

/// <summary>
/// <c>GET /v1/models</c>: the client-facing models the caller may use (<c>Upstream:Model</c> first, then every name a
/// region maps, within the caller's <c>Tenants:N:Models</c>), in OpenAI's list shape, each <c>owned_by</c> the regions
/// that serve it. A region without <c>Models</c> serves any name as asked, so with one the list is what is configured,
/// not all a caller may ask for.
/// </summary>
internal static class ModelsEndpoint
{
    public static Results<JsonHttpResult<ModelList>, OpenAiError> List(HttpContext http, CallerResolver callers, ModelAccess access, ModelCatalog catalog)
    {
        Caller caller;
        try
        {
            caller = callers.Resolve(http, ChatCompletionsEndpoint.OpenAiKeyHint);
        }
        catch (StreamHubException ex)
        {
            return new OpenAiError(ex);
        }

        var cards = new List<ModelCard>();
        foreach (var name in catalog.Listed(access.AllowedModels(caller)))
        {
            var owners = catalog.Find(name)!.Selector.Regions.Select(static r => r.Name);
            cards.Add(new ModelCard(name, "model", 0, string.Join(",", owners)));
        }

        return TypedResults.Json(new ModelList("list", cards), OpenAiJsonContext.Default.ModelList);
    }
}
