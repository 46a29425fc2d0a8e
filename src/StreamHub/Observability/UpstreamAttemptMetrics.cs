using Microsoft.Extensions.Http;

namespace StreamHub.Observability;

/// <summary>
/// Counts every upstream HTTP attempt by region and outcome by adding a handler to each region's pooled
/// client (named <c>upstream:&lt;region&gt;</c>), so the upstream code needs no metrics calls of its own.
/// The outcome is "ok" (a success status: the stream opened), the HTTP status otherwise, "error" (no
/// answer) or "canceled".
/// </summary>
internal sealed class UpstreamAttemptMetrics(StreamTelemetry telemetry) : IHttpMessageHandlerBuilderFilter
{
    private const string Prefix = "upstream:";

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (builder.Name is { } name && name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            builder.AdditionalHandlers.Add(new AttemptHandler(telemetry, name[Prefix.Length..]));
        }
    };

    private sealed class AttemptHandler(StreamTelemetry telemetry, string region) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                telemetry.RecordAttempt(region, response.IsSuccessStatusCode ? "ok" : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return response;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                telemetry.RecordAttempt(region, "canceled");
                throw;
            }
            catch (Exception)
            {
                telemetry.RecordAttempt(region, "error");
                throw;
            }
        }
    }
}
