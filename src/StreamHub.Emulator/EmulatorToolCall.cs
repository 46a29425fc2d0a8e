namespace StreamHub.Emulator;

/// <summary>A tool call in a received assistant message (OpenAI <c>tool_calls</c>, Anthropic <c>tool_use</c>); arguments as raw JSON text.</summary>
public sealed record EmulatorToolCall(string Id, string Name, string Arguments);
