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
    UpstreamClient upstream,
    IStreamAdmission admission,
    TenantLimits tenantLimits,
    ApiKeyDirectory tenants,
    IOptions<UpstreamOptions> upstreamOptions,
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
    public async IAsyncEnumerable<CompletionEvent> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var run = Start(request, caller, progress, cancellationToken);
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

    private RequestRun Start(CompletionRequest request, Caller caller, IStreamProgress progress, CancellationToken cancellationToken)
    {
        var priority = EffectivePriority(request, caller);
        var grace = request.Resumable ? fanoutOptions.Value.ResumeGrace : (TimeSpan?)null;
        var active = requests.Register(request, caller, priority, grace, cancellationToken);
        var observed = telemetry.Begin(request.RequestId, caller.Tenant, priority, cancellationToken);
        try
        {
            var fan = fanout.Begin(request.RequestId, caller.Tenant, request.Group);
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
        var estimate = EstimateTokens(request);
        if (!tenantLimits.TryAcquire(caller.Tenant, LimitsOf(caller), estimate, out var tenantLease, out var limited))
        {
            throw limited!.ToException();
        }

        using var _ = tenantLease;
        fan.OpenWatch();
        var ticket = new AdmissionTicket(request.RequestId, caller.Tenant, priority, new QueueReporter(progress));
        using var lease = await admission.AcquireAsync(ticket, 1, cancellationToken);
        if (AdmissionLease.TryGetRejection(lease, out var rejection))
        {
            fan.Refused(rejection.Code);
            throw rejection.ToException();
        }

        observed.Admitted();

        var model = request.Model ?? upstreamOptions.Value.Model;
        var call = UpstreamCall.For(request, model);
        UsageInfo? usage = null;
        string? finishReason = null;
        string? reportedModel = null;
        await foreach (var chunk in upstream.StreamAsync(call, progress, cancellationToken))
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
        }

        yield return CompletionEvent.FinishOf(finishReason ?? FallbackFinishReason(request, usage), reportedModel ?? model);
        if (usage is not null)
        {
            tenantLease!.Correct(usage.TotalTokens);
            var cost = pricing.CostOf(model, usage);
            observed.Usage(usage, cost);
            var report = UsageReport.From(usage, model, active.Region ?? "", cost);
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

    private TenantLimitSettings LimitsOf(Caller caller)
        => caller.IsAnonymous || tenants.FindByName(caller.Tenant) is not { } tenant
            ? TenantLimitSettings.Unlimited
            : new TenantLimitSettings(tenant.RequestsPerMinute, tenant.TokensPerMinute, tenant.MaxConcurrentStreams);

    /// <summary>About four characters a token, plus the output the request allows.</summary>
    private static int EstimateTokens(CompletionRequest request)
        => (request.InputChars / 4) + (request.MaxTokens ?? DefaultOutputEstimate);

    /// <summary>Forwards queue positions to the front door without blocking the limiter's lock.</summary>
    private sealed class QueueReporter(IStreamProgress progress) : IProgress<int>
    {
        public void Report(int value) => _ = progress.QueuedAsync(value).AsTask();
    }

    /// <summary>Records the region on the active request, and passes every event through.</summary>
    private sealed class Tracker(IStreamProgress inner, ActiveRequest active) : IStreamProgress
    {
        public ValueTask QueuedAsync(int position) => inner.QueuedAsync(position);

        public ValueTask StartedAsync(string region)
        {
            active.Region = region;
            return inner.StartedAsync(region);
        }

        public ValueTask UsageAsync(UsageReport usage) => inner.UsageAsync(usage);

        public ValueTask ModelAsync(string model) => inner.ModelAsync(model);
    }
}
