using Microsoft.Extensions.Options;

namespace StreamHub.Emulator.Access;

/// <summary>
/// What a real provider checks before it answers: the credentials it requires (<c>Emulator:RequireHeaders</c>,
/// <c>Emulator:RequireQuery</c>) and whether it knows the model (<c>Emulator:Models</c>). Each endpoint
/// writes the refusal in its own dialect's error shape.
/// </summary>
internal sealed class ProviderGate(IOptions<EmulatorOptions> options)
{
    /// <summary>The names <c>/v1/models</c> lists: the configured models, or the default one.</summary>
    public IReadOnlyList<string> ListedModels => options.Value.Models is { Count: > 0 } models ? models : [options.Value.Model];

    /// <summary>Why the request's credentials are refused, or null when every required header and query value is present and exact.</summary>
    public string? CredentialFailure(HttpRequest request)
    {
        foreach (var (name, expected) in options.Value.RequireHeaders)
        {
            var actual = request.Headers[name].ToString();
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                return actual.Length == 0 ? $"Missing required header '{name}'." : $"Incorrect value for header '{name}'.";
            }
        }

        foreach (var (name, expected) in options.Value.RequireQuery)
        {
            var actual = request.Query[name].ToString();
            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                return actual.Length == 0 ? $"Missing required query parameter '{name}'." : $"Incorrect value for query parameter '{name}'.";
            }
        }

        return null;
    }

    /// <summary>Whether this provider serves <paramref name="model"/> (null: the request named none, so the default one).</summary>
    public bool Knows(string? model) =>
        options.Value.Models is not { Count: > 0 } models || models.Contains(model ?? options.Value.Model, StringComparer.Ordinal);
}
