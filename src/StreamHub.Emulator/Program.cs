namespace StreamHub.Emulator;

/// <summary>
/// Standalone entry point: <c>dotnet run --project src/StreamHub.Emulator -- --urls http://127.0.0.1:5199</c>.
/// An explicit class (not top-level statements) so its <c>Program</c> does not collide with StreamHub's,
/// which references this project to host the emulator in-process.
/// </summary>
internal static class EmulatorProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddEmulator();

        // Per-request Information logs would cost more than the emulated tokens in a benchmark.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var app = builder.Build();
        app.MapEmulator();
        app.Run();
    }
}
