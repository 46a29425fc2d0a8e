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
/// StreamHub headers into a <see cref="CompletionRequest"/>, and <see cref="CompletionPipeline"/>'s tokens
/// into <c>chat.completion.chunk</c> events (or one <c>chat.completion</c>). The response starts only when
/// the first token (or the end) arrives, so every failure before it (queue_full, rate_limited, upstream
/// errors after retries) still gets its real HTTP status; a failure after it is an SSE <c>error</c> event.
/// </summary>
internal sealed class ChatCompletionsEndpoint(
    CompletionPipeline pipeline,
    CallerResolver callers,
    IOptions<StreamingOptions> limits,
    IOptions<UpstreamOptions> upstream,
    TimeProvider time,
    ILogger<ChatCompletionsEndpoint> logger)
{
    public async Task HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        CompletionRequest request;
        Caller caller;
        OpenAiBody body;
        try
        {
            caller = ResolveCaller(http, callers);
            body = await OpenAiBody.ReadAsync(http.Request, limits.Value, cancellationToken);
            request = body.Request;
        }
        catch (StreamHubException ex)
        {
            await new OpenAiError(ex).ExecuteAsync(http);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var progress = new Progress();
        var model = request.Model ?? upstream.Value.Model;
        using var scope = logger.BeginScope(new RequestLogScope(request.RequestId, caller.Tenant));
        var tokens = pipeline.RunAsync(request, caller, progress, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using var _ = tokens;
        bool any;
        try
        {
            any = await tokens.MoveNextAsync();
        }
        catch (StreamHubException ex)
        {
            http.Response.Headers[OpenAiHeaders.RequestId] = request.RequestId;
            await new OpenAiError(ex).ExecuteAsync(http);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Request {RequestId} failed unexpectedly", request.RequestId);
            await new OpenAiError(Unexpected()).ExecuteAsync(http);
            return;
        }

        if (body.Stream)
        {
            await StreamAsync(http, request, body, model, tokens, any, progress);
        }
        else
        {
            await CompleteAsync(http, request, model, tokens, any, progress);
        }
    }

    private async Task StreamAsync(
        HttpContext http, CompletionRequest request, OpenAiBody body, string model, IAsyncEnumerator<string> tokens, bool any, Progress progress)
    {
        var cancellationToken = http.RequestAborted;
        StartResponse(http, request, progress, "text/event-stream; charset=utf-8");

        // Proxies (nginx) must pass each event on as it is written; DisableBuffering makes a response
        // compression body (should one ever be added) flush every write instead of holding events back.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await using var writer = new CompletionWriter(http.Response.BodyWriter, request.RequestId, model, time.GetUtcNow().ToUnixTimeSeconds());
        await writer.RoleAsync(cancellationToken);
        try
        {
            while (any)
            {
                var flushed = await writer.TokenAsync(tokens.Current, cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    // The client is gone; leaving the loop disposes the enumeration and ends the upstream.
                    return;
                }

                any = await tokens.MoveNextAsync();
            }
        }
        catch (StreamHubException ex)
        {
            await writer.ErrorAsync(ex, cancellationToken);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Stream {RequestId} failed unexpectedly", request.RequestId);
            await writer.ErrorAsync(Unexpected(), cancellationToken);
            return;
        }

        await writer.FinishAsync(FinishReason(request, progress), cancellationToken);
        if (body.IncludeUsage && progress.Usage is { } usage)
        {
            await writer.UsageAsync(usage, cancellationToken);
        }

        await writer.DoneAsync(cancellationToken);
    }

    private async Task CompleteAsync(
        HttpContext http, CompletionRequest request, string model, IAsyncEnumerator<string> tokens, bool any, Progress progress)
    {
        var cancellationToken = http.RequestAborted;
        var text = new StringBuilder();
        try
        {
            while (any)
            {
                text.Append(tokens.Current);
                any = await tokens.MoveNextAsync();
            }
        }
        catch (StreamHubException ex)
        {
            http.Response.Headers[OpenAiHeaders.RequestId] = request.RequestId;
            await new OpenAiError(ex).ExecuteAsync(http);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        StartResponse(http, request, progress, "application/json");
        await using var writer = new CompletionWriter(http.Response.BodyWriter, request.RequestId, model, time.GetUtcNow().ToUnixTimeSeconds());
        await writer.CompletionAsync(text.ToString(), FinishReason(request, progress), progress.Usage, cancellationToken);
    }

    private static void StartResponse(HttpContext http, CompletionRequest request, Progress progress, string contentType)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.Headers[OpenAiHeaders.RequestId] = request.RequestId;
        if (progress.Region is { } region)
        {
            http.Response.Headers[OpenAiHeaders.Region] = region;
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
    private static string FinishReason(CompletionRequest request, Progress progress)
        => progress.FinishReason
            ?? (request.MaxTokens is { } max && progress.Usage is { } usage && usage.CompletionTokens >= max ? "length" : "stop");

    private static StreamHubException Unexpected() => new(ErrorCodes.UpstreamError, "the stream failed unexpectedly; retry");

    /// <summary>What the pipeline reports while the request runs: the region for a header, usage for the last chunk.</summary>
    private sealed class Progress : IStreamProgress
    {
        public string? Region { get; private set; }

        public UsageReport? Usage { get; private set; }

        public ValueTask QueuedAsync(int position) => default;

        public ValueTask StartedAsync(string region)
        {
            Region = region;
            return default;
        }

        public ValueTask UsageAsync(UsageReport usage)
        {
            Usage = usage;
            return default;
        }

        public string? FinishReason { get; private set; }

        public ValueTask FinishedAsync(string reason)
        {
            FinishReason = reason;
            return default;
        }
    }
}
