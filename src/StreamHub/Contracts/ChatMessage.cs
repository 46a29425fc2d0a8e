namespace StreamHub.Contracts;

/// <summary>One chat message as the upstream receives it.</summary>
public sealed record ChatMessage(string Role, string Content);
