using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>
/// <c>streamhub stats</c>: the operators' figures from <c>GET /admin/stats</c> (admin key), redrawn every
/// <c>--interval</c> seconds until Ctrl+C; <c>--once</c> prints them once.
/// </summary>
internal static class StatsCommand
{
    public static Command Create(CommonOptions common)
    {
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes (default 2)", DefaultValueFactory = _ => 2, HelpName = "SECONDS" };
        var once = new Option<bool>("--once") { Description = "Print the figures once and exit" };
        var command = new Command("stats", "Show the deployment's live figures (pool, queues, latency, tenants); needs the admin key") { interval, once };
        command.SetAction((result, _) => ExitCodes.GuardAsync(() =>
        {
            var seconds = result.GetValue(interval);
            if (seconds is < 0.2 or > 3600 || double.IsNaN(seconds))
            {
                throw new StreamHubException(StreamHubErrorCodes.InvalidRequest, "--interval must be from 0.2 to 3600 seconds");
            }

            return RunAsync(common.Read(result), TimeSpan.FromSeconds(seconds), result.GetValue(once));
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliSettings settings, TimeSpan interval, bool once)
    {
        using var ctrlC = CtrlC.EndsCommand();
        using var http = new HttpClient { BaseAddress = settings.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        if (settings.Key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key);
        }

        var ansi = Ansi.ForStdout();
        try
        {
            while (true)
            {
                using var stats = await FetchAsync(http, ctrlC.Token);
                var text = StatsView.Render(stats.RootElement, ansi);
                await Console.Out.WriteAsync(once ? text : ansi.ClearScreen + text + (ansi.Enabled ? "" : Environment.NewLine));
                await Console.Out.FlushAsync();
                if (once)
                {
                    return ExitCodes.Success;
                }

                await Task.Delay(interval, TimeProvider.System, ctrlC.Token);
            }
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }

    private static async Task<JsonDocument> FetchAsync(HttpClient http, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync("admin/stats", cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new StreamHubException(StreamHubErrorCodes.ConnectionLost, $"could not reach {http.BaseAddress}admin/stats: {ex.Message}", null, ex);
        }

        using (response)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized:
                    throw new StreamHubException(StreamHubErrorCodes.Unauthorized, $"/admin/stats needs the admin key: --key or ${CommonOptions.KeyVariable}");
                case HttpStatusCode.Forbidden:
                    throw new StreamHubException(StreamHubErrorCodes.Forbidden, "this key is not the admin key; /admin/stats is for operators");
                case HttpStatusCode.NotFound:
                    throw new StreamHubException(StreamHubErrorCodes.InvalidRequest, $"{http.BaseAddress} has no /admin/stats; is --url a StreamHub deployment's base address?");
                case var status when !response.IsSuccessStatusCode:
                    throw new StreamHubException(StreamHubErrorCodes.UpstreamError, $"/admin/stats answered {(int)status} {status}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(body, default, cancellationToken);
        }
    }
}
