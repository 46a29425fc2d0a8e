using Microsoft.AspNetCore.Builder;

namespace StreamHub.Tests.Infrastructure;

/// <summary>Starts the real app (<c>Program.BuildApp</c>) with settings that must stop start-up.</summary>
internal static class FailedStart
{
    /// <summary>
    /// Builds and starts the app with one region that is never called plus <paramref name="settings"/>
    /// ("Key=value"); returns what stopped it, and fails the test if it started.
    /// </summary>
    public static async Task<Exception> RunAsync(params string[] settings)
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Upstream:Regions:0:Name=primary",
            "--Upstream:Regions:0:BaseUrl=http://127.0.0.1:9/v1",
            .. settings.Select(static s => "--" + s),
        ];
        WebApplication? app = null;
        try
        {
            app = Program.BuildApp(args);
            await app.StartAsync().WaitAsync(StreamHubServer.Timeout);
        }
        catch (Exception ex) when (ex is not TimeoutException)
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            return ex;
        }

        await app.StopAsync().WaitAsync(StreamHubServer.Timeout);
        await app.DisposeAsync();
        Assert.Fail($"start-up succeeded with {string.Join(' ', settings)}");
        throw new InvalidOperationException("unreachable");
    }
}
