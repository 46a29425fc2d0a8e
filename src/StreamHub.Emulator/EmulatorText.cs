namespace StreamHub.Emulator;

/// <summary>
/// The emulated model's answer: a deterministic function of the prompt, so a test can compute exactly what
/// a stream must deliver. Every fifth token (from the third) is a multi-byte UTF-8 word, so any answer of
/// three tokens or more exercises decoders that split inside characters.
/// </summary>
public static class EmulatorText
{
    private static readonly string[] Ascii =
    [
        "the", "stream", "token", "arrives", "quickly", "and", "then", "waits", "for", "a", "reader",
        "who", "listens", "to", "every", "word", "gateway", "region", "upstream", "model", "answers",
        "with", "short", "pieces", "of", "text", "while", "clients", "watch", "progress", "on", "screen",
        "latency", "matters", "more", "than", "size", "queue", "fair", "priority", "retry", "later",
        "budget", "tenant", "limits", "flow", "steady", "calm", "bright", "signal", "hub", "group",
        "resume", "window", "buffer", "pool", "socket", "frame", "event", "line", "done", "soon",
        "maybe", "here",
    ];

    private static readonly string[] Wide =
    [
        "café", "naïve", "日本", "🚀", "über", "façade", "Ωmega", "smörgåsbord", "東京", "✨", "jalapeño", "Привет",
    ];

    // Leading-space variants are built once so producing tokens allocates only the result list.
    private static readonly string[] AsciiSpaced = Array.ConvertAll(Ascii, w => " " + w);

    private static readonly string[] WideSpaced = Array.ConvertAll(Wide, w => " " + w);

    /// <summary>The first <paramref name="maxTokens"/> tokens of the answer to <paramref name="prompt"/>; every token but the first starts with a space.</summary>
    public static IReadOnlyList<string> Tokens(string prompt, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (maxTokens <= 0)
        {
            return [];
        }

        var state = StableHash(prompt) | 1UL;
        var tokens = new string[maxTokens];
        for (var i = 0; i < maxTokens; i++)
        {
            // i == 2 is never the first token, so wide words always take the spaced form.
            var words = i % 5 == 2 ? WideSpaced : (i == 0 ? Ascii : AsciiSpaced);
            tokens[i] = words[(int)(Next(ref state) % (ulong)words.Length)];
        }

        return tokens;
    }

    /// <summary>The <paramref name="count"/> reasoning deltas <c>reasoning=N</c> asks for (the answer to a derived prompt).</summary>
    public static IReadOnlyList<string> Reasoning(string prompt, int count) => Tokens("reasoning: " + prompt, count);

    /// <summary>The whole answer, as a non-streaming completion returns it.</summary>
    public static string Text(string prompt, int maxTokens) => string.Concat(Tokens(prompt, maxTokens));

    /// <summary>FNV-1a over UTF-16 code units: unlike string.GetHashCode it is the same in every process.</summary>
    internal static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }

    // xorshift64*: tiny, fast and fully specified, so answers never change with the runtime version.
    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return (state * 2685821657736338717UL) >> 11;
    }
}
