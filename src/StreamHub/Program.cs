using StreamHub.Admin;
using StreamHub.Anthropic;
using StreamHub.Admission;
using StreamHub.Cors;
using StreamHub.Fanout;
using StreamHub.Identity;
using StreamHub.Observability;
using StreamHub.OpenAi;
using StreamHub.Streaming;
using StreamHub.Upstream;

Program.BuildApp(args).Run();

/// <summary>The table of contents: one AddX and one MapX per feature folder.</summary>
public partial class Program
{
    /// <summary>Builds the app; tests call it too, to run the real thing on a loopback Kestrel.</summary>
    public static WebApplication BuildApp(string[] args)
    {
        // The content root is where the build copies appsettings.json and wwwroot/, so `dotnet run
        // --project src/StreamHub` and the published app read the same settings and serve the same page.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.AddIdentity();
        builder.AddAdmission();
        builder.AddUpstream();
        builder.AddStreaming();
        builder.AddFanout();
        builder.AddBrowserCors();
        builder.AddOpenAiCompat();
        builder.AddAnthropicCompat();
        builder.AddObservability();
        builder.AddAdmin();

        var app = builder.Build();

        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseBrowserCors();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapStreaming();
        app.MapOpenAiCompat();
        app.MapAnthropicCompat();
        app.MapObservability();
        app.MapAdmin();
        return app;
    }
}
