using StreamHub.Emulator;

// Standalone: dotnet run --project src/StreamHub.Emulator -- --urls http://127.0.0.1:5199
var builder = WebApplication.CreateSlimBuilder(args);
builder.AddEmulator();

// Per-request Information logs would cost more than the emulated tokens in a benchmark.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

var app = builder.Build();
app.MapEmulator();
app.Run();
