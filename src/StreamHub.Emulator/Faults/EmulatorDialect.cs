namespace StreamHub.Emulator.Faults;

/// <summary>Which provider's streaming quirks to imitate (the <c>dialect=</c> fault key).</summary>
internal enum EmulatorDialect
{
    /// <summary>Minimal OpenAI shape: role on the first content chunk.</summary>
    Plain,

    /// <summary>A role-only first chunk with <c>refusal:null</c> and a <c>system_fingerprint</c>.</summary>
    OpenAi,

    /// <summary><c>reasoning_content</c> deltas before the content; usage on the finish chunk.</summary>
    DeepSeek,

    /// <summary><c>reasoning</c> deltas before the content.</summary>
    Ollama,

    /// <summary>A role-only first chunk with empty content; <c>stop_reason</c> on the finish choice.</summary>
    Vllm,
}
