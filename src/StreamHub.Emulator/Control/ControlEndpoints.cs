using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace StreamHub.Emulator.Control;

/// <summary>The <c>/emulator/*</c> endpoints tests use to script faults and read what happened.</summary>
internal static class ControlEndpoints
{
    public static void MapControl(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/emulator").WithTags("Emulator control");
        group.MapGet("/stats", (EmulatorState state) => TypedResults.Json(state.GetStats(), EmulatorJsonContext.Default.EmulatorStats))
            .WithName("EmulatorStats").WithSummary("Open, total, completed and aborted chat-completion requests.");
        group.MapGet("/requests", (EmulatorState state, string? path, int? last) =>
            {
                IEnumerable<EmulatorRequestRecord> records = state.GetRequests();
                records = path is null ? records : records.Where(r => r.Path == path);
                IReadOnlyList<EmulatorRequestRecord> list = last is > 0 ? [.. records.TakeLast(last.Value)] : [.. records];
                return TypedResults.Json(list, EmulatorJsonContext.Default.IReadOnlyListEmulatorRequestRecord);
            })
            .WithName("EmulatorRequests")
            .WithSummary("The last 1000 requests to /v1/* (body, headers, query, parsed chat), oldest first; ?path= filters, ?last=N keeps the newest N.");
        group.MapPost("/script", SetScriptAsync)
            .WithName("EmulatorSetScript").WithSummary("Replaces the fault script: the next requests take these specs in order.");
        group.MapDelete("/script", (EmulatorState state) =>
        {
            state.ClearScript();
            return TypedResults.NoContent();
        }).WithName("EmulatorClearScript").WithSummary("Clears the fault script.");
        group.MapPost("/reset", (EmulatorState state) =>
        {
            state.Reset();
            return TypedResults.NoContent();
        }).WithName("EmulatorReset").WithSummary("Clears the script, the request log and the counters (not open streams).");
    }

    private static async Task<Results<JsonHttpResult<ScriptAccepted>, ProblemHttpResult>> SetScriptAsync(
        HttpContext http, EmulatorState state)
    {
        if (!state.FaultsAllowed)
        {
            return TypedResults.Problem("Fault injection is off (Emulator:AllowFaultDirectives=false).", statusCode: StatusCodes.Status403Forbidden);
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, EmulatorJsonContext.Default.ScriptRequest, http.RequestAborted);
            if (body?.Faults is null)
            {
                return TypedResults.Problem("The body must be {\"faults\": [\"spec\", ...]}.", statusCode: StatusCodes.Status400BadRequest);
            }

            state.SetScript(body.Faults);
            return TypedResults.Json(new ScriptAccepted(body.Faults.Count), EmulatorJsonContext.Default.ScriptAccepted);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
