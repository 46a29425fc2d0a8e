using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamHub.Emulator.Access;
using StreamHub.Emulator.Completions;
using StreamHub.Emulator.Control;
using StreamHub.Emulator.Faults;
using StreamHub.Emulator.Messages;
using StreamHub.Validation;

namespace StreamHub.Emulator;

/// <summary>Wiring shared by the standalone host (Program.cs) and <see cref="EmulatorServer"/>.</summary>
public static class EmulatorExtensions
{
    /// <summary>Binds <see cref="EmulatorOptions"/> from the "Emulator" section (validated at start) and registers the emulator's services.</summary>
    public static IHostApplicationBuilder AddEmulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEmulatorSettings();
        builder.Services.AddEmulatorCore();
        return builder;
    }

    /// <summary>
    /// The <c>Emulator</c> settings, bound and validated like every StreamHub section (a bad value stops
    /// start-up naming its key); for the standalone host and for StreamHub, which hosts the emulator.
    /// </summary>
    public static IServiceCollection AddEmulatorSettings(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSettings<EmulatorOptions, EmulatorOptionsValidator>(EmulatorOptions.SectionName);
        return services;
    }

    /// <summary>Maps <c>/v1/chat/completions</c>, <c>/v1/messages</c>, <c>/v1/models</c> and the <c>/emulator/*</c> control endpoints.</summary>
    public static IEndpointRouteBuilder MapEmulator(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetService<EmulatorState>() is null)
        {
            throw new InvalidOperationException("Call AddEmulator() (or use EmulatorServer.StartAsync) before MapEmulator().");
        }

        var v1 = app.MapGroup("/v1").WithTags("Emulated provider");
        v1.MapPost("/chat/completions", (HttpContext http, ChatCompletionEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithName("EmulatorChatCompletions").WithSummary("OpenAI chat completions, streaming or not, with fault injection.");
        v1.MapGet("/models", (HttpContext http, ModelsEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithName("EmulatorModels").WithSummary("The configured models (Emulator:Models, else Emulator:Model), in OpenAI's list shape.");
        v1.MapPost("/messages", (HttpContext http, MessagesEndpoint endpoint) => endpoint.HandleAsync(http))
            .WithName("EmulatorMessages").WithSummary("Anthropic's Messages API, streaming or not, with the same fault injection.");
        app.MapControl();
        return app;
    }

    internal static IServiceCollection AddEmulatorCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EmulatorState>();
        services.TryAddSingleton<FaultSelector>();
        services.TryAddSingleton<ProviderGate>();
        services.TryAddSingleton<ChatCompletionEndpoint>();
        services.TryAddSingleton<ModelsEndpoint>();
        services.TryAddSingleton<MessagesEndpoint>();
        return services;
    }
}
