using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Streaming;

namespace StreamHub.Admin;

internal static class RequestEndpoints
{
    public static RouteGroupBuilder MapRequests(this RouteGroupBuilder group)
    {
        group.MapGet("/requests", GetRequests)
            .WithName("GetRequests")
            .WithSummary("Requests in flight, queued and streaming: id, tenant, priority, age, region, tokens so far");
        group.MapDelete("/requests/{id}", Abort)
            .WithName("AbortRequest")
            .WithSummary("End a request: its caller gets 'aborted:'; a queued one leaves the queue")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static Ok<AdminRequest[]> GetRequests(ActiveRequests requests, IStreamAdmission admission, TimeProvider time)
    {
        var queued = new Dictionary<string, QueuedRequest>(StringComparer.Ordinal);
        foreach (var entry in admission.Snapshot().Entries)
        {
            queued[entry.RequestId] = entry;
        }

        var now = time.GetUtcNow();
        var list = requests.List()
            .OrderBy(static r => r.CreatedAt)
            .Select(r =>
            {
                var waiting = queued.GetValueOrDefault(r.Id);
                var state = r.Started ? "streaming" : waiting is not null ? "queued" : "starting";
                return new AdminRequest(
                    r.Id,
                    r.Tenant,
                    Name(r.Priority),
                    waiting is null ? null : Name(waiting.EffectivePriority),
                    state,
                    waiting?.Position,
                    Math.Round((now - r.CreatedAt).TotalMilliseconds),
                    r.Region,
                    r.Tokens);
            })
            .ToArray();
        return TypedResults.Ok(list);
    }

    internal static Results<NoContent, ProblemHttpResult> Abort(string id, ActiveRequests requests, ILogger<ActiveRequests> logger)
    {
        if (!requests.TryAbort(id, ErrorCodes.Aborted, "an operator ended this request"))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown request",
                detail: "no request with that id is in flight; it may have ended already");
        }

        logger.LogInformation("An operator aborted request {RequestId}", id);
        return TypedResults.NoContent();
    }

    private static string Name(Priority priority) => priority.ToString().ToLowerInvariant();
}
