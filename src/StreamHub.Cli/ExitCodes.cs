using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>How a command ends: 0 done, 1 a StreamHub failure (printed to stderr as "code: sentence"), 130 Ctrl+C.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failed = 1;
    public const int Interrupted = 130;

    /// <summary>Runs a command body: a <see cref="StreamHubException"/> goes to stderr as "code: sentence".</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (StreamHubException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Code}: {ex.Message}");
            return Failed;
        }
    }
}
