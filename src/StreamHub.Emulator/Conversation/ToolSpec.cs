using System.Text.Json;

namespace StreamHub.Emulator.Conversation;

/// <summary>A tool the request offers: its name and JSON schema (OpenAI's <c>parameters</c>, Anthropic's <c>input_schema</c>).</summary>
internal sealed record ToolSpec(string Name, JsonElement? Schema);
