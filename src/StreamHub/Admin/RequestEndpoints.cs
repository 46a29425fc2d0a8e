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
            .WithSummary("Requests in flight, queued and streaming: id, tenant, priority, age, region, tokens so far; with cluster admission every instance's, each with its instance");
        group.MapDelete("/requests/{id}", Abort)
            .WithName("AbortRequest")
            .WithSummary("End a request: its caller gets 'aborted:'; a queued one leaves the queue")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static Ok<AdminRequest[]> GetRequests(ActiveRequests requests, IStreamAdmission admission, TimeProvider time)
    {
        var snapshot = admission.Snapshot();
        var queued = new Dictionary<string, QueuedRequest>(StringComparer.Ordinal);
        foreach (var entry in snapshot.Entries)
        {
            queued[entry.RequestId] = entry;
        }

        var here = snapshot.Cluster?.Instance;
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
                    r.Tokens,
                    here);
            })
            .ToList();
        if (snapshot.Cluster is { } cluster)
        {
            // The cluster's other instances: their permit holders and waiters, as far as Redis knows them.
            foreach (var held in cluster.Held)
            {
                if (held.Instance != here)
                {
                    list.Add(new AdminRequest(held.RequestId, held.Tenant, Name(held.Priority), null, "streaming", null, Math.Round(held.Age.TotalMilliseconds), null, 0, held.Instance));
                }
            }

            foreach (var entry in snapshot.Entries)
            {
                if (entry.Instance != here)
                {
                    list.Add(new AdminRequest(
                        entry.RequestId, entry.Tenant, Name(entry.Priority), Name(entry.EffectivePriority), "queued", entry.Position, Math.Round(entry.Age.TotalMilliseconds), null, 0, entry.Instance));
                }
            }
        }

        return TypedResults.Ok(list.ToArray());
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
