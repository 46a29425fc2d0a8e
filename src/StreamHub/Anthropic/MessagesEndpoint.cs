using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.OpenAi;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: the Anthropic front door. It only translates: Anthropic's body into a
/// <see cref="CompletionRequest"/> (<see cref="MessagesBody"/>), <see cref="CompletionPipeline"/>'s events into
/// Anthropic's event stream (<see cref="MessageStreamWriter"/>) or one <c>message</c> (<see cref="MessageAnswer"/>),
/// and failures into Anthropic's error shape (<see cref="AnthropicError"/>), whatever dialect the answering region
/// speaks. As on <c>/v1/chat/completions</c>, the response starts only when the first event (or the end) arrives, so
/// every failure before it gets its real status; a failure after it is an SSE <c>error</c> event.
/// </summary>
internal sealed class MessagesEndpoint(
    CompletionPipeline pipeline,
    CallerResolver callers,
    IOptions<StreamingOptions> limits,
    ModelCatalog catalog,
    ILogger<MessagesEndpoint> logger)
{
    /// <summary>The header Anthropic names each answer's id in; StreamHub puts the request id there (and in <c>X-Request-Id</c>).</summary>
    public const string RequestIdHeader = "request-id";

    public async Task HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        CompletionRequest? request = null;
        IDisposable? scope = null;
        IAsyncEnumerator<CompletionEvent>? events = null;
        MessageStreamWriter? writer = null;
        try
        {
            var caller = callers.Resolve(http, "x-api-key (or Authorization: Bearer <key>)");
            var body = await MessagesBody.ReadAsync(http.Request, limits.Value, cancellationToken);
            request = body.Request;
            scope = logger.BeginScope(new RequestLogScope(request.RequestId, caller.Tenant));
            if (catalog.Find(request.Model!) is null)
            {
                throw new NotServedException(request.Model!, catalog.Names);
            }

            var progress = new CompletionProgress();
            events = pipeline.RunAsync(request, caller, progress, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var any = await events.MoveNextAsync();
            var model = progress.Model ?? progress.UpstreamModel ?? request.Model!;
            if (body.Stream)
            {
                writer = StartEvents(http, request, model, progress);
                await StreamAsync(http, writer, events, any);
            }
            else
            {
                var answer = new MessageAnswer();
                while (any)
                {
                    answer.Add(events.Current);
                    any = await events.MoveNextAsync();
                }

                StartResponse(http, request, progress, "application/json");
                await answer.WriteAsync(http.Response.BodyWriter, request.RequestId, model, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not BadHttpRequestException)
        {
            await FailAsync(http, request, writer, ex);
        }
        finally
        {
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

    /// <summary>The one translation of a failure: Anthropic's error body before the response started, an <c>error</c> event after.</summary>
    private async Task FailAsync(HttpContext http, CompletionRequest? request, MessageStreamWriter? writer, Exception ex)
    {
        var cancellationToken = http.RequestAborted;
        StreamHubException failure;
        switch (ex)
        {
            case BodyTooLargeException tooLarge:
                await new AnthropicError(tooLarge.Error.Failure, requestId: null, StatusCodes.Status413PayloadTooLarge).ExecuteAsync(http);
                return;
            case NotServedException notServed:
                await new AnthropicError(notServed.Failure, request?.RequestId, StatusCodes.Status404NotFound).ExecuteAsync(http);
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
            await new AnthropicError(failure, request?.RequestId).ExecuteAsync(http);
        }
    }

    private static MessageStreamWriter StartEvents(HttpContext http, CompletionRequest request, string model, CompletionProgress progress)
    {
        StartResponse(http, request, progress, "text/event-stream; charset=utf-8");
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return new MessageStreamWriter(http.Response.BodyWriter, request.RequestId, model);
    }

    private static async Task StreamAsync(HttpContext http, MessageStreamWriter writer, IAsyncEnumerator<CompletionEvent> events, bool any)
    {
        var cancellationToken = http.RequestAborted;
        await writer.StartAsync(cancellationToken);
        while (any)
        {
            var flushed = await writer.WriteAsync(events.Current, cancellationToken);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return; // the client is gone: the pipeline ends the request
            }

            any = await events.MoveNextAsync();
        }

        await writer.EndAsync(cancellationToken);
    }

    private static void StartResponse(HttpContext http, CompletionRequest request, CompletionProgress progress, string contentType)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = contentType;
        http.Response.Headers[RequestIdHeader] = request.RequestId;
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

    /// <summary>A model no region serves: Anthropic's 404 <c>not_found_error</c>.</summary>
    private sealed class NotServedException(string model, IReadOnlyList<string> served) : Exception(model)
    {
        public StreamHubException Failure { get; } = new(
            ErrorCodes.InvalidRequest, $"model '{model}' is not served here; ask for one of: {string.Join(", ", served)}");
    }
}
