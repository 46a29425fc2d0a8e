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
            .WithDescription(
                "Request ids are each tenant's own, so two tenants may run the same id: name the tenant with ?tenant=. "
                + "Without it the id alone is enough while only one tenant runs it; with several, 409 lists them.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    internal static Ok<AdminRequest[]> GetRequests(ActiveRequests requests, IStreamAdmission admission, TimeProvider time)
    {
        var queued = new Dictionary<RequestKey, QueuedRequest>();
        foreach (var entry in admission.Snapshot().Entries)
        {
            queued[new RequestKey(entry.Tenant, entry.RequestId)] = entry;
        }

        var now = time.GetUtcNow();
        var list = requests.List()
            .OrderBy(static r => r.CreatedAt)
            .Select(r =>
            {
                var waiting = queued.GetValueOrDefault(r.Key);
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

    /// <summary>Ends the request <paramref name="id"/> of <paramref name="tenant"/>, or of the one tenant that runs that id.</summary>
    internal static Results<NoContent, ProblemHttpResult> Abort(string id, string? tenant, ActiveRequests requests, ILogger<ActiveRequests> logger)
    {
        ActiveRequest? target = null;
        if (tenant is not null)
        {
            requests.TryGet(new RequestKey(tenant, id), out target);
        }
        else
        {
            var running = requests.WithId(id);
            if (running.Count > 1)
            {
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Several tenants run this id",
                    detail: $"tenants {string.Join(", ", running.Select(static r => r.Tenant).Order(StringComparer.Ordinal))} each have a request {id} in flight; name one with ?tenant=");
            }

            target = running.FirstOrDefault();
        }

        if (target is null || !target.Abort(ErrorCodes.Aborted, "an operator ended this request"))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown request",
                detail: "no request with that id (of that tenant) is in flight; it may have ended already");
        }

        logger.LogInformation("An operator aborted request {RequestId} of tenant {Tenant}", id, target.Tenant);
        return TypedResults.NoContent();
    }

    private static string Name(Priority priority) => priority.ToString().ToLowerInvariant();
}
