namespace StreamHub.Emulator.Conversation;

/// <summary>One tool call the reply makes; <see cref="Fragments"/> concatenate to <see cref="Arguments"/>.</summary>
internal sealed record ToolCallPlan(int Index, string Id, string Name, string Arguments, IReadOnlyList<string> Fragments);
