using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Upstream;

/// <summary>Emulators that play providers (their own model names, their own credentials) and the settings that point StreamHub at them.</summary>
internal static class CatalogTestKit
{
    public const string TenantKey = "catalog-tenant-key-0123456789";

    /// <summary>A provider that knows only <paramref name="models"/> and answers 401 without <paramref name="bearer"/> (when given).</summary>
    public static Task<EmulatorServer> ProviderAsync(string[] models, string? bearer = null, Action<EmulatorOptions>? configure = null)
    {
        var options = StreamHubServer.FastEmulator();
        options.Models = [.. models];
        if (bearer is not null)
        {
            options.RequireHeaders["Authorization"] = "Bearer " + bearer;
        }

        configure?.Invoke(options);
        return EmulatorServer.StartAsync(options).WaitAsync(Waits.Timeout);
    }

    /// <summary>One tenant ("acme") and the test's own settings; every region the test names replaces the kit's default one.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = TenantKey,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Region <paramref name="index"/>'s name and base URL on <paramref name="emulator"/>, then its further keys ("Models:chat", "gpt-4.1").</summary>
    public static (string Key, string? Value)[] Region(int index, string name, EmulatorServer emulator, params (string Key, string? Value)[] more)
    {
        var prefix = $"Upstream:Regions:{index}:";
        return
        [
            (prefix + "Name", name),
            (prefix + "BaseUrl", new Uri(emulator.BaseAddress, "v1").ToString()),
            .. more.Select(p => (prefix + p.Key, p.Value)),
        ];
    }

    /// <summary>The models <paramref name="emulator"/> was asked for, in order, with the fault it played (null: it answered).</summary>
    public static List<(string? Model, string? Fault)> Received(EmulatorServer emulator)
        => [.. emulator.State.GetRequests().Select(r => (r.Model, string.IsNullOrEmpty(r.Fault) ? null : r.Fault))];
}
