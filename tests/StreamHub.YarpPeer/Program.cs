using Microsoft.AspNetCore.Http.Features;
using StreamHub.YarpPeer;

// dotnet StreamHub.YarpPeer.dll --urls http://127.0.0.1:5090 --Upstream=http://127.0.0.1:5199/
// Forwards /v1/* to the upstream, as a team would put YARP in front of an OpenAI-compatible server.
var builder = WebApplication.CreateBuilder(args);
var upstream = builder.Configuration["Upstream"]
    ?? throw new InvalidOperationException("Upstream is required, e.g. --Upstream=http://127.0.0.1:5199/");

// The same accept backlog StreamHub and the emulator use, so a connection burst costs every peer alike.
builder.WebHost.UseSockets(o => o.Backlog = 4096);

// Two Information lines per proxied request would cost more than the proxying being measured.
builder.Logging.AddFilter("Yarp", LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromMemory(PassthroughConfig.Routes, PassthroughConfig.Clusters(upstream));

var app = builder.Build();
app.MapReverseProxy(proxy => proxy.Use((context, next) =>
{
    // YARP copies the response as it reads it; this makes sure no response-body feature buffers an event.
    context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    return next();
}));
app.Run();
