using Microsoft.AspNetCore.Http.Connections.Client;

namespace StreamHub.Client;

/// <summary>How a <see cref="StreamHubChatClient"/> reaches StreamHub and what it asks for by default.</summary>
public sealed class StreamHubClientOptions
{
    /// <summary>The hub's address, e.g. <c>http://localhost:5000/hubs/stream</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>A tenant API key, sent as a bearer token. Ignored when <see cref="AccessTokenProvider"/> is set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Supplies the bearer token (a JWT, a key from a vault) each time the client connects.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; set; }

    /// <summary>JSON (default) or MessagePack.</summary>
    public StreamHubProtocol Protocol { get; set; } = StreamHubProtocol.Json;

    /// <summary>The model asked for when <c>ChatOptions.ModelId</c> names none; null lets StreamHub choose.</summary>
    public string? ModelId { get; set; }

    /// <summary><c>critical</c>, <c>high</c>, <c>normal</c> or <c>low</c>; capped by the tier the key grants.</summary>
    public string? Priority { get; set; }

    /// <summary>A group every request fans out to (its members see the tokens live), or null.</summary>
    public string? Group { get; set; }

    /// <summary>
    /// Whether requests survive a dropped connection (default true): the client sends <c>resumable: true</c> and a
    /// request id of its own, and after a drop reconnects and goes on with <c>Watch(requestId, lastSeq)</c>.
    /// </summary>
    /// <remarks>
    /// StreamHub cannot tell a caller's cancellation from a drop, so a cancelled resumable request keeps its upstream
    /// answering for <c>Fanout:ResumeGrace</c> (watchers still get it). Set false where a cancel must end it at once.
    /// </remarks>
    public bool Resumable { get; set; } = true;

    /// <summary>
    /// The waits before each attempt to reconnect after a drop; when they are used up the request fails with
    /// <see cref="StreamHubErrorCodes.ConnectionLost"/>. StreamHub keeps a resumable answer going for its
    /// <c>Fanout:ResumeGrace</c> (30 s by default), so the waits should add up to less than that.
    /// </summary>
    public IList<TimeSpan> ReconnectDelays { get; set; } =
    [
        TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8),
    ];

    /// <summary>
    /// How long a silent connection counts as alive (SignalR's server timeout, 30 s by default). A network that
    /// vanishes without closing its sockets is noticed only after this long.
    /// </summary>
    public TimeSpan? ServerTimeout { get; set; }

    /// <summary>
    /// Further transport settings (headers, a proxy, an <c>HttpMessageHandlerFactory</c>). By default the client
    /// uses WebSockets without negotiation, so any instance behind a load balancer can take a reconnect.
    /// </summary>
    public Action<HttpConnectionOptions>? ConfigureConnection { get; set; }

    /// <summary>Receives queue positions and the region chosen while requests run (called on a SignalR thread).</summary>
    public IProgress<StreamHubProgress>? Progress { get; set; }

    /// <summary>The clock for reconnect waits.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
