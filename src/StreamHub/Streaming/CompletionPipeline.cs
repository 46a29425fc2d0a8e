using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamHub.Admission;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// The one path every front door calls: tenant limits, priority admission (the lease is held for the
/// stream's life), region and upstream stream (resilience), SSE into tokens, usage, release. Tokens are
/// yielded as they arrive; the caller's pace is the upstream read's pace (an async iterator holds no
/// buffer of its own). Every lease is released in the iterator's <c>finally</c>, whichever way it ends.
/// </summary>
internal sealed class CompletionPipeline(
    UpstreamClient upstream,
    PriorityAdmission admission,
    TenantLimits tenantLimits,
    ApiKeyDirectory tenants,
    IOptions<UpstreamOptions> upstreamOptions)
{
    /// <summary>Output tokens assumed for the rate estimate when the request does not bound them.</summary>
    private const int DefaultOutputEstimate = 512;

    public async IAsyncEnumerable<string> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var estimate = EstimateTokens(request);
        if (!tenantLimits.TryAcquire(caller.Tenant, LimitsOf(caller), estimate, out var tenantLease, out var limited))
        {
            throw limited!.ToException();
        }

        using var _ = tenantLease;
        var ticket = new AdmissionTicket(request.RequestId, caller.Tenant, EffectivePriority(request, caller), new QueueReporter(progress));
        using var lease = await admission.AcquireAsync(ticket, 1, cancellationToken);
        if (AdmissionLease.TryGetRejection(lease, out var rejection))
        {
            throw rejection.ToException();
        }

        var model = request.Model ?? upstreamOptions.Value.Model;
        var call = new UpstreamCall(request.Messages, model, request.MaxTokens, request.Temperature);
        var tracker = new RegionTracker(progress);
        UsageInfo? usage = null;
        await foreach (var chunk in upstream.StreamAsync(call, tracker, cancellationToken))
        {
            if (chunk.Usage is { } reported)
            {
                usage = reported;
            }

            if (chunk.Reasoning is { } reasoning)
            {
                yield return reasoning;
            }

            if (chunk.Text is { } text)
            {
                yield return text;
            }
        }

        if (usage is not null)
        {
            tenantLease!.Correct(usage.TotalTokens);
            await progress.UsageAsync(UsageReport.From(usage, model, tracker.Region ?? "", cost: null));
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

    /// <summary>Remembers the region the upstream opened on, and passes every event through.</summary>
    private sealed class RegionTracker(IStreamProgress inner) : IStreamProgress
    {
        public string? Region { get; private set; }

        public ValueTask QueuedAsync(int position) => inner.QueuedAsync(position);

        public ValueTask StartedAsync(string region)
        {
            Region = region;
            return inner.StartedAsync(region);
        }

        public ValueTask UsageAsync(UsageReport usage) => inner.UsageAsync(usage);
    }
}
