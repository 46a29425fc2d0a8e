using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Identity;
using StreamHub.Observability;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// The one path every front door calls, for the whole life of a request: tenant limits, priority admission
/// (the lease is held for the stream's life), region and upstream stream (resilience), SSE into typed events
/// (text, reasoning, refusal, tool calls, then finish and usage), fan-out, release. Events are yielded as they
/// arrive, numbered by the request's fan-out; the caller's pace is the upstream read's pace
/// (an async iterator holds no buffer of its own). When the caller goes away (its token fires, or it stops
/// reading before the end), a <c>resumable</c> request keeps running for <c>Fanout:ResumeGrace</c> so that
/// watchers get the rest, and any other request ends its upstream at once (see <see cref="RequestRun"/>).
/// </summary>
internal sealed class CompletionPipeline(
    ActiveRequests requests,
    TokenFanout fanout,
    IOptions<FanoutOptions> fanoutOptions,
    IOptions<StreamingOptions> streamingOptions,
    UpstreamClient upstream,
    IStreamAdmission admission,
    ITenantLimits tenantLimits,
    IResumableJournal resumables,
    ModelAccess models,
    StreamTelemetry telemetry,
    CostCalculator pricing,
    ILogger<CompletionPipeline> logger)
{
    /// <summary>Output tokens assumed for the rate estimate when the request does not bound them.</summary>
    private const int DefaultOutputEstimate = 512;

    /// <summary>
    /// The request's events, in order, each with its <see cref="CompletionEvent.Seq"/>; a request that ends
    /// normally ends with a finish event (and a usage event when the upstream reported usage). Failures arrive
    /// as <see cref="StreamHubException"/> (the contract code), the caller's own cancellation as
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<CompletionEvent> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        CancellationToken cancellationToken)
        => RunAsync(request, caller, progress, afterSeq: null, cancellationToken);

    /// <summary>
    /// Goes on with a request another instance began (a survivor finishing a resumable request whose instance
    /// died): its watch stream and group messages continue from <paramref name="afterSeq"/>.
    /// </summary>
    public IAsyncEnumerable<CompletionEvent> ContinueAsync(CompletionRequest request, Caller caller, long afterSeq, CancellationToken cancellationToken)
        => RunAsync(request, caller, NoProgress.Instance, afterSeq, cancellationToken);

    private async IAsyncEnumerable<CompletionEvent> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        long? afterSeq,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = Start(request, caller, progress, afterSeq, cancellationToken);
        try
        {
            while (await run.MoveNextAsync())
            {
                // A caller that left gets nothing more; a resumable request's rest goes to its watchers.
                cancellationToken.ThrowIfCancellationRequested();
                yield return run.Current;
            }
        }
        finally
        {
            await run.LeaveAsync();
        }
    }

    /// <param name="afterSeq">Null for a new request; a survivor's continuation: the last seq the dead instance published.</param>
    private RequestRun Start(CompletionRequest request, Caller caller, IStreamProgress progress, long? afterSeq, CancellationToken cancellationToken)
    {
        var priority = EffectivePriority(request, caller);
        var grace = request.Resumable ? fanoutOptions.Value.ResumeGrace : (TimeSpan?)null;
        var active = requests.Register(request, caller, priority, grace, cancellationToken);
        var observed = telemetry.Begin(request.RequestId, caller.Tenant, priority, cancellationToken);
        try
        {
            var fan = afterSeq is { } seq
                ? fanout.Continue(request.RequestId, caller.Scope, request.Group, seq)
                : fanout.Begin(request.RequestId, caller.Scope, request.Group);
            active.Fanout = fan;
            var events = StreamAsync(request, caller, priority, new Tracker(progress, active), active, fan, observed).GetAsyncEnumerator(active.Token);
            return new RequestRun(active, observed, fan, events, request.Resumable, logger);
        }
        catch
        {
            observed.Dispose();
            active.Dispose();
            throw;
        }
    }

    private async IAsyncEnumerable<CompletionEvent> StreamAsync(
        CompletionRequest request,
        Caller caller,
        Priority priority,
        Tracker progress,
        ActiveRequest active,
        FanoutSession fan,
        StreamObservation observed)
    {
        var cancellationToken = active.Token;

        // The model and its fallbacks, before any limit or permit is taken: forbidden or unserved models fail here.
        var model = request.Model ?? upstream.Catalog.DefaultModel;
        var plan = upstream.Catalog.Plan(model, models.AllowedModels(caller));

        // Recorded so that, should this instance die, a survivor finishes it (with Admission:Scope=Cluster).
        await using var journal = request.Resumable
            ? await resumables.BeginAsync(new ResumableRecord(request, caller.Tenant, caller.Tier, caller.IsAnonymous, caller.Scope, caller.LimitKey, caller.Limits, caller.Models), cancellationToken)
            : null;
        using var tenantLease = await tenantLimits.AcquireAsync(caller.LimitKey, LimitsOf(caller), EstimateTokens(request), cancellationToken);
        fan.OpenWatch();
        var ticket = new AdmissionTicket(request.RequestId, caller.LimitKey, priority, new QueueReporter(progress));
        using var lease = await admission.AcquireAsync(ticket, 1, cancellationToken);
        if (AdmissionLease.TryGetRejection(lease, out var rejection))
        {
            fan.Refused(rejection.Code);
            throw rejection.ToException();
        }

        active.Admitted();
        observed.Admitted();

        // Bounded cost whatever the request (or the upstream) does: at most Streaming:MaxTokensLimit content deltas
        // (also the max_tokens a dialect that requires one is sent when the request names none).
        var tokenLimit = streamingOptions.Value.MaxTokensLimit;
        var call = UpstreamCall.For(request, model, tokenLimit);
        UsageInfo? usage = null;
        string? finishReason = null;
        string? reportedModel = null;
        var generated = 0;
        await foreach (var chunk in upstream.StreamAsync(call, plan, progress, cancellationToken))
        {
            usage = chunk.Usage ?? usage;
            finishReason = chunk.FinishReason ?? finishReason;
            reportedModel = chunk.Model ?? reportedModel;
            if (chunk.Reasoning is { } reasoning)
            {
                yield return CompletionEvent.ReasoningOf(reasoning);
            }

            if (chunk.Text is { } text)
            {
                yield return CompletionEvent.TextOf(text);
            }

            if (chunk.Refusal is { } refusal)
            {
                yield return CompletionEvent.RefusalOf(refusal);
            }

            if (chunk.ToolCalls is { } calls)
            {
                foreach (var delta in calls)
                {
                    yield return CompletionEvent.ToolCallOf(delta.Index, delta.Id, delta.Name, delta.Arguments);
                }
            }

            if (chunk.HasContent && ++generated >= tokenLimit && chunk.FinishReason is null)
            {
                // Leaving the loop closes the upstream stream; the answer ends as the upstream's own would at its limit.
                logger.LogInformation("Request {RequestId} reached Streaming:MaxTokensLimit ({Limit} tokens): its upstream is closed", request.RequestId, tokenLimit);
                finishReason = FinishReasons.Length;
                break;
            }
        }

        yield return CompletionEvent.FinishOf(finishReason ?? FallbackFinishReason(request, usage), reportedModel ?? progress.UpstreamModel ?? model);
        if (usage is not null)
        {
            tenantLease.Correct(usage.TotalTokens);

            // Priced as the model that answered: its region's name for it first, then its client-facing name.
            var answered = progress.RoutedModel ?? model;
            var sent = progress.UpstreamModel ?? model;
            var cost = pricing.CostOf(sent, answered, usage);
            observed.Usage(usage, cost);
            var report = UsageReport.From(usage, sent, active.Region ?? "", cost);
            await progress.UsageAsync(report);
            yield return CompletionEvent.UsageOf(report);
        }
    }

    /// <summary>
    /// When the upstream gave no finish reason (a stream that ended on [DONE] alone): a completion that used every
    /// token it was allowed stopped for length, anything else by itself.
    /// </summary>
    private static string FallbackFinishReason(CompletionRequest request, UsageInfo? usage)
        => request.MaxTokens is { } max && usage is not null && usage.CompletionTokens >= max ? FinishReasons.Length : FinishReasons.Stop;

    /// <summary>
    /// The request may ask for a lower priority than its tier, never a higher one: a higher ask is capped
    /// to the tier (not refused), so a client that always asks for critical still gets served.
    /// </summary>
    internal static Priority EffectivePriority(CompletionRequest request, Caller caller)
        => request.Priority is { } asked && asked > caller.Tier ? asked : caller.Tier;

    /// <summary>
    /// The caller's limits as its identity decided them: a tenant's own, a JWT tenant's defaults, or the limits
    /// anonymous callers share per client address (<see cref="CallerResolver"/>).
    /// </summary>
    private static TenantLimitSettings LimitsOf(Caller caller) => caller.Limits;

    /// <summary>About four characters a token, plus the output the request allows.</summary>
    private static int EstimateTokens(CompletionRequest request)
        => (request.InputChars / 4) + (request.MaxTokens ?? DefaultOutputEstimate);

    /// <summary>Forwards queue positions to the front door without blocking the limiter's lock.</summary>
    private sealed class QueueReporter(IStreamProgress progress) : IProgress<int>
    {
        public void Report(int value) => _ = progress.QueuedAsync(value).AsTask();
    }

    /// <summary>Records the region on the active request and the model that answers, and passes every event through.</summary>
    private sealed class Tracker(IStreamProgress inner, ActiveRequest active) : IStreamProgress
    {
        /// <summary>The client-facing model that answers (the request's or a fallback's); null before the stream opens.</summary>
        public string? RoutedModel { get; private set; }

        /// <summary>The name the answering region was asked for.</summary>
        public string? UpstreamModel { get; private set; }

        public ValueTask QueuedAsync(int position) => inner.QueuedAsync(position);

        public ValueTask RoutedAsync(string model, string upstreamModel)
        {
            RoutedModel = model;
            UpstreamModel = upstreamModel;
            return inner.RoutedAsync(model, upstreamModel);
        }

        public ValueTask StartedAsync(string region)
        {
            active.Region = region;
            return inner.StartedAsync(region);
        }

        public ValueTask UsageAsync(UsageReport usage) => inner.UsageAsync(usage);

        public ValueTask ModelAsync(string model) => inner.ModelAsync(model);
    }
}
