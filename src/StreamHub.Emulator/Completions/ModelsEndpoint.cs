using StreamHub.Emulator.Access;
using StreamHub.Emulator.Recording;

namespace StreamHub.Emulator.Completions;

/// <summary><c>GET /v1/models</c>: the models this emulated provider knows, behind the same credential checks; logged like every <c>/v1</c> request.</summary>
internal sealed class ModelsEndpoint(EmulatorState state, ProviderGate gate, TimeProvider time)
{
    public async Task HandleAsync(HttpContext http)
    {
        var record = RequestCapture.Describe(http, []);
        if (gate.CredentialFailure(http.Request) is { } failure)
        {
            state.Record(record with { Status = 401 });
            await OpenAiErrors.WriteAsync(http, new OpenAiError(401, "invalid_request_error", "invalid_api_key", null, failure), http.RequestAborted);
            return;
        }

        state.Record(record);
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var list = new ModelList("list", [.. gate.ListedModels.Select(m => new ModelCard(m, "model", created, "streamhub-emulator"))]);
        await TypedResults.Json(list, OpenAiJsonContext.Default.ModelList).ExecuteAsync(http);
    }
}
