using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the second front door. It only translates: OpenAI's body and the
/// StreamHub headers into a <see cref="CompletionRequest"/>, <see cref="CompletionPipeline"/>'s events into
/// <c>chat.completion.chunk</c> events (<see cref="CompletionWriter"/>) or one <c>chat.completion</c>
/// (<see cref="CompletionAnswer"/>), and failures into OpenAI's error shape (<see cref="FailAsync"/>). The
/// response starts only when the first event (or the end) arrives, so
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
        IAsyncEnumerator<CompletionEvent>? events = null;
        CompletionWriter? writer = null;
        try
        {
            var caller = callers.Resolve(http, OpenAiKeyHint);
            var body = await OpenAiBody.ReadAsync(http.Request, limits.Value, cancellationToken);
            request = body.Request;
            scope = logger.BeginScope(new RequestLogScope(request.RequestId, caller.Tenant));
            var progress = new CompletionProgress();
            var model = request.Model ?? catalog.DefaultModel;
            events = pipeline.RunAsync(request, caller, progress, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var any = await events.MoveNextAsync();
            if (body.Stream)
            {
                // By the first event the upstream has said which model answers (else the name its region was
                // asked for: a mapped name, a fallback's); every chunk repeats it.
                writer = StartEvents(http, request, progress.Model ?? progress.UpstreamModel ?? model, progress);
                await StreamAsync(http, body, writer, events, any);
            }
            else
            {
                await CompleteAsync(http, request, progress.Model ?? progress.UpstreamModel ?? model, events, any, progress);
            }
        }
        catch (Exception ex) when (ex is not BadHttpRequestException)
        {
            // Kestrel answers a body it could not read (too large, cut short) with its own status.
            await FailAsync(http, request, writer, ex);
        }
        finally
        {
            // Leaving the enumeration ends the request, or lets a resumable one go on for its watchers.
            if (events is not null)
            {
                await events.DisposeAsync();
            }

            if (writer is not null)
            {
                await writer.DisposeAsync();
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
    private async Task FailAsync(HttpContext http, CompletionRequest? request, CompletionWriter? writer, Exception ex)
    {
        var cancellationToken = http.RequestAborted;
        StreamHubException failure;
        switch (ex)
        {
            case BodyTooLargeException tooLarge:
                await tooLarge.Error.ExecuteAsync(http);
                return;
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

        if (writer is not null)
        {
            await writer.ErrorAsync(failure, cancellationToken);
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

    /// <summary>How the OpenAI front doors take a key (in the sentence of an unknown key's error).</summary>
    internal const string OpenAiKeyHint = "Authorization: Bearer <key>";

    private async Task StreamAsync(
        HttpContext http, OpenAiBody body, CompletionWriter writer, IAsyncEnumerator<CompletionEvent> events, bool any)
    {
        var cancellationToken = http.RequestAborted;
        await writer.RoleAsync(cancellationToken);
        while (any)
        {
            var item = events.Current;
            var flushed = item.Kind switch
            {
                EventKind.Finish => await writer.FinishAsync(item.FinishReason!, cancellationToken),
                EventKind.Usage when body.IncludeUsage => await writer.UsageAsync(item.Usage!, cancellationToken),
                EventKind.Usage => default,
                _ => await writer.DeltaAsync(item, cancellationToken),
            };
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                // The client is gone: stop reading and leave the enumeration to the pipeline.
                logger.LogInformation(
                    "The client's side of the response ended (flush {Outcome}, request aborted: {Aborted}); the stream stops without [DONE]",
                    flushed.IsCompleted ? "completed" : "canceled",
                    cancellationToken.IsCancellationRequested);
                return;
            }

            any = await events.MoveNextAsync();
        }

        await writer.DoneAsync(cancellationToken);
    }

    private async Task CompleteAsync(
        HttpContext http, CompletionRequest request, string model, IAsyncEnumerator<CompletionEvent> events, bool any, CompletionProgress progress)
    {
        var answer = new CompletionAnswer();
        while (any)
        {
            answer.Add(events.Current);
            any = await events.MoveNextAsync();
        }

        StartResponse(http, request, progress, "application/json");
        await answer.WriteAsync(http.Response.BodyWriter, request.RequestId, model, time.GetUtcNow().ToUnixTimeSeconds(), http.RequestAborted);
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

        if (progress.RoutedModel is { } model)
        {
            http.Response.Headers[OpenAiHeaders.Model] = model;
        }
    }

}
