namespace StreamHub.Benchmarks.Load;

/// <summary>What every stream asks the emulator for: its length, its pace and its first-token delay.</summary>
internal sealed record StreamShape(int Tokens, double TokensPerSecond, TimeSpan FirstTokenDelay);
