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
            .WithDescription(
                "Request ids are each tenant's own, so two tenants may run the same id: name the tenant with ?tenant=. "
                + "Without it the id alone is enough while only one tenant runs it; with several, 409 lists them.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    internal static Ok<AdminRequest[]> GetRequests(ActiveRequests requests, IStreamAdmission admission, TimeProvider time)
    {
        var snapshot = admission.Snapshot();

        // A waiter is named by what its limits count against (its ticket's tenant) and its id.
        var queued = new Dictionary<(string LimitKey, string Id), QueuedRequest>();
        foreach (var entry in snapshot.Entries)
        {
            queued[(entry.Tenant, entry.RequestId)] = entry;
        }

        var here = snapshot.Cluster?.Instance;
        var now = time.GetUtcNow();
        var list = requests.List()
            .OrderBy(static r => r.CreatedAt)
            .Select(r =>
            {
                var waiting = queued.GetValueOrDefault((r.LimitKey, r.Id));
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

    /// <summary>
    /// Ends the request <paramref name="id"/> of <paramref name="tenant"/>, or of the one tenant that runs that id
    /// (anonymous callers are one tenant to operators: every anonymous connection's request of that id ends).
    /// </summary>
    internal static Results<NoContent, ProblemHttpResult> Abort(string id, string? tenant, ActiveRequests requests, ILogger<ActiveRequests> logger)
    {
        var running = requests.WithId(id);
        if (tenant is not null)
        {
            running.RemoveAll(r => !string.Equals(r.Tenant, tenant, StringComparison.Ordinal));
        }

        var tenants = running.Select(static r => r.Tenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (tenants.Count > 1)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Several tenants run this id",
                detail: $"tenants {string.Join(", ", tenants)} each have a request {id} in flight; name one with ?tenant=");
        }

        var aborted = 0;
        foreach (var target in running)
        {
            if (target.Abort(ErrorCodes.Aborted, "an operator ended this request"))
            {
                aborted++;
            }
        }

        if (aborted == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown request",
                detail: "no request with that id (of that tenant) is in flight; it may have ended already");
        }

        logger.LogInformation("An operator aborted request {RequestId} of tenant {Tenant}", id, tenants[0]);
        return TypedResults.NoContent();
    }

    private static string Name(Priority priority) => priority.ToString().ToLowerInvariant();
}
