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
/// The one path every front door calls: tenant limits, priority admission (the lease is held for the
/// stream's life), region and upstream stream (resilience), SSE into tokens, usage, release. Tokens are
/// yielded as they arrive; the caller's pace is the upstream read's pace (an async iterator holds no
/// buffer of its own). Every lease is released in the iterator's <c>finally</c>, whichever way it ends.
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
    CostCalculator pricing)
{
    /// <summary>Output tokens assumed for the rate estimate when the request does not bound them.</summary>
    private const int DefaultOutputEstimate = 512;

    public async IAsyncEnumerable<string> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var priority = EffectivePriority(request, caller);
        var grace = request.Resumable ? fanoutOptions.Value.ResumeGrace : (TimeSpan?)null;
        using var active = requests.Register(request, caller, priority, grace, cancellationToken);
        using var observed = telemetry.Begin(request.RequestId, caller.Tenant, priority, cancellationToken);
        var fan = fanout.Begin(request.RequestId, caller.Tenant, request.Group);
        active.Fanout = fan;
        var tokens = StreamAsync(request, caller, priority, new Tracker(progress, active), active, observed).GetAsyncEnumerator(active.Token);
        await using var _ = tokens;

        // Watchers and group members learn how it ended: null on success, the code otherwise, and
        // "aborted" when the caller stopped reading.
        string? endCode = ErrorCodes.Aborted;
        try
        {
            while (true)
            {
                try
                {
                    if (!await tokens.MoveNextAsync())
                    {
                        endCode = null;
                        observed.Completed();
                        break;
                    }
                }
                catch (OperationCanceledException) when (active.AbortReason is { } reason && !cancellationToken.IsCancellationRequested)
                {
                    // An operator or shutdown ended it, not the caller: say so with the contract code.
                    endCode = reason.Code;
                    observed.Failed(reason.Code);
                    throw reason;
                }
                catch (StreamHubException ex)
                {
                    endCode = ex.Code;
                    observed.Failed(ex.Code);
                    throw;
                }

                observed.Token();
                await fan.PublishAsync(tokens.Current);
                yield return tokens.Current;
            }
        }
        finally
        {
            await fan.CompleteAsync(endCode);
        }
    }

    private async IAsyncEnumerable<string> StreamAsync(
        CompletionRequest request,
        Caller caller,
        Priority priority,
        Tracker progress,
        ActiveRequest active,
        StreamObservation observed)
    {
        var cancellationToken = active.Token;
        var estimate = EstimateTokens(request);
        if (!tenantLimits.TryAcquire(caller.Tenant, LimitsOf(caller), estimate, out var tenantLease, out var limited))
        {
            throw limited!.ToException();
        }

        using var _ = tenantLease;
        var ticket = new AdmissionTicket(request.RequestId, caller.Tenant, priority, new QueueReporter(progress));
        using var lease = await admission.AcquireAsync(ticket, 1, cancellationToken);
        if (AdmissionLease.TryGetRejection(lease, out var rejection))
        {
            throw rejection.ToException();
        }

        observed.Admitted();

        var model = request.Model ?? upstreamOptions.Value.Model;
        var call = new UpstreamCall(request.Messages, model, request.MaxTokens, request.Temperature);
        UsageInfo? usage = null;
        string? finishReason = null;
        await foreach (var chunk in upstream.StreamAsync(call, progress, cancellationToken))
        {
            if (chunk.Usage is { } reported)
            {
                usage = reported;
            }

            finishReason = chunk.FinishReason ?? finishReason;

            if (chunk.Reasoning is { } reasoning)
            {
                yield return reasoning;
            }

            if (chunk.Text is { } text)
            {
                yield return text;
            }
        }

        if (finishReason is not null)
        {
            await progress.FinishedAsync(finishReason);
        }

        if (usage is not null)
        {
            tenantLease!.Correct(usage.TotalTokens);
            var cost = pricing.CostOf(model, usage);
            observed.Usage(usage, cost);
            await progress.UsageAsync(UsageReport.From(usage, model, active.Region ?? "", cost));
        }
    }

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

        public ValueTask FinishedAsync(string reason) => inner.FinishedAsync(reason);
    }
}
