using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using StreamHub.Validation;

namespace StreamHub.Observability;

internal static class ObservabilityExtensions
{
    /// <summary>The tag a health check needs to count for <c>/health/ready</c> (e.g. Redis, when it comes).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Metrics (Meter "StreamHub", exported through OpenTelemetry: Prometheus at <c>/metrics</c>, and OTLP
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, spans of ActivitySource "StreamHub" included),
    /// statistics for operators, the <c>Pricing</c> table and the health checks.
    /// </summary>
    public static IHostApplicationBuilder AddObservability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<PricingOptions, PricingOptionsValidator>(PricingOptions.Section);
        builder.Services.AddSettings<ObservabilityOptions, ObservabilityOptionsValidator>(ObservabilityOptions.Section);
        builder.Services.AddSingleton<MetricsKeyCheck>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        // The id is made now, for the metrics' resource; when the process started is read from the clock.
        var instanceId = InstanceInfo.NewId();
        builder.Services.AddSingleton(services => InstanceInfo.Create(instanceId, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<CostCalculator>();
        builder.Services.AddSingleton<StreamStatistics>();
        builder.Services.AddSingleton<StreamTelemetry>();
        builder.Services.AddSingleton<IHttpMessageHandlerBuilderFilter, UpstreamAttemptMetrics>();

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(StreamTelemetry.Name, serviceInstanceId: instanceId))
            .WithMetrics(metrics => metrics
                .AddMeter(StreamTelemetry.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Spans only when someone collects them: without a listener no Activity is created per stream.
            otel.WithTracing(tracing => tracing.AddSource(StreamTelemetry.Name)).UseOtlpExporter();
        }

        // Further readiness checks (Redis) register with tags: [ObservabilityExtensions.ReadyTag].
        builder.Services.AddHealthChecks()
            .AddCheck<RegionsHealthCheck>("regions", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c> (Prometheus; it needs <c>Observability:MetricsApiKey</c> as a bearer token when that is set),
    /// <c>/health/live</c> and <c>/health/ready</c> (anonymous).
    /// </summary>
    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        // Creates the meter now, so the observable instruments exist before the first stream.
        _ = app.ServiceProvider.GetRequiredService<StreamTelemetry>();
        var metricsKey = app.ServiceProvider.GetRequiredService<MetricsKeyCheck>();
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, branch => branch.Use(metricsKey.InvokeAsync), optionsName: null);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = static _ => false })
            .WithName("HealthLive").WithDisplayName("Liveness").WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
            {
                Predicate = static check => check.Tags.Contains(ReadyTag),
                ResponseWriter = HealthReportWriter.WriteAsync,
            })
            .WithName("HealthReady").WithDisplayName("Readiness").WithTags("Health");
        return app;
    }
}
