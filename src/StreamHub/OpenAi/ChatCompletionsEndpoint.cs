using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the second front door. It only translates: OpenAI's body and the
/// StreamHub headers into a <see cref="CompletionRequest"/>, <see cref="CompletionPipeline"/>'s tokens into
/// <c>chat.completion.chunk</c> events (or one <c>chat.completion</c>), and failures into OpenAI's error
/// shape (<see cref="FailAsync"/>). The response starts only when the first token (or the end) arrives, so
/// every failure before it (queue_full, rate_limited, upstream errors after retries) still gets its real
/// HTTP status; a failure after it is an SSE <c>error</c> event. What a disconnect does to the upstream
/// (<c>resumable</c> included) is the pipeline's to decide.
/// </summary>
internal sealed class ChatCompletionsEndpoint(
    CompletionPipeline pipeline,
    CallerResolver callers,
    IOptions<StreamingOptions> limits,
    ModelCatalog catalog,
    TimeProvider time,
    ILogger<ChatCompletionsEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        CompletionRequest? request = null;
        IDisposable? scope = null;
        IAsyncEnumerator<string>? tokens = null;
        CompletionWriter? events = null;
        try
        {
            var caller = ResolveCaller(http, callers);
            var body = await OpenAiBody.ReadAsync(http.Request, limits.Value, cancellationToken);
            request = body.Request;
            scope = logger.BeginScope(new RequestLogScope(request.RequestId, caller.Tenant));
            var progress = new CompletionProgress();
            tokens = pipeline.RunAsync(request, caller, progress, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var any = await tokens.MoveNextAsync();

            // The answer names the model that answered, as its region knows it (a fallback's, a mapped name).
            var model = progress.UpstreamModel ?? request.Model ?? catalog.DefaultModel;
            if (body.Stream)
            {
                events = StartEvents(http, request, model, progress);
                await StreamAsync(http, body, events, tokens, any, progress);
            }
            else
            {
                await CompleteAsync(http, request, model, tokens, any, progress);
            }
        }
        catch (Exception ex) when (ex is not BadHttpRequestException)
        {
            // Kestrel answers a body it could not read (too large, cut short) with its own status.
            await FailAsync(http, request, events, ex);
        }
        finally
        {
            // Leaving the enumeration ends the request, or lets a resumable one go on for its watchers.
            if (tokens is not null)
            {
                await tokens.DisposeAsync();
            }

            if (events is not null)
            {
                await events.DisposeAsync();
            }

            scope?.Dispose();
        }
    }

    /// <summary>
    /// The front door's one translation of a failure into OpenAI's wire form: before the response has
    /// started, OpenAI's error body with the code's HTTP status (and <c>Retry-After</c>); once events have been
    /// sent, an SSE <c>error</c> event, after which the stream ends without <c>[DONE]</c>. The caller's own
    /// disconnect ends it quietly; a failure without a code is logged and sent as <c>upstream_error</c>.
    /// </summary>
    private async Task FailAsync(HttpContext http, CompletionRequest? request, CompletionWriter? events, Exception ex)
    {
        var cancellationToken = http.RequestAborted;
        StreamHubException failure;
        switch (ex)
        {
            case StreamHubException coded:
                failure = coded;
                break;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return;
            default:
                logger.LogError(ex, "Request {RequestId} failed unexpectedly", request?.RequestId);
                failure = new StreamHubException(ErrorCodes.UpstreamError, "the stream failed unexpectedly; retry");
                break;
        }

        if (events is not null)
        {
            await events.ErrorAsync(failure, cancellationToken);
        }
        else if (!http.Response.HasStarted)
        {
            if (request is not null)
            {
                http.Response.Headers[OpenAiHeaders.RequestId] = request.RequestId;
            }

            await new OpenAiError(failure).ExecuteAsync(http);
        }
    }

    private CompletionWriter StartEvents(HttpContext http, CompletionRequest request, string model, CompletionProgress progress)
    {
        StartResponse(http, request, progress, "text/event-stream; charset=utf-8");

        // Proxies (nginx) must pass each event on as it is written; DisableBuffering makes a response
        // compression body (should one ever be added) flush every write instead of holding events back.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new CompletionWriter(http.Response.BodyWriter, request.RequestId, model, time.GetUtcNow().ToUnixTimeSeconds());
    }

    private static async Task StreamAsync(
        HttpContext http, OpenAiBody body, CompletionWriter events, IAsyncEnumerator<string> tokens, bool any, CompletionProgress progress)
    {
        var cancellationToken = http.RequestAborted;
        await events.RoleAsync(cancellationToken);
        while (any)
        {
            var flushed = await events.TokenAsync(tokens.Current, cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                // The client is gone: stop reading and leave the enumeration to the pipeline.
                return;
            }

            any = await tokens.MoveNextAsync();
        }

        await events.FinishAsync(FinishReason(body.Request, progress), cancellationToken);
        if (body.IncludeUsage && progress.Usage is { } usage)
        {
            await events.UsageAsync(usage, cancellationToken);
        }

        await events.DoneAsync(cancellationToken);
    }

    private async Task CompleteAsync(
        HttpContext http, CompletionRequest request, string model, IAsyncEnumerator<string> tokens, bool any, CompletionProgress progress)
    {
        var text = new StringBuilder();
        while (any)
        {
            text.Append(tokens.Current);
            any = await tokens.MoveNextAsync();
        }

        StartResponse(http, request, progress, "application/json");
        await using var writer = new CompletionWriter(http.Response.BodyWriter, request.RequestId, model, time.GetUtcNow().ToUnixTimeSeconds());
        await writer.CompletionAsync(text.ToString(), FinishReason(request, progress), progress.Usage, http.RequestAborted);
    }

    private static void StartResponse(HttpContext http, CompletionRequest request, CompletionProgress progress, string contentType)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.Headers[OpenAiHeaders.RequestId] = request.RequestId;
        if (progress.Region is { } region)
        {
            http.Response.Headers[OpenAiHeaders.Region] = region;
        }

        if (progress.Model is { } model)
        {
            http.Response.Headers[OpenAiHeaders.Model] = model;
        }
    }

    /// <summary>
    /// The tenant from the bearer key, as the hub decides it: an unknown key is refused even when anonymous
    /// callers are allowed, and the operators' key is not a tenant.
    /// </summary>
    internal static Caller ResolveCaller(HttpContext http, CallerResolver callers)
    {
        if (ApiKeyAuthenticationHandler.PresentedKey(http.Request) is not null && !http.User.HasClaim(c => c.Type == IdentityClaims.Tenant))
        {
            throw http.User.IsInRole(IdentityClaims.AdminRole)
                ? new StreamHubException(ErrorCodes.Forbidden, "the operator key is for /admin; stream with a tenant key")
                : new StreamHubException(ErrorCodes.Unauthorized, "the API key is not known; send a tenant key as Authorization: Bearer <key>");
        }

        return callers.Resolve(http.User);
    }

    /// <summary>
    /// The upstream's own finish reason; when it gave none (a stream that ended on [DONE] alone), a
    /// completion that used every token it was allowed stopped for length, anything else by itself.
    /// </summary>
    private static string FinishReason(CompletionRequest request, CompletionProgress progress)
        => progress.FinishReason
            ?? (request.MaxTokens is { } max && progress.Usage is { } usage && usage.CompletionTokens >= max ? "length" : "stop");
}
