namespace StreamHub.Emulator.Completions;

internal sealed class StreamOptions
{
    public bool IncludeUsage { get; set; }
}
