namespace StreamHub.Client;

/// <summary>The SignalR hub protocol the client speaks; both carry the same names and error codes.</summary>
public enum StreamHubProtocol
{
    /// <summary>JSON text frames (the default, what browsers speak).</summary>
    Json,

    /// <summary>Binary MessagePack frames: smaller and cheaper to parse.</summary>
    MessagePack,
}
