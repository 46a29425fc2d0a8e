namespace StreamHub.Cli;

/// <summary>Terminal styles, used only when the stream is a terminal and <c>NO_COLOR</c> is not set.</summary>
internal sealed class Ansi(bool enabled)
{
    public bool Enabled { get; } = enabled;

    public string Dim => Enabled ? "\e[2m" : "";
    public string Bold => Enabled ? "\e[1m" : "";
    public string Cyan => Enabled ? "\e[36m" : "";
    public string Red => Enabled ? "\e[31m" : "";
    public string Green => Enabled ? "\e[32m" : "";
    public string Reset => Enabled ? "\e[0m" : "";
    public string ClearScreen => Enabled ? "\e[H\e[2J" : "";

    public static Ansi ForStdout() => new(!Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null or "");

    public static Ansi ForStderr() => new(!Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null or "");
}
