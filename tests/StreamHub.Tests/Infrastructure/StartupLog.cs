using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamHub.Tests.Observability;

namespace StreamHub.Tests.Infrastructure;

/// <summary>Starts the real app (<c>Program.BuildApp</c>) and returns what it logged while starting.</summary>
internal static class StartupLog
{
    /// <summary>
    /// Builds the app with one region that is never called plus <paramref name="settings"/> ("Key=value", later
    /// ones win), captures every log line from before start until started, then stops it.
    /// </summary>
    public static async Task<IReadOnlyCollection<string>> CaptureAsync(params string[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Upstream:Regions:0:Name=primary",
            "--Upstream:Regions:0:BaseUrl=http://127.0.0.1:9/v1",
            .. settings.Select(static s => "--" + s),
        ];
        var app = Program.BuildApp(args);
        var capture = new CapturingLoggerProvider();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(capture);
        try
        {
            await app.StartAsync().WaitAsync(StreamHubServer.Timeout);
            await app.StopAsync().WaitAsync(StreamHubServer.Timeout);
        }
        finally
        {
            await app.DisposeAsync();
        }

        return capture.Lines;
    }
}
